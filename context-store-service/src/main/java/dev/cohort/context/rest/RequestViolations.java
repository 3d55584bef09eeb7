package dev.cohort.context.rest;

import dev.cohort.context.service.ContextStoreException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hibernate.validator.engine.HibernateConstraintViolation;

/**
 * Broken constraints of a request, answered as every other refusal of the store: the first (in the order of the
 * method's parameters, then of the body's fields) gives the status, the error code and the extra fields; the detail
 * says what is wrong with each. A rule of {@code ArtifactRules} ({@link ArtifactRule}) answers with its own refusal;
 * a standard constraint or {@link Text} with the code of its type, naming the field.
 */
public final class RequestViolations {

    /** The message of a {@code @Min(1)}. */
    public static final String AT_LEAST_ONE = "must be at least 1, was ${validatedValue}";
    /** The message of a {@code @PositiveOrZero}. */
    public static final String NOT_NEGATIVE = "must be 0 or more, was ${validatedValue}";

    /** The error code of each constraint type that is not an {@link ArtifactRule}. */
    private static final Map<Class<? extends Annotation>, String> CODES = Map.of(
            NotNull.class, "missing-field",
            Text.class, "invalid-field",
            Min.class, "invalid-field",
            PositiveOrZero.class, "invalid-field",
            Size.class, "invalid-field");

    private RequestViolations() {
    }

    /** Payload of the {@code @NotNull} of a request body: the body is missing, not one of its fields. */
    public interface MissingBody extends Payload {
    }

    static Response answer(Set<ConstraintViolation<?>> violations) {
        List<ContextStoreException> refusals = violations.stream()
                .sorted(Comparator.<ConstraintViolation<?>>comparingInt(RequestViolations::parameter)
                        .thenComparingInt(RequestViolations::field))
                .map(RequestViolations::refusal)
                .toList();
        ContextStoreException first = refusals.get(0);
        String detail = refusals.stream().map(Throwable::getMessage).distinct().collect(Collectors.joining("; "));
        return ApiErrors.error(first.status(), first.error(), detail, first.info());
    }

    private static ContextStoreException refusal(ConstraintViolation<?> violation) {
        ContextStoreException rule = ((HibernateConstraintViolation<?>) violation.unwrap(
                HibernateConstraintViolation.class)).getDynamicPayload(ContextStoreException.class);
        if (rule != null) {
            return rule;
        }
        if (violation.getConstraintDescriptor().getPayload().contains(MissingBody.class)) {
            return ContextStoreException.invalid("missing-body", violation.getMessage());
        }
        Class<? extends Annotation> type = violation.getConstraintDescriptor().getAnnotation().annotationType();
        String code = CODES.get(type);
        if (code == null) {
            throw new IllegalStateException("no error code for constraint " + type.getName());
        }
        return ContextStoreException.invalid(code, name(violation) + " " + violation.getMessage());
    }

    /** The field or query parameter as the caller wrote it. */
    private static String name(ConstraintViolation<?> violation) {
        Path.Node leaf = leaf(violation);
        return (leaf.getKind() == ElementKind.PARAMETER ? "query parameter '" : "field '") + leaf.getName() + "'";
    }

    private static int parameter(ConstraintViolation<?> violation) {
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.PARAMETER) {
                return node.as(Path.ParameterNode.class).getParameterIndex();
            }
        }
        return -1;
    }

    /** The position of a body's field among the record's components. */
    private static int field(ConstraintViolation<?> violation) {
        Path.Node leaf = leaf(violation);
        Object bean = violation.getLeafBean();
        if (leaf.getKind() != ElementKind.PROPERTY || bean == null || !bean.getClass().isRecord()) {
            return -1;
        }
        return Arrays.stream(bean.getClass().getRecordComponents()).map(RecordComponent::getName).toList()
                .indexOf(leaf.getName());
    }

    private static Path.Node leaf(ConstraintViolation<?> violation) {
        Path.Node leaf = null;
        for (Path.Node node : violation.getPropertyPath()) {
            leaf = node;
        }
        return leaf;
    }
}
