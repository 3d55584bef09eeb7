package dev.cohort.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fault rules, the call log, counters, per-model settings and the concurrency limit. */
@QuarkusTest
class ControlApiTest {

    @TestHTTPResource("/")
    URI root;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    @AfterEach
    void reset() {
        given().delete("/sim/faults").then().statusCode(204);
        given().delete("/sim/calls").then().statusCode(204);
        for (String model : List.of("sim-backend", "sim-slow", "sim-open")) {
            given().delete("/sim/models/" + model).then().statusCode(200);
        }
    }

    @Test
    void faultRulesAreAddedListedAndCleared() {
        given().contentType(ContentType.JSON).body("{\"model\": \"sim-*\", \"action\": \"fail\", \"times\": 2}")
                .post("/sim/faults").then().statusCode(201)
                .body("id", notNullValue()).body("action", equalTo("fail"));
        given().get("/sim/faults").then().body("$", hasSize(1)).body("[0].remaining", equalTo(2));
        given().delete("/sim/faults").then().statusCode(204);
        given().get("/sim/faults").then().body("$", hasSize(0));
    }

    @Test
    void aBadFaultRuleIsRejectedWithTheReason() {
        given().contentType(ContentType.JSON).body("{\"action\": \"explode\"}")
                .post("/sim/faults").then().statusCode(400)
                .body("error", containsString("expected one of: fail, rate-limit, hang, drop, invalid-plan, cyclic-plan, not-json"));
        given().contentType(ContentType.JSON).body("{\"action\": \"fail\", \"times\": 0}")
                .post("/sim/faults").then().statusCode(400).body("error", containsString("times"));
    }

    @Test
    void failAppliesToTheGivenNumberOfMatchingCalls() {
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"sim-back*\", \"role\": \"backend\", \"action\": \"fail\", \"status\": 500, \"times\": 2}")
                .post("/sim/faults").then().statusCode(201);

        chatStatus("sim-lead", "lead", "plan", 200);
        chatStatus("sim-backend", "backend", "work", 500);
        chatStatus("sim-backend", "backend", "work", 500);
        chatStatus("sim-backend", "backend", "work", 200);

