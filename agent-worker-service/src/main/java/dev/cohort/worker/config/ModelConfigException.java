package dev.cohort.worker.config;

import java.util.List;

/** The models configuration is wrong; the message lists every problem with the key to fix. */
public class ModelConfigException extends RuntimeException {

    private final List<String> problems;

    public ModelConfigException(List<String> problems) {
        super("Invalid models configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
