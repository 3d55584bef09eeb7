package dev.cohort.contracts;

import java.util.Collection;
import java.util.List;

/** Checks used by the records' constructors, so a record missing a field is rejected with that field's name. */
public final class Required {

    private Required() {
    }

    public static <T> T field(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("missing required field '" + name + "'");
        }
        if (value instanceof String s && s.isBlank()) {
            throw new IllegalArgumentException("required field '" + name + "' is blank");
        }
        return value;
    }

    public static int positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException("field '" + name + "' must be at least 1, was " + value);
        }
        return value;
    }

    /** An absent list is an empty one; the copy is immutable. */
    public static <T> List<T> list(Collection<T> values) {
        return values == null ? List.of() : List.copyOf(values);
    }
}
