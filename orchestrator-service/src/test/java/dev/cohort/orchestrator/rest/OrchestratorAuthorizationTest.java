package dev.cohort.orchestrator.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.cli.LocalIssuer;
import dev.cohort.testsupport.AuthenticatedRestAssured;
import dev.cohort.testsupport.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may call what on the orchestrator: every endpoint without a token, with a token the services do not trust, as
 * a viewer, an operator and a worker; what the open endpoints are; and the per-caller limits.
 */
@QuarkusTest
class OrchestratorAuthorizationTest {

    /** One endpoint: method, path (with {@code {task}} for a task's id) and a JSON body, or null. */
    record Endpoint(String method, String path, String body, boolean command) {
        static Endpoint read(String path) {
            return new Endpoint("GET", path, null, false);
        }

        static Endpoint command(String path, String body) {
            return new Endpoint("POST", path, body, true);
        }
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            Endpoint.read("/api/tasks"),
            Endpoint.read("/api/tasks/{task}"),
            Endpoint.read("/api/tasks/{task}/messages"),
            Endpoint.read("/api/workload"),
            Endpoint.command("/api/tasks", "{\"description\": \"authorization\", \"approvalMode\": \"manual\"}"),
            Endpoint.command("/api/tasks/{task}/cancel", null),
            Endpoint.command("/api/tasks/{task}/approve", null),
            Endpoint.command("/api/tasks/{task}/reject", null),
            Endpoint.command("/api/tasks/{task}/pause", null),
            Endpoint.command("/api/tasks/{task}/resume", null),
            Endpoint.command("/api/tasks/{task}/subtasks", "{\"role\": \"reviewer\", \"title\": \"Extra review\"}"),
            Endpoint.command("/api/tasks/{task}/subtasks/plan/stop", null),
            Endpoint.command("/api/tasks/{task}/messages", "{\"to\": {\"type\": \"team\"}, \"text\": \"hello\"}"));

    String task;

    @Inject
    MeterRegistry metrics;

    @BeforeEach
    void aTask() {
        task = given().contentType(ContentType.JSON)
                .body(Map.of("description", "authorization", "approvalMode", "manual"))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
        AuthenticatedRestAssured.anonymous();
    }

    private Response send(Endpoint e, String authorization) {
        RequestSpecification request = given();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (e.body() != null) {
            request.contentType(ContentType.JSON).body(e.body());
        }
        return request.request(e.method(), e.path().replace("{task}", task));
    }

    @Test
    void withoutAValidTokenEveryEndpointAnswers401() throws Exception {
        Path otherKeys = Files.createTempDirectory("other-issuer");
        String foreign = LocalIssuer.inDirectory(otherKeys).mint("mallory", Duration.ofHours(1), List.of("admin"));
        String admin = TestTokens.admin();
        String tampered = admin.substring(0, admin.lastIndexOf('.') + 1) + "AAAA" + admin.substring(admin.lastIndexOf('.') + 5);
        // Expired beyond the verifier's clock skew (60 s).
        String expired = LocalIssuer.inDirectory(TestTokens.KEYS).mint("late", Instant.now().minusSeconds(600),
                List.of("admin"));
        for (Endpoint e : ENDPOINTS) {
            assertEquals(401, send(e, null).statusCode(), e + " without a token");
            assertEquals(401, send(e, "Bearer " + foreign).statusCode(), e + " with a token of another issuer's key");
            assertEquals(401, send(e, "Bearer " + expired).statusCode(), e + " with an expired token");
            assertEquals(401, send(e, "Bearer " + tampered).statusCode(), e + " with a tampered signature");
            assertEquals(401, send(e, "Basic YWRtaW46YWRtaW4=").statusCode(), e + " with a password");
        }
        send(ENDPOINTS.get(0), null).then().header("WWW-Authenticate", containsString("Bearer"));
    }

