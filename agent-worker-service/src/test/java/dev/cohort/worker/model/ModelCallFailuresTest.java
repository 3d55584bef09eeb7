package dev.cohort.worker.model;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.testsupport.Ports;
import dev.cohort.worker.config.RoleProfiles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every class of failure, produced by the simulator's fault rules over real HTTP, and what the retrying caller
 * does with it: retryable ones are retried (honouring Retry-After), the others fail at once with a message that
 * says what to fix.
 */
@QuarkusTest
@QuarkusTestResource(SimulatorTestResource.class)
class ModelCallFailuresTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ModelCalls calls;

    @Inject
    ModelProviders providers;

    @Inject
    RoleProfiles profiles;

    @BeforeEach
    void reset() {
        SimulatorTestResource.reset();
    }

    @Test
    void serverErrorsAreRetriedUntilTheCallSucceeds() {
        SimulatorTestResource.fault("{\"model\":\"sim-backend\",\"action\":\"fail\",\"status\":500,\"times\":2}");
        Recorder recorder = new Recorder();

        ModelResponse response = calls.call(Role.BACKEND, work(Role.BACKEND), recorder).await().atMost(WAIT);

        assertEquals(3, response.attempts());
        assertEquals(List.of(FailureKind.SERVER_ERROR, FailureKind.SERVER_ERROR),
                recorder.retries.stream().map(ModelCallException::kind).toList());
        assertEquals(List.of("fault:fail", "fault:fail", "ok"), outcomes());
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastFailure() {
        SimulatorTestResource.fault("{\"model\":\"sim-backend\",\"action\":\"fail\",\"status\":502}");

        ModelCallException failure = failure(calls.call(work(Role.BACKEND), 2, TokenListener.NONE));

        assertEquals(FailureKind.SERVER_ERROR, failure.kind());
        assertEquals(502, failure.httpStatus());
        assertEquals(2, failure.attempts());
        assertEquals(2, outcomes().size());
    }

    @Test
    void rateLimitsWaitForRetryAfter() {
        SimulatorTestResource.fault("{\"model\":\"sim-lead\",\"action\":\"rate-limit\",\"retryAfterSeconds\":1,\"times\":1}");

        ModelResponse response = calls.call(Role.LEAD, work(Role.LEAD), TokenListener.NONE).await().atMost(WAIT);

        assertEquals(2, response.attempts());
        JsonPath log = calls();
        Instant limited = Instant.parse(log.getString("[0].endedAt"));
        Instant retried = Instant.parse(log.getString("[1].startedAt"));
        assertEquals("fault:rate-limit", log.getString("[0].outcome"));
        assertFalse(retried.isBefore(limited.plusSeconds(1)), "the retry came no earlier than Retry-After allowed");
    }

    @Test
    void aRetryAfterBeyondTheLimitFailsAtOnce() {
        SimulatorTestResource.fault("{\"model\":\"sim-lead\",\"action\":\"rate-limit\",\"retryAfterSeconds\":60}");

        ModelCallException failure = failure(calls.call(Role.LEAD, work(Role.LEAD), TokenListener.NONE));

        assertEquals(FailureKind.RATE_LIMITED, failure.kind());
        assertEquals(Duration.ofSeconds(60), failure.retryAfter());
        assertEquals(1, failure.attempts());
        assertTrue(failure.getMessage().contains("cohort.retry.max-retry-after"), failure.getMessage());
    }

    @Test
    void badRequestsAreNotRetried() {
        SimulatorTestResource.fault("{\"model\":\"sim-backend\",\"action\":\"fail\",\"status\":400}");

        ModelCallException failure = failure(calls.call(Role.BACKEND, work(Role.BACKEND), TokenListener.NONE));

        assertEquals(FailureKind.BAD_REQUEST, failure.kind());
        assertFalse(failure.retryable());
        assertEquals(1, outcomes().size());
    }

    @Test
    void anUnknownOllamaModelSaysToPullIt() {
        SimulatorTestResource.fault("{\"model\":\"sim-backend\",\"action\":\"fail\",\"status\":404}");

        ModelCallException failure = failure(calls.call(Role.BACKEND, work(Role.BACKEND), TokenListener.NONE));

        assertEquals(FailureKind.BAD_REQUEST, failure.kind());
        assertTrue(failure.getMessage().contains("ollama pull sim-backend"), failure.getMessage());
    }

    @Test
    void aRejectedKeyIsNotRetriedAndNamesTheVariable() {
        SimulatorTestResource.fault("{\"model\":\"sim-lead\",\"action\":\"fail\",\"status\":401}");

        ModelCallException failure = failure(calls.call(Role.LEAD, work(Role.LEAD), TokenListener.NONE));

        assertEquals(FailureKind.AUTHENTICATION, failure.kind());
        assertFalse(failure.retryable());
        assertTrue(failure.getMessage().contains("OPENROUTER_API_KEY"), failure.getMessage());
        assertEquals(1, outcomes().size());
    }

    @Test
    void aStreamCutMidwayIsTruncatedAndRetried() {
        SimulatorTestResource.fault("{\"model\":\"sim-backend\",\"action\":\"drop\",\"afterTokens\":5,\"times\":1}");
        Recorder recorder = new Recorder();

        ModelResponse response = calls.call(Role.BACKEND, work(Role.BACKEND), recorder).await().atMost(WAIT);

        assertEquals(2, response.attempts());
        assertEquals(FailureKind.TRUNCATED_STREAM, recorder.retries.get(0).kind());
        assertEquals(response.text(), recorder.text(), "the retry streamed the whole answer again");
        assertEquals(List.of("fault:drop", "ok"), outcomes());
    }

    @Test
    void anOpenAiStreamCutMidwayIsTruncated() {
        SimulatorTestResource.fault("{\"model\":\"sim-lead\",\"action\":\"drop\",\"afterTokens\":3}");

        ModelCallException failure = failure(calls.call(work(Role.LEAD), 1, TokenListener.NONE));

        assertEquals(FailureKind.TRUNCATED_STREAM, failure.kind());
        assertTrue(failure.retryable());
    }

    @Test
    void aModelThatNeverAnswersHitsTheFirstTokenTimeout() {
        SimulatorTestResource.fault("{\"model\":\"sim-backend\",\"action\":\"hang\"}");
        ModelCalls quick = withTimeouts(new ProviderSettings.Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300),
                Duration.ofMillis(300), Duration.ofSeconds(10)));

        ModelCallException failure = failure(quick.call(work(Role.BACKEND), 1, TokenListener.NONE));

        assertEquals(FailureKind.FIRST_TOKEN_TIMEOUT, failure.kind());
        assertTrue(failure.getMessage().contains("cohort.providers.ollama.timeouts.first-token"), failure.getMessage());
        // Giving up closes the connection, so the server stops holding a slot for the call.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then()
                        .body("[0].outcome", equalTo("client-closed")));
    }

    @Test
    void aStreamThatStopsMidwayIsStalledAndRetried() {
        SimulatorTestResource.fault("{\"model\":\"sim-lead\",\"action\":\"hang\",\"afterTokens\":4,\"times\":1}");
        ModelCalls quick = withTimeouts(new ProviderSettings.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(300), Duration.ofSeconds(10)));
        Recorder recorder = new Recorder();

        ModelResponse response = quick.call(work(Role.LEAD), 2, recorder).await().atMost(WAIT);

        assertEquals(2, response.attempts());
        assertEquals(FailureKind.STALLED, recorder.retries.get(0).kind());
    }

    @Test
    void aSlowAnswerHitsTheTotalTimeout() {
        SimulatorTestResource.model("sim-frontend", "{\"tokensPerSecond\": 20, \"answerTokens\": 200}");
        ModelCalls quick = withTimeouts(new ProviderSettings.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofMillis(600)));

        ModelCallException failure = failure(quick.call(work(Role.FRONTEND), 1, TokenListener.NONE));

        assertEquals(FailureKind.TOTAL_TIMEOUT, failure.kind());
    }

    @Test
    void textWhereJsonWasRequiredIsInvalidOutputAndRetried() {
        SimulatorTestResource.fault("{\"model\":\"sim-lead\",\"kind\":\"plan\",\"action\":\"not-json\",\"times\":1}");
        Recorder recorder = new Recorder();
        ModelRequest plan = calls.request(Role.LEAD, SubtaskKind.PLAN, null, "Task: Build a todo REST API",
                PlanSchema.schema(), null);

        ModelResponse response = calls.call(Role.LEAD, plan, recorder).await().atMost(WAIT);

        assertEquals(2, response.attempts());
        assertEquals(FailureKind.INVALID_OUTPUT, recorder.retries.get(0).kind());
        assertTrue(ChatStream.isJson(response.text()));
    }

    @Test
    void aRefusedConnectionNamesTheUrlSetting() {
        ProviderSettings closed = providers.provider(Provider.OLLAMA).settings()
                .withUrl(URI.create("http://127.0.0.1:" + Ports.free()));
        ModelCalls unreachable = new ModelCalls(new ModelProviders(providers.prices(), closed,
                providers.provider(Provider.OPENROUTER).settings()), profiles,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1), 0.5));

        ModelCallException failure = failure(unreachable.call(work(Role.BACKEND), 2, TokenListener.NONE));

        assertEquals(FailureKind.CONNECT_TIMEOUT, failure.kind());
        assertTrue(failure.retryable());
        assertEquals(2, failure.attempts());
        assertTrue(failure.getMessage().contains("cohort.providers.ollama.url"), failure.getMessage());
    }

    @Test
    void aServerThatAcceptsNoConnectionIsAConnectTimeout() throws Exception {
        // A listening socket that never accepts: once its backlog is full, the kernel ignores further connection
        // attempts, so connecting times out rather than being refused.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> backlog = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket filler = new Socket();
                    backlog.add(filler);
                    try {
                        filler.connect(silent.getLocalSocketAddress(), 200);
                    } catch (IOException full) {
                        break;
                    }
                }
                ProviderSettings settings = providers.provider(Provider.OLLAMA).settings()
                        .withUrl(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                        .withTimeouts(new ProviderSettings.Timeouts(Duration.ofMillis(200), Duration.ofSeconds(2),
                                Duration.ofSeconds(2), Duration.ofSeconds(5)));
                ModelCalls unreachable = new ModelCalls(new ModelProviders(providers.prices(), settings,
                        providers.provider(Provider.OPENROUTER).settings()), profiles,
                        new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1), 0.5));

                ModelCallException failure = failure(unreachable.call(work(Role.BACKEND), 1, TokenListener.NONE));

                assertEquals(FailureKind.CONNECT_TIMEOUT, failure.kind());
                assertTrue(failure.retryable());
                assertTrue(failure.getMessage().contains("within 200 ms"), failure.getMessage());
            } finally {
                for (Socket filler : backlog) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void cancellingStopsTheCallAndClosesTheConnection() {
        SimulatorTestResource.model("sim-backend", "{\"tokensPerSecond\": 50, \"answerTokens\": 500}");
        Cancellation cancellation = new Cancellation();
        CompletableFuture<Void> firstToken = new CompletableFuture<>();
        ModelRequest request = calls.request(Role.BACKEND, SubtaskKind.WORK, null, "Task: Build a todo REST API",
                null, cancellation);

        CompletableFuture<ModelResponse> call = calls.call(Role.BACKEND, request, (text, n) -> firstToken.complete(null))
                .subscribeAsCompletionStage();
        firstToken.orTimeout(10, TimeUnit.SECONDS).join();
        cancellation.cancel("task cancelled");

        ModelCallException failure = failure(Uni.createFrom().completionStage(call));
        assertEquals(FailureKind.CANCELLED, failure.kind());
        assertFalse(failure.retryable());
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then()
                        .body("[0].outcome", equalTo("client-closed")));
    }

    @Test
    void aFullQueueAnswers503AndTheCallsThatGotInOverlap() {
        SimulatorTestResource.model("sim-researcher",
                "{\"maxConcurrent\": 2, \"maxQueue\": 0, \"tokensPerSecond\": 100, \"answerTokens\": 100}");
        List<CompletableFuture<ModelResponse>> running = List.of(
                calls.call(work(Role.RESEARCHER), 1, TokenListener.NONE).subscribeAsCompletionStage(),
                calls.call(work(Role.RESEARCHER), 1, TokenListener.NONE).subscribeAsCompletionStage());
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                given().baseUri(SimulatorTestResource.url()).get("/sim/counters").then()
                        .body("maxConcurrencyByModel.sim-researcher", equalTo(2)));

        ModelCallException busy = failure(calls.call(work(Role.RESEARCHER), 1, TokenListener.NONE));

        assertEquals(FailureKind.SERVER_ERROR, busy.kind());
        assertEquals(503, busy.httpStatus());
        assertTrue(busy.retryable());
        running.forEach(CompletableFuture::join);
        given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then().body("$", hasSize(3))
                .body("findAll { it.outcome == 'busy' }", hasSize(1));
    }

    private ModelRequest work(Role role) {
        return calls.request(role, SubtaskKind.WORK, null, "Task: Build a todo REST API", null, null);
    }

    private ModelCalls withTimeouts(ProviderSettings.Timeouts timeouts) {
        ModelProviders quick = new ModelProviders(providers.prices(),
                providers.provider(Provider.OLLAMA).settings().withTimeouts(timeouts),
                providers.provider(Provider.OPENROUTER).settings().withTimeouts(timeouts));
        return new ModelCalls(quick, profiles, new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofSeconds(5), 0.5));
    }

    private static ModelCallException failure(Uni<ModelResponse> call) {
        return assertThrows(ModelCallException.class, () -> call.await().atMost(WAIT));
    }

    private static JsonPath calls() {
        return given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then().statusCode(200).extract().jsonPath();
    }

    private static List<String> outcomes() {
        return calls().getList("outcome");
    }

}
