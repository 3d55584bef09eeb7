package dev.cohort.worker.model;

import dev.cohort.contracts.model.FailureKind;

/**
 * Decides whether a complete answer can be used. A check that throws {@link #unusable} fails the call as
 * {@code invalid-output}: {@link ModelCalls} then asks again, quoting the reason to the model, and after the last
 * attempt the orchestrator retries or escalates.
 */
@FunctionalInterface
public interface OutputCheck {

    OutputCheck NONE = response -> {
    };

    /** Returns when the answer can be used; throws a {@link ModelCallException} when it cannot. */
    void check(ModelResponse response);

    /** The failure for an answer that cannot be used, with the reason the model is shown on the next try. */
    static ModelCallException unusable(ModelResponse response, String reason) {
        return ModelCallException.of(FailureKind.INVALID_OUTPUT, true, response.answeredBy(),
                "The answer of " + response.answeredBy() + " could not be used: " + reason);
    }
}
