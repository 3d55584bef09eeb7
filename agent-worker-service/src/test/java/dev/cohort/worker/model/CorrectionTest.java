package dev.cohort.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import java.util.List;
import org.junit.jupiter.api.Test;

/** After an answer that could not be used, the model is asked again with the error quoted. */
class CorrectionTest {

    private static final ModelRef MODEL = new ModelRef(Provider.OLLAMA, "qwen2.5-coder:7b");

    @Test
    void theRetryQuotesTheErrorAfterTheOriginalConversation() {
        ModelRequest original = ModelRequest.of(MODEL, List.of(ChatMessage.system("Be good."),
                ChatMessage.user("Task: todo")));
        ModelCallException failure = ModelCallException.of(FailureKind.INVALID_OUTPUT, true, MODEL,
                "repetition: the same passage\nfour times");

        ModelRequest retry = ModelCalls.correction(original, failure);

        assertEquals(original.messages(), retry.messages().subList(0, 2));
        assertEquals(3, retry.messages().size());
        ChatMessage correction = retry.messages().get(2);
        assertEquals("user", correction.role());
        assertTrue(correction.content().contains("> repetition: the same passage\n> four times"), correction.content());
        assertTrue(correction.content().contains("path="), correction.content());
    }

    @Test
    void aPlanIsAskedForAsOneJsonValue() {
        ModelRequest original = ModelRequest.of(MODEL, List.of(ChatMessage.user("Task: todo")))
                .withJsonSchema("plan", PlanSchema.schema());

        ModelRequest retry = ModelCalls.correction(original, ModelCallException.of(FailureKind.INVALID_OUTPUT, true,
                MODEL, "the JSON stops before it is complete"));

        assertEquals(2, retry.messages().size());
        assertTrue(retry.messages().get(1).content().contains("one JSON value"), retry.messages().get(1).content());
        assertTrue(retry.wantsJson());
    }
}
