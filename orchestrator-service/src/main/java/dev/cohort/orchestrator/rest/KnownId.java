package dev.cohort.orchestrator.rest;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/**
 * The value is an id that {@code value}'s static {@code fromId(String)} accepts (a role, an approval mode, a
 * template...); absent or blank is left to {@code @NotBlank}. A refusal says what {@code fromId} says: the id and the
 * known ones.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = KnownId.Check.class)
public @interface KnownId {

    /** The type whose {@code fromId(String)} parses the id and throws {@link IllegalArgumentException} otherwise. */
    Class<?> value();

    String message() default "must be known: {problem}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<KnownId, String> {

        private Method fromId;

        @Override
        public void initialize(KnownId annotation) {
            try {
                fromId = annotation.value().getMethod("fromId", String.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(annotation.value() + " has no public fromId(String)", e);
            }
        }

        @Override
        public boolean isValid(String id, ConstraintValidatorContext context) {
            if (id == null || id.isBlank()) {
                return true;
            }
            try {
                fromId.invoke(null, id);
                return true;
            } catch (InvocationTargetException e) {
                if (!(e.getCause() instanceof IllegalArgumentException refused)) {
                    throw new IllegalStateException("cannot check '" + id + "' with " + fromId, e.getCause());
                }
                // A message parameter, not a template: the id the caller sent is never interpolated.
                context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("problem",
                        refused.getMessage());
                return false;
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(fromId + " is not accessible", e);
            }
        }
    }
}
