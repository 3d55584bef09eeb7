package dev.cohort.orchestrator.rest;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Broken constraints of a request in the words of the rest of the API: each names the field as the caller wrote it
 * ({@code 'to.type'}, {@code 'roles[0]'}) and says what to fix, all of them in one message, sorted.
 */
public final class Violations {

    /** The message of a {@code @Size} with a maximum only. */
    public static final String AT_MOST = "must have at most {max} characters";

    private Violations() {
    }

    /** Checks {@code request} against its constraints, for callers that did not pass a {@code @Valid} parameter. */
    public static <T> T check(Validator validator, T request) {
        Set<ConstraintViolation<T>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return request;
    }

    public static String describe(Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream().map(v -> "'" + field(v.getPropertyPath()) + "' " + v.getMessage())
                .sorted().collect(Collectors.joining("; "));
    }

    /** The field's path in the request: without the method and, for a body, the parameter that holds it. */
    private static String field(Path path) {
        List<Path.Node> nodes = new ArrayList<>();
        path.forEach(nodes::add);
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            Path.Node node = nodes.get(i);
            boolean last = i == nodes.size() - 1;
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR
                    || node.getKind() == ElementKind.PARAMETER && !last) {
                continue;
            }
            if (node.getKind() != ElementKind.CONTAINER_ELEMENT && node.getName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(node.getName());
            }
            if (i + 1 < nodes.size() && nodes.get(i + 1).getIndex() != null) {
                field.append('[').append(nodes.get(i + 1).getIndex()).append(']');
            }
        }
        return field.toString();
    }
}
