package dev.cohort.worker.service;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.worker.model.JsonAnswer;
import dev.cohort.worker.model.ModelCallException;
import dev.cohort.worker.model.ModelCalls;
import dev.cohort.worker.model.ModelResponse;
import dev.cohort.worker.model.SimulatorTestResource;
import dev.cohort.worker.model.TokenListener;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every answer style of the simulator's sloppy models, over both wire protocols (Ollama NDJSON and OpenAI SSE): what
 * a careful reader can read is read to the same files, summary and plan as a clean answer; the rest fails the call as
 * {@code invalid-output} with the reason, and the retry quotes it.
 */
@QuarkusTest
@QuarkusTestResource(SimulatorTestResource.class)
class AnswerStylesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WRITES = List.of("src/main/java/todo/Todo.java",
            "src/main/java/todo/TodoResource.java");

    @Inject
    ModelCalls calls;

    @BeforeEach
    void reset() {
        SimulatorTestResource.reset();
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void pathsInHeadingsOrFirstLineCommentsAndTwoFilesInOneFenceGiveTheCleanFiles(Provider protocol) {
        Answer clean = work(protocol, "clean");
        assertEquals(WRITES, paths(clean));

        for (String style : List.of("heading-path", "comment-path", "two-files", "prose")) {
            Answer styled = work(protocol, style);

            assertEquals(clean.files(), styled.files(), style);
            assertEquals(clean.summary(), styled.summary(), style);
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aSummaryWithCommentsIsReadAndAMissingOrBrokenOneIsMadeFromTheFiles(Provider protocol) {
        Answer clean = work(protocol, "clean");

        assertEquals(clean.summary(), work(protocol, "lenient-json").summary());
        for (String style : List.of("no-summary", "broken-summary")) {
            Answer answer = work(protocol, style);
            assertEquals(clean.files(), answer.files(), style);
            assertEquals(WRITES.stream().map(p -> "wrote " + p).toList(), answer.summary().keyPoints(), style);
            assertTrue(answer.repairs().stream().anyMatch(r -> r.contains("summary")), answer.repairs().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aPlanInProseOrWithCommentsAndTrailingCommasIsTheCleanPlan(Provider protocol) throws Exception {
        JsonNode clean = JSON.readTree(plan(protocol, "clean"));
        assertEquals(5, clean.get("subtasks").size());

        assertEquals(clean, JSON.readTree(plan(protocol, "prose")));
        assertEquals(clean, JSON.readTree(plan(protocol, "lenient-json")));
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aPlanNamingAnUnknownRoleOrAnInventedDependencyIsHandedOnUnchangedForTheOrchestratorToSendBack(
            Provider protocol) throws Exception {
        JsonNode plan = JSON.readTree(plan(protocol, "odd-plan"));

        List<String> roles = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> dependencies = new ArrayList<>();
        plan.get("subtasks").forEach(s -> {
            roles.add(s.get("role").asText());
            ids.add(s.get("id").asText());
            s.get("dependsOn").forEach(dep -> dependencies.add(dep.asText()));
        });
        assertEquals(5, ids.size(), "no subtask dropped");
        assertTrue(roles.contains("devops"), roles.toString());
        assertTrue(dependencies.contains("research") && !ids.contains("research"), dependencies.toString());
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void anAnswerCutAtTheTokenLimitIsNotTakenAsComplete(Provider protocol) {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"cut\"}");
        SimulatorTestResource.model("sim-lead", "{\"style\": \"cut\"}");

        ModelCallException work = failure(dispatch(Role.BACKEND, SubtaskKind.WORK, protocol, WRITES), 1);
        ModelCallException plan = failure(dispatch(Role.LEAD, SubtaskKind.PLAN, protocol, List.of()), 1);

        assertEquals(FailureKind.INVALID_OUTPUT, work.kind());
        assertTrue(work.getMessage().contains("stopped at the token limit"), work.getMessage());
        assertEquals(FailureKind.INVALID_OUTPUT, plan.kind());
        assertTrue(plan.getMessage().contains("cut off") && plan.getMessage().contains("token limit"),
                plan.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void aLoopingStreamIsStoppedEarlyAsRepetition(Provider protocol) {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"repeat\", \"tokensPerSecond\": 1000}");
        SubtaskDispatch d = dispatch(Role.BACKEND, SubtaskKind.WORK, protocol, WRITES);

        ModelCallException failure = failure(d, 1);

        assertEquals(FailureKind.INVALID_OUTPUT, failure.kind());
        assertTrue(failure.getMessage().startsWith("repetition: "), failure.getMessage());
        assertTrue(failure.retryable());
        // Stopped well before the 4096-token limit: the worker closed the connection while the model still looped.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath log = callLog();
            assertEquals("client-closed", log.getString("[0].outcome"));
            assertTrue(log.getLong("[0].completionTokens") < 1000, "tokens: " + log.getLong("[0].completionTokens"));
        });
    }

    @ParameterizedTest
    @EnumSource(Provider.class)
    void anUnusableAnswerIsAskedForAgainWithTheErrorQuoted(Provider protocol) {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"cut\"}");
        SubtaskDispatch d = dispatch(Role.BACKEND, SubtaskKind.WORK, protocol, WRITES);
        List<ModelCallException> retries = new CopyOnWriteArrayList<>();
        TokenListener cleanAfterFailure = new TokenListener() {
            @Override
            public void onToken(String text, long chunks) {
            }

            @Override
            public void onRetry(int failedAttempt, ModelCallException failure, Duration delay) {
                retries.add(failure);
                SimulatorTestResource.model("sim-backend", "{\"style\": \"clean\"}");
            }
        };

        ModelResponse response = calls.call(calls.request(d, null), 3, cleanAfterFailure, AnswerCheck.of(d))
                .await().atMost(WAIT);

        assertEquals(2, response.attempts());
        assertEquals(List.of(FailureKind.INVALID_OUTPUT), retries.stream().map(ModelCallException::kind).toList());
        assertEquals(WRITES, paths(Answer.parse(response.text(), Role.BACKEND)));
        JsonPath log = callLog();
        assertEquals(List.of("length", "ok"), log.getList("outcome"));
        // The second prompt carries the quoted error: a few hundred characters more, at four a token.
        long grew = log.getLong("[1].promptTokens") - log.getLong("[0].promptTokens");
        assertTrue(grew >= retries.get(0).getMessage().length() / 4, "the prompt grew by " + grew + " tokens");
    }

    @Test
    void aSloppyModelsSubtasksAllCompleteRetryingOnlyTheUnusableAnswers() {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"sloppy\"}");
        List<ModelCallException> retries = new ArrayList<>();
        List<Integer> attempts = new ArrayList<>();

        for (int subtask = 0; subtask < 7; subtask++) {
            SubtaskDispatch d = dispatch(Role.BACKEND, SubtaskKind.WORK, subtask % 2 == 0 ? Provider.OLLAMA
                    : Provider.OPENROUTER, WRITES);
            ModelResponse response = calls.call(calls.request(d, null), 3, new TokenListener() {
                @Override
                public void onToken(String text, long chunks) {
                }

                @Override
                public void onRetry(int failedAttempt, ModelCallException failure, Duration delay) {
                    retries.add(failure);
                }
            }, AnswerCheck.of(d)).await().atMost(WAIT);
            attempts.add(response.attempts());
            assertEquals(WRITES, paths(Answer.parse(response.text(), Role.BACKEND)), "subtask " + subtask);
        }

        assertEquals(List.of(1, 2, 1, 2, 1, 1, 1), attempts);
        assertEquals(2, retries.size());
        assertTrue(retries.get(0).getMessage().contains("token limit"), retries.get(0).getMessage());
        assertTrue(retries.get(1).getMessage().startsWith("repetition"), retries.get(1).getMessage());
        List<String> styles = callLog().getList("style");
        assertEquals(9, styles.size());
        assertNotEquals(styles.get(0), styles.get(2));
    }

    private Answer work(Provider protocol, String style) {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"" + style + "\"}");
        SubtaskDispatch d = dispatch(Role.BACKEND, SubtaskKind.WORK, protocol, WRITES);
        ModelResponse response = calls.call(calls.request(d, null), 1, TokenListener.NONE, AnswerCheck.of(d))
                .await().atMost(WAIT);
        assertEquals(new ModelRef(protocol, "sim-backend"), response.answeredBy());
        return Answer.parse(response.text(), Role.BACKEND);
    }

    private String plan(Provider protocol, String style) {
        SimulatorTestResource.model("sim-lead", "{\"style\": \"" + style + "\"}");
        SubtaskDispatch d = dispatch(Role.LEAD, SubtaskKind.PLAN, protocol, List.of());
        ModelResponse response = calls.call(calls.request(d, null), 1, TokenListener.NONE, AnswerCheck.of(d))
                .await().atMost(WAIT);
        JsonAnswer.Read plan = JsonAnswer.read(response.text());
        assertTrue(plan.ok(), plan.problem());
        assertEquals(plan.json(), response.jsonText());
        assertEquals(style.equals("prose") || style.equals("lenient-json"), !plan.repairs().isEmpty(), style);
        return plan.json();
    }

    private ModelCallException failure(SubtaskDispatch d, int maxAttempts) {
        return assertThrows(ModelCallException.class, () -> calls.call(calls.request(d, null), maxAttempts,
                TokenListener.NONE, AnswerCheck.of(d)).await().atMost(WAIT));
    }

    private static SubtaskDispatch dispatch(Role role, SubtaskKind kind, Provider protocol, List<String> writes) {
        return new SubtaskDispatch(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 1,
                "lease-" + UUID.randomUUID(), Instant.now().plusSeconds(60), role, kind, "Implement the Todo service",
                "Implement the endpoints.", "Build a todo REST API", null, List.of(), writes, List.of(),
                new ModelRef(protocol, "sim-" + role.id()), false, null, List.of(), null);
    }

    private static List<String> paths(Answer answer) {
        return answer.files().stream().map(Answer.File::path).toList();
    }

    private static JsonPath callLog() {
        return given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then().statusCode(200).extract()
                .jsonPath();
    }
}
