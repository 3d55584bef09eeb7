package dev.cohort.orchestrator.rest;

import dev.cohort.orchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Provider;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/** The text is no longer than a limit the orchestrator's configuration sets; absent is left to {@code @NotBlank}. */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ConfiguredLength.Check.class)
public @interface ConfiguredLength {

    Limit value();

    String message() default "has {length} characters; the limit is {limit}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The configured limits on text in requests. */
    enum Limit {
        /** {@code cohort.orchestrator.max-description-length}: a task's description. */
        DESCRIPTION,
        /** {@code cohort.orchestrator.max-message-length}: a message to a task's team. */
        MESSAGE
    }

    /**
     * A bean for its configuration, one instance per annotation ({@link #initialize} keeps its limit). The validator
     * factory is made before runtime configuration exists, so the configuration is looked up when a value is checked.
     */
    @Dependent
    class Check implements ConstraintValidator<ConfiguredLength, String> {

        private final Provider<OrchestratorConfig> config;
        private Limit limit;

        public Check(Provider<OrchestratorConfig> config) {
            this.config = config;
        }

        @Override
        public void initialize(ConfiguredLength annotation) {
            limit = annotation.value();
        }

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            int max = switch (limit) {
                case DESCRIPTION -> config.get().maxDescriptionLength();
                case MESSAGE -> config.get().maxMessageLength();
            };
            if (text == null || text.strip().length() <= max) {
                return true;
            }
            context.unwrap(HibernateConstraintValidatorContext.class)
                    .addMessageParameter("length", String.valueOf(text.strip().length()))
                    .addMessageParameter("limit", String.valueOf(max));
            return false;
        }
    }
}
