package dev.cohort.context.rest;

import dev.cohort.context.service.ArtifactRules;
import dev.cohort.context.service.ContextStoreException;
import dev.cohort.contracts.model.ArtifactKind;
import jakarta.enterprise.context.Dependent;
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
 * The value follows one of the store's rules in {@link ArtifactRules}, the same function that task events and the
 * export are checked with. A refusal carries the rule's own {@link ContextStoreException} as its dynamic payload, so
 * the request is answered with the rule's status, code and detail (see {@link RequestViolations}).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ArtifactRule.Check.class)
public @interface ArtifactRule {

    Rule value();

    String message() default "{problem}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The rules of {@link ArtifactRules} that a request's fields and parameters are held to. */
    enum Rule {
        TASK_ID, KEY, KIND, MEDIA_TYPE, CHECKPOINT_NAME,
        /** Content's size and characters; absent is left to {@code @NotNull}. */
        CONTENT
    }

    @Dependent
    class Check implements ConstraintValidator<ArtifactRule, Object> {

        private final ArtifactRules rules;
        private Rule rule;

        public Check(ArtifactRules rules) {
            this.rules = rules;
        }

        @Override
        public void initialize(ArtifactRule annotation) {
            rule = annotation.value();
        }

        @Override
        public boolean isValid(Object value, ConstraintValidatorContext context) {
            try {
                switch (rule) {
                    case TASK_ID -> rules.taskId((String) value);
                    case KEY -> rules.key((String) value);
                    case KIND -> rules.kind((ArtifactKind) value);
                    case MEDIA_TYPE -> rules.mediaType((String) value);
                    case CHECKPOINT_NAME -> rules.checkpointName((String) value);
                    case CONTENT -> {
                        if (value != null) {
                            rules.contentSize((String) value);
                        }
                    }
                }
                return true;
            } catch (ContextStoreException refused) {
                // a message parameter, not a template: the value the caller sent is never interpolated
                context.unwrap(HibernateConstraintValidatorContext.class)
                        .addMessageParameter("problem", refused.getMessage())
                        .withDynamicPayload(refused);
                return false;
            }
        }
    }
}
