package dev.cohort.worker.model;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.CostSource;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.UpstreamSummary;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Ollama provider against the simulator's Ollama API, over HTTP. */
@QuarkusTest
@QuarkusTestResource(SimulatorTestResource.class)
class OllamaModelProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    @Inject
    ModelCalls calls;

    @BeforeEach
    void reset() {
        SimulatorTestResource.reset();
    }

    @Test
    void streamsAWorkAnswerWithFilesAndSummary() throws Exception {
        SimulatorTestResource.model("sim-backend", "{\"answerTokens\": 300}");
        Recorder recorder = new Recorder();
        ModelRequest request = calls.request(Role.BACKEND, SubtaskKind.WORK, null,
                "Task: Build a todo REST API\nWrites: src/main/java/todo/TodoResource.java", null, null);

        ModelResponse response = calls.call(Role.BACKEND, request, recorder).await().atMost(WAIT);

        assertEquals(new ModelRef(Provider.OLLAMA, "sim-backend"), response.answeredBy());
        assertTrue(recorder.pieces.size() > 1, "the answer arrived in several chunks");
        assertEquals(response.text(), recorder.text(), "the streamed pieces make up the answer");
        assertTrue(response.text().contains("```java path=src/main/java/todo/TodoResource.java"));
        assertEquals("done", summary(response.text()).status());
        assertEquals("stop", response.doneReason());
        assertTrue(response.usage().completionTokens() >= 300, "eval_count is the usage");
        assertTrue(response.usage().promptTokens() > 0, "prompt_eval_count is the usage");
        // A local model not in the price table costs nothing.
        assertEquals(CostSource.PRICE_TABLE, response.usage().costSource());
        assertEquals(0, BigDecimal.ZERO.compareTo(response.usage().costUsd()));
        assertNotNull(response.timings().firstToken());

        given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then()
                .body("$", hasSize(1))
                .body("[0].protocol", equalTo("ollama"))
                .body("[0].role", equalTo("backend"))
                .body("[0].kind", equalTo("work"))
                .body("[0].stream", equalTo(true))
                .body("[0].outcome", equalTo("ok"));
    }

    @Test
    void aDispatchedSubtaskGetsTheFilesItWrites() throws Exception {
        SubtaskDispatch dispatch = new SubtaskDispatch("task-1", "frontend", 1, "lease-1", null, Role.FRONTEND,
                SubtaskKind.WORK, "Build the Todo page", "List, create and delete items.", "Build a todo REST API",
                "A small todo app.", List.of("api/openapi.yaml"), List.of("web/index.html", "web/app.js"),
                List.of(new UpstreamSummary("design", Role.ARCHITECT, "Design the Todo API",
                        new StructuredSummary("done", List.of("GET/POST /todos"), "Build against the contract."),
                        List.of("api/openapi.yaml"))), null, false, null, List.of(), null);

        ModelResponse response = calls.call(Role.FRONTEND, calls.request(dispatch, null), TokenListener.NONE)
                .await().atMost(WAIT);

        assertTrue(response.text().contains("```html path=web/index.html"), response.text());
        assertTrue(response.text().contains("```javascript path=web/app.js"), response.text());
        assertEquals(new ModelRef(Provider.OLLAMA, "sim-frontend"), response.answeredBy());
    }

    @Test
    void answersWholeWithoutStreaming() {
        Recorder recorder = new Recorder();
        ModelRequest request = calls.request(Role.TESTER, SubtaskKind.WORK, null, "Task: Build a todo REST API",
                null, null).withStream(false);

        ModelResponse response = calls.call(Role.TESTER, request, recorder).await().atMost(WAIT);

        assertEquals(1, recorder.pieces.size(), "one piece: the whole answer");
        assertTrue(response.text().contains("path=src/test/java/todo/TodoResourceTest.java"));
        assertTrue(response.usage().completionTokens() > 0);
        given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then()
                .body("[0].stream", equalTo(false)).body("[0].role", equalTo("tester"));
    }

    @Test
    void structuredOutputReturnsAPlanThatParses() throws Exception {
        // The architect on Ollama asked for a plan shows the format field reaching Ollama's API.
        ModelRequest request = calls.request(Role.ARCHITECT, SubtaskKind.PLAN, null, "Task: Build a todo REST API",
                PlanSchema.schema(), null);

        ModelResponse response = calls.call(Role.ARCHITECT, request, TokenListener.NONE).await().atMost(WAIT);

        List<PlannedSubtask> plan = List.of(JSON.treeToValue(JSON.readTree(response.text()).get("subtasks"),
                PlannedSubtask[].class));
        assertEquals(List.of("design", "backend", "frontend", "review", "test"),
                plan.stream().map(PlannedSubtask::id).toList());
    }

    @Test
    void stopsAtTheTokenLimitAndSaysSo() {
        ModelRequest request = calls.request(Role.FRONTEND, SubtaskKind.WORK, null, "Task: Build a todo REST API",
                null, null).withSampling(0.2, 10);

        ModelResponse response = calls.call(Role.FRONTEND, request, TokenListener.NONE).await().atMost(WAIT);

        assertEquals("length", response.doneReason());
        assertTrue(response.truncatedByLimit());
        assertEquals(10, response.usage().completionTokens());
    }

    static StructuredSummary summary(String text) throws Exception {
        Matcher matcher = Pattern.compile("(?s)```summary\\n(.*?)\\n```").matcher(text);
        assertTrue(matcher.find(), "the answer ends with a summary block");
        return JSON.readValue(matcher.group(1), StructuredSummary.class);
    }
}
