package dev.cohort.orchestrator.domain;

import java.util.Arrays;
import java.util.List;

/** Short lists (dependencies, artifact keys) stored as one comma-separated column. */
final class Csv {

    private Csv() {
    }

    static List<String> split(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.stream(value.split(",")).toList();
    }

    static String join(List<String> values) {
        return values == null ? "" : String.join(",", values);
    }
}
