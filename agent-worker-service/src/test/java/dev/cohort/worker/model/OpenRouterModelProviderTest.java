package dev.cohort.worker.model;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.CostSource;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenRouter (OpenAI-compatible) provider against the simulator's {@code /api/v1} API, over HTTP. */
@QuarkusTest
@QuarkusTestResource(SimulatorTestResource.class)
class OpenRouterModelProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    ModelCalls calls;

    @BeforeEach
    void reset() {
        SimulatorTestResource.reset();
    }

    @Test
    void streamsAPlanWithTheCostTheProviderReports() throws Exception {
        SimulatorTestResource.model("sim-lead", "{\"inputCostPerMillion\": 2, \"outputCostPerMillion\": 10}");
        Recorder recorder = new Recorder();
        ModelRequest request = calls.request(Role.LEAD, SubtaskKind.PLAN, null, "Task: Build a todo REST API",
                PlanSchema.schema(), null);

        ModelResponse response = calls.call(Role.LEAD, request, recorder).await().atMost(WAIT);

        assertEquals(new ModelRef(Provider.OPENROUTER, "sim-lead"), response.answeredBy());
        assertTrue(recorder.pieces.size() > 1, "the plan streamed in several chunks");
        assertEquals(response.text(), recorder.text());
        assertTrue(new ObjectMapper().readTree(response.jsonText()).get("subtasks").isArray());
        assertEquals(CostSource.PROVIDER, response.usage().costSource());
        BigDecimal expected = BigDecimal.valueOf(2).multiply(BigDecimal.valueOf(response.usage().promptTokens()))
                .add(BigDecimal.TEN.multiply(BigDecimal.valueOf(response.usage().completionTokens())))
                .movePointLeft(6);
        assertEquals(0, expected.compareTo(response.usage().costUsd()), "the cost is the one in the usage chunk");
        given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then()
                .body("$", hasSize(1))
                .body("[0].protocol", equalTo("openai"))
                .body("[0].role", equalTo("lead"))
                .body("[0].kind", equalTo("plan"))
                .body("[0].stream", equalTo(true));
    }

    @Test
    void costsFromThePriceTableWhenTheProviderReportsNone() {
        // sim-reviewer is priced in application.properties at 0.40 / 1.60 per million.
        ModelRequest request = calls.request(Role.REVIEWER, SubtaskKind.WORK, null, "Task: Build a todo REST API",
                null, null);

        ModelResponse response = calls.call(Role.REVIEWER, request, TokenListener.NONE).await().atMost(WAIT);

        assertEquals(CostSource.PRICE_TABLE, response.usage().costSource());
        BigDecimal expected = new BigDecimal("0.40").multiply(BigDecimal.valueOf(response.usage().promptTokens()))
                .add(new BigDecimal("1.60").multiply(BigDecimal.valueOf(response.usage().completionTokens())))
                .movePointLeft(6);
        assertEquals(0, expected.compareTo(response.usage().costUsd()));
    }

    @Test
    void anUnpricedCloudModelHasAnUnknownCost() {
        ModelRequest request = calls.request(Role.REVIEWER, SubtaskKind.WORK,
                new ModelRef(Provider.OPENROUTER, "sim-reviewer-large"), "Task: Build a todo REST API", null, null);

        ModelResponse response = calls.call(Role.REVIEWER, request, TokenListener.NONE).await().atMost(WAIT);

        assertEquals(CostSource.UNKNOWN, response.usage().costSource());
        assertEquals(null, response.usage().costUsd());
        assertEquals("sim-reviewer-large", response.answeredBy().model(), "the override (escalation) model answered");
    }

    @Test
    void anEscalatedDispatchRunsOnTheEscalationModelOverTheOpenAiProtocol() {
        SubtaskDispatch dispatch = new SubtaskDispatch("task-1", "backend", 3, "lease-3", null, Role.BACKEND,
                SubtaskKind.WORK, "Implement the Todo service", "Use an in-memory store.", "Build a todo REST API",
                null, List.of(), List.of("src/main/java/todo/TodoResource.java"), List.of(), null, true,
                "2 failed attempts", List.of(), null);

        ModelResponse response = calls.call(Role.BACKEND, calls.request(dispatch, null), TokenListener.NONE)
                .await().atMost(WAIT);

        assertEquals(new ModelRef(Provider.OPENROUTER, "sim-backend-large"), response.answeredBy());
        assertTrue(response.text().contains("path=src/main/java/todo/TodoResource.java"));
        given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then()
                .body("[0].protocol", equalTo("openai")).body("[0].role", equalTo("backend"));
    }

    @Test
    void callsAreCountedInTheMetrics() {
        calls.call(Role.REVIEWER, calls.request(Role.REVIEWER, SubtaskKind.WORK, null, "Task: todo", null, null),
                TokenListener.NONE).await().atMost(WAIT);

        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("cohort_model_calls_seconds_count{model=\"sim-reviewer\",outcome=\"ok\",provider=\"openrouter\"}"))
                .body(containsString("cohort_model_tokens_total{direction=\"output\",model=\"sim-reviewer\",provider=\"openrouter\"}"));
    }

    @Test
    void answersWholeWithoutStreaming() {
        Recorder recorder = new Recorder();
        ModelRequest request = calls.request(Role.LEAD, SubtaskKind.SUMMARY, null, "Task: Build a todo REST API",
                null, null).withStream(false);

        ModelResponse response = calls.call(Role.LEAD, request, recorder).await().atMost(WAIT);

        assertEquals(1, recorder.pieces.size());
        assertTrue(response.text().contains("```summary"));
        assertTrue(response.usage().promptTokens() > 0);
        given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then()
                .body("[0].stream", equalTo(false)).body("[0].kind", equalTo("summary"));
    }
}
