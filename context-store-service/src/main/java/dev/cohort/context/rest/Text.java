package dev.cohort.context.rest;

import dev.cohort.context.service.ArtifactRules;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/**
 * Text that can be stored: at most {@code max} characters (see {@code Limits}) and no NUL, as
 * {@link ArtifactRules#textProblem} says; absent is left to {@code @NotNull}.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Text.Check.class)
public @interface Text {

    int max();

    String message() default "{problem}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<Text, String> {

        private int max;

        @Override
        public void initialize(Text annotation) {
            max = annotation.max();
        }

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            String problem = ArtifactRules.textProblem(text, max);
            if (problem == null) {
                return true;
            }
            context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("problem", problem);
            return false;
        }
    }
}
