package dev.cohort.contracts.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Shared parsing for enums written in JSON as lower-case, hyphenated ids. */
final class LowerCaseEnum {

    private LowerCaseEnum() {
    }

    static String id(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(Class<E> type, String what, String id) {
        if (id != null) {
            for (E value : type.getEnumConstants()) {
                if (id(value).equalsIgnoreCase(id.trim()) || value.name().equalsIgnoreCase(id.trim())) {
                    return value;
                }
            }
        }
        String known = Arrays.stream(type.getEnumConstants()).map(LowerCaseEnum::id).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown " + what + " '" + id + "'; expected one of: " + known);
    }
}