        given().get("/sim/calls").then().body("outcome", equalTo(List.of("ok", "fault:fail", "fault:fail", "ok")));
        given().get("/sim/counters").then()
                .body("total", equalTo(4))
                .body("byModel.sim-backend", equalTo(3))
                .body("byRole.lead", equalTo(1))
                .body("byKind.work", equalTo(3));
    }

    @Test
    void rateLimitAnswers429WithRetryAfter() {
        given().contentType(ContentType.JSON).body("{\"action\": \"rate-limit\", \"retryAfterSeconds\": 3, \"times\": 1}")
                .post("/sim/faults").then().statusCode(201);

        given().contentType(ContentType.JSON).body(ChatApiTest.chat("sim-lead", "lead", "plan", "x", false, null))
                .post("/v1/chat/completions").then().statusCode(429).header("Retry-After", "3")
                .body("error.code", equalTo(429));
    }

    @Test
    void planFaultsOnlyHitPlans() {
        given().contentType(ContentType.JSON).body("{\"kind\": \"plan\", \"action\": \"cyclic-plan\"}")
                .post("/sim/faults").then().statusCode(201);

        given().contentType(ContentType.JSON).body(ChatApiTest.chat("sim-lead", "lead", "plan", "Task: todo", false, null))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", containsString("\"id\":\"design\",\"role\":\"architect\""))
                .body("choices[0].message.content", containsString("\"dependsOn\":[\"test\"]"));
        given().contentType(ContentType.JSON).body(ChatApiTest.chat("sim-backend", "backend", "work", "Task: todo", false, null))
                .post("/api/chat").then().statusCode(200).body("message.content", containsString("```summary"));
    }

    @Test
    void aHangWithoutEndHoldsTheCallUntilTheClientGivesUp() throws Exception {
        given().contentType(ContentType.JSON).body("{\"model\": \"sim-backend\", \"action\": \"hang\"}")
                .post("/sim/faults").then().statusCode(201);

        // Long enough for the call to reach the simulator on a busy machine; the hang has no end, so it still times out.
        assertThrows(HttpTimeoutException.class, () -> http.send(post("/api/chat",
                ChatApiTest.chat("sim-backend", "backend", "work", "x", true, null), Duration.ofSeconds(3)),
                HttpResponse.BodyHandlers.ofString()));

        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                given().get("/sim/calls").then().body("[0].outcome", equalTo("client-closed")));
    }

    @Test
    void aHangWithADurationStallsThenFinishes() {
        given().contentType(ContentType.JSON)
                .body("{\"action\": \"hang\", \"afterTokens\": 3, \"hangMs\": 200, \"times\": 1}")
                .post("/sim/faults").then().statusCode(201);

        given().contentType(ContentType.JSON).body(ChatApiTest.chat("sim-backend", "backend", "work", "x", true, null))
                .post("/api/chat").then().statusCode(200).body(containsString("\"done\":true"));
        given().get("/sim/calls").then().body("[0].outcome", equalTo("ok")).body("[0].fault", containsString("hang"));
    }

    @Test
    void dropClosesTheConnectionMidStream() {
        given().contentType(ContentType.JSON).body("{\"action\": \"drop\", \"afterTokens\": 5}")
                .post("/sim/faults").then().statusCode(201);

        IOException failure = assertThrows(IOException.class, () -> http.send(post("/api/chat",
                ChatApiTest.chat("sim-backend", "backend", "work", "x", true, null), Duration.ofSeconds(5)),
                HttpResponse.BodyHandlers.ofString()));

        assertFalse(failure instanceof HttpTimeoutException, "the connection closed; it did not time out");
        given().get("/sim/calls").then().body("[0].outcome", equalTo("fault:drop"))
                .body("[0].completionTokens", equalTo(5));
    }

    @Test
    void modelSettingsChangeAtRuntimeAndAreValidated() {
        given().contentType(ContentType.JSON).body("{\"tokensPerSecond\": 5, \"maxConcurrent\": 1}")
                .put("/sim/models/sim-slow").then().statusCode(200)
                .body("tokensPerSecond", equalTo(5.0f)).body("maxConcurrent", equalTo(1))
                .body("timeToFirstTokenMs", equalTo(20));
        given().get("/sim/models/sim-slow").then().body("tokensPerSecond", equalTo(5.0f));
        given().contentType(ContentType.JSON).body("{\"maxQueue\": -1}")
                .put("/sim/models/sim-slow").then().statusCode(400).body("error", containsString("maxQueue"));
    }

    @Test
    void aFullQueueIsAnswered503() {
        given().contentType(ContentType.JSON).body("{\"tokensPerSecond\": 100, \"maxConcurrent\": 1, \"maxQueue\": 1}")
                .put("/sim/models/sim-slow").then().statusCode(200);

        List<CompletableFuture<HttpResponse<String>>> calls = List.of(send("sim-slow"), send("sim-slow"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                given().get("/sim/counters").then().body("total", equalTo(2)));
        int third = send("sim-slow").join().statusCode();

        assertEquals(503, third);
        calls.forEach(call -> assertEquals(200, call.join().statusCode()));
        given().get("/sim/counters").then()
                .body("maxConcurrencyByModel.sim-slow", equalTo(1))
                .body("byOutcome.busy", equalTo(1));
        assertEquals(List.of("ok", "ok", "busy"), given().get("/sim/calls").then().extract().jsonPath().getList("outcome"));
    }

    @Test
    void callsWithoutALimitOverlap() {
        given().contentType(ContentType.JSON).body("{\"tokensPerSecond\": 100, \"maxConcurrent\": 0}")
                .put("/sim/models/sim-open").then().statusCode(200);

        List<CompletableFuture<HttpResponse<String>>> calls = List.of(send("sim-open"), send("sim-open"), send("sim-open"));
        calls.forEach(call -> assertEquals(200, call.join().statusCode()));

        given().get("/sim/counters").then().body("maxConcurrencyByModel.sim-open", equalTo(3));
        given().delete("/sim/calls").then().statusCode(204);
        given().get("/sim/counters").then().body("total", equalTo(0)).body("maxConcurrency", equalTo(0));
    }

    private void chatStatus(String model, String role, String kind, int status) {
        given().contentType(ContentType.JSON).body(ChatApiTest.chat(model, role, kind, "Task: todo", false, null))
                .post("/api/chat").then().statusCode(status);
    }

    private CompletableFuture<HttpResponse<String>> send(String model) {
        return http.sendAsync(post("/api/chat", ChatApiTest.chat(model, "backend", "work", "Task: todo", true, null),
                Duration.ofSeconds(20)), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest post(String path, String body, Duration timeout) {
        return HttpRequest.newBuilder(root.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
