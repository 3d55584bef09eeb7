package dev.cohort.orchestrator.rest;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/**
 * The value is a positive amount of US dollars with at most six decimals, as a JSON number or text; absent or blank
 * means none. {@link Check#parse} reads it.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = UsdAmount.Check.class)
public @interface UsdAmount {

    String message() default "must be a positive amount of US dollars such as 2.50, was '{value}'";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<UsdAmount, Object> {

        /** The amount; null when there is none or it is not an amount this constraint accepts. */
        public static BigDecimal parse(Object raw) {
            if (raw == null || raw.toString().isBlank()) {
                return null;
            }
            try {
                BigDecimal value = new BigDecimal(raw.toString().strip());
                return value.signum() > 0 && value.scale() <= 6 ? value : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public boolean isValid(Object raw, ConstraintValidatorContext context) {
            if (raw == null || raw.toString().isBlank() || parse(raw) != null) {
                return true;
            }
            context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("value", raw.toString());
            return false;
        }
    }
}