    @Test
    void aTokenSentAgainIsAnsweredFromMemory() {
        String viewer = TestTokens.bearer(TestTokens.mint("test-viewer-again", "viewer"));
        double checked = verified("signature");
        double remembered = verified("memory");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, send(Endpoint.read("/api/tasks"), viewer).statusCode());
        }
        assertEquals(1, verified("signature") - checked, "the signature is checked once");
        assertEquals(2, verified("memory") - remembered, "the next two requests are answered from memory");
    }

    /** Tokens verified so far (dev.cohort.security.VerifiedTokens); the counters appear with the first one. */
    private double verified(String by) {
        Counter counter = metrics.find("cohort.tokens.verified").tag("by", by).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aViewerReadsAndIsRefusedEveryCommand() {
        String viewer = TestTokens.bearer(TestTokens.viewer());
        for (Endpoint e : ENDPOINTS) {
            Response r = send(e, viewer);
            if (e.command()) {
                assertEquals(403, r.statusCode(), e + " as a viewer: " + r.asString());
                assertTrue(r.asString().contains("roles do not allow"), r.asString());
            } else {
                assertEquals(200, r.statusCode(), e + " as a viewer: " + r.asString());
            }
        }
    }

    @Test
    void anOperatorGivesEveryCommand() {
        String operator = TestTokens.bearer(TestTokens.operator());
        for (Endpoint e : ENDPOINTS) {
            int status = send(e, operator).statusCode();
            // The command is authorised; the task's state decides the rest (e.g. 409 for resume of a running task).
            assertNotEquals(401, status, e.toString());
            assertNotEquals(403, status, e.toString());
            assertTrue(status < 500, e + " answered " + status);
        }
    }

    @Test
    void servicesReadButGiveNoCommands() {
        for (String token : List.of(TestTokens.worker("worker-a"), TestTokens.orchestrator())) {
            assertEquals(200, send(Endpoint.read("/api/tasks/{task}"), TestTokens.bearer(token)).statusCode());
            assertEquals(403, send(Endpoint.command("/api/tasks/{task}/cancel", null), TestTokens.bearer(token))
                    .statusCode());
        }
        String noRoles = TestTokens.bearer(TestTokens.mint("nobody"));
        assertEquals(403, send(Endpoint.read("/api/tasks"), noRoles).statusCode(), "a token without roles");
    }

    @Test
    void healthMetricsAndOpenApiAreOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/.well-known/oauth-protected-resource").then().statusCode(200);
    }

    @Test
    void theCreatorIsTheCallerAndACallerHasAtMostSoManyTasksUnderWay() {
        String bob = TestTokens.bearer(TestTokens.mint("bob-" + UUID.randomUUID(), "operator"));
        Endpoint submit = ENDPOINTS.get(4);
        String first = send(submit, bob).then().statusCode(201).extract().path("id");
        given().header("Authorization", bob).get("/api/tasks/" + first).then()
                .body("createdBy", org.hamcrest.Matchers.startsWith("bob-"));
        for (int i = 1; i < 20; i++) {
            send(submit, bob).then().statusCode(201);
        }
        Response refused = send(submit, bob);
        assertEquals(429, refused.statusCode(), refused.asString());
        assertTrue(refused.asString().contains("20 tasks under way"), refused.asString());
        assertTrue(Integer.parseInt(refused.header("Retry-After")) > 0);
        // Another caller is not held back by bob's tasks.
        send(submit, TestTokens.bearer(TestTokens.mint("carol-" + UUID.randomUUID(), "operator"))).then().statusCode(201);
    }

    @Test
    void aCallerSendingCommandsFasterThanItsRateIsAnswered429WithRetryAfter() {
        String dave = TestTokens.bearer(TestTokens.mint("dave-" + UUID.randomUUID(), "operator"));
        Endpoint cancelUnknown = new Endpoint("POST", "/api/tasks/" + UUID.randomUUID() + "/cancel", null, true);
        int allowed = 0;
        Response last = null;
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            last = send(cancelUnknown, dave);
            if (last.statusCode() == 429) {
                break;
            }
            allowed++;
            assertEquals(404, last.statusCode());
        }
        assertEquals(429, last.statusCode(), "the burst ran out");
        // The burst of 30, plus what the steady rate of 2 a second refilled meanwhile.
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(allowed >= 30 && allowed <= 31 + 2 * seconds, allowed + " allowed in " + seconds + " s");
        assertTrue(Integer.parseInt(last.header("Retry-After")) >= 1);
        assertTrue(last.asString().contains("commands a minute"), last.asString());
        // Reads are not counted.
        assertEquals(200, send(Endpoint.read("/api/tasks"), dave).statusCode());
    }
}
