package dev.cohort.worker.model;

import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;

/**
 * The two lines at the top of every system message that tell the model (and the model simulator, which reads
 * them) which role it plays and what kind of subtask it is doing.
 */
public final class PromptHeaders {

    public static final String ROLE = "Cohort-Role";
    public static final String SUBTASK_KIND = "Cohort-Subtask-Kind";

    private PromptHeaders() {
    }

    public static String systemMessage(Role role, SubtaskKind kind, String prompt) {
        return ROLE + ": " + role.id() + "\n" + SUBTASK_KIND + ": " + kind.id() + "\n\n" + prompt.strip() + "\n";
    }
}
