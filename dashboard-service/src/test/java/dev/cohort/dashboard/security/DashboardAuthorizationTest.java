package dev.cohort.dashboard.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.dashboard.BadTokens;
import dev.cohort.dashboard.SseReader;
import dev.cohort.dashboard.StubServer;
import dev.cohort.testsupport.AuthenticatedRestAssured;
import dev.cohort.testsupport.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what, over every endpoint of the API: the table below names each one, and the first test checks the
 * table against the dashboard's OpenAPI document, so an endpoint added without a row here fails.
 */
@QuarkusTest
class DashboardAuthorizationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    enum Kind { READ, STREAM, COMMAND }

    /** One endpoint: its OpenAPI path, a concrete request to it and what it is. */
    record Endpoint(String method, String template, String path, String body, Kind kind) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Endpoint> API = List.of(
            read("/api/tasks", "/api/tasks?size=5"),
            read("/api/tasks/{id}", "/api/tasks/t1"),
            read("/api/events", "/api/events?limit=5"),
            read("/api/meta", "/api/meta"),
            read("/api/context/{path}", "/api/context/tasks/t1/artifacts"),
            read("/api/context/{path}", "/api/context/tasks/t1/artifacts/src/App.java?version=2"),
            read("/api/context/{path}", "/api/context/tasks/t1/history/src/App.java"),
            read("/api/context/{path}", "/api/context/tasks/t1/diff/src/App.java?from=1&to=2"),
            read("/api/context/{path}", "/api/context/tasks/t1/conflicts"),
            new Endpoint("GET", "/api/stream", "/api/stream", null, Kind.STREAM),
            new Endpoint("GET", "/api/tasks/{id}/stream", "/api/tasks/t1/stream", null, Kind.STREAM),
            command("/api/tasks", "/api/tasks", "{\"description\":\"Build a todo API\"}"),
            command("/api/tasks/{id}/{command}", "/api/tasks/t1/approve", "{}"),
            command("/api/tasks/{id}/{command}", "/api/tasks/t1/reject", "{\"reason\":\"too big\"}"),
            command("/api/tasks/{id}/{command}", "/api/tasks/t1/pause", null),
            command("/api/tasks/{id}/{command}", "/api/tasks/t1/resume?budgetUsd=5", null),
            command("/api/tasks/{id}/{command}", "/api/tasks/t1/cancel", null),
            command("/api/tasks/{id}/{command}", "/api/tasks/t1/messages",
                    "{\"to\":{\"type\":\"team\",\"id\":\"all\"},\"kind\":\"note\",\"text\":\"hi\"}"),
            command("/api/tasks/{id}/subtasks/{subtask}/stop", "/api/tasks/t1/subtasks/api/stop?retry=false",
                    "{\"reason\":\"stuck\"}"));

    /** Signing in and out: open to everyone (GET answers who is signed in, so it needs a token). */
    static final Set<String> SESSION = Set.of("POST /api/session", "GET /api/session", "DELETE /api/session");

    @TestHTTPResource("/")
    URL base;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "cohort.dashboard.orchestrator-url")
    String orchestratorUrl;

    @ConfigProperty(name = "cohort.dashboard.context-store-url")
    String contextStoreUrl;

    StubServer.Remote orchestrator;
    StubServer.Remote contextStore;

    @BeforeEach
    void stubs() {
        orchestrator = new StubServer.Remote(orchestratorUrl);
        contextStore = new StubServer.Remote(contextStoreUrl);
        orchestrator.reset();
        contextStore.reset();
        // Every request below brings its own credentials, or none.
        AuthenticatedRestAssured.anonymous();
    }

    @Test
    void theTableCoversEveryEndpointOfTheApi() throws Exception {
        JsonNode paths = EventCodec.mapper().readTree(given().queryParam("format", "json")
                .when().get("/q/openapi").then().statusCode(200).extract().asString()).get("paths");
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey()));
        }
        Set<String> tabled = Stream.concat(API.stream().map(e -> e.method() + " " + e.template()), SESSION.stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(documented, tabled, "every endpoint of the API has a row in the table");
    }

    @Test
    void withoutATokenEveryEndpointButSigningInIsRefusedWith401() {
        for (Endpoint e : API) {
            send(given(), e).then().statusCode(401)
                    .header("WWW-Authenticate", "Bearer")
                    .body("error", startsWith("Sign in first"));
        }
        given().when().get("/api/session").then().statusCode(401);
        assertEquals(List.of(), orchestrator.requests(), "nothing reached the orchestrator");
        assertEquals(List.of(), contextStore.requests(), "nothing reached the context store");
    }

    @Test
    void aTokenSentAgainIsAnsweredFromMemory() {
        String viewer = TestTokens.bearer(TestTokens.mint("test-viewer-again", "viewer"));
        Endpoint read = API.stream().filter(e -> e.kind() == Kind.READ).findFirst().orElseThrow();
        double checked = verified("signature");
        double remembered = verified("memory");
        for (int i = 0; i < 3; i++) {
            send(given().header("Authorization", viewer), read).then().statusCode(200);
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
    void aViewerReadsAndWatchesButIsRefusedEveryCommand() {
        String viewer = TestTokens.bearer(TestTokens.viewer());
        for (Endpoint e : API) {
            switch (e.kind()) {
                case READ -> send(given().header("Authorization", viewer), e).then().statusCode(200);
                case STREAM -> {
                    try (SseReader stream = SseReader.open(url(e.path()), null, Map.of("Authorization", viewer))) {
                        assertEquals(200, stream.status(), e.toString());
                    }
                }
                case COMMAND -> send(given().header("Authorization", viewer), e).then().statusCode(403)
                        .body("error", equalTo("Your token's roles do not allow this"));
            }
        }
        assertTrue(orchestrator.requests().stream().noneMatch(r -> r.get("method").asText().equals("POST")),
                "no command reached the orchestrator");
        assertTrue(orchestrator.requests().stream().allMatch(r -> viewer.equals(r.get("authorization").asText())),
                "reads carried the viewer's own token");
        assertTrue(contextStore.requests().stream().allMatch(r -> viewer.equals(r.get("authorization").asText())));
    }

    @Test
    void anOperatorsCommandsReachTheOrchestratorWithTheOperatorsOwnToken() {
        String operator = TestTokens.bearer(TestTokens.operator());
        for (Endpoint e : commands()) {
            send(given().header("Authorization", operator), e).then().statusCode(200);
        }
        List<JsonNode> received = orchestrator.requests();
        assertEquals(commands().size(), received.size());
        for (JsonNode r : received) {
            assertEquals(operator, r.get("authorization").asText(), r.toString());
        }
    }

    @Test
    void aCommandSignedInByTheCookieNeedsTheSessionsCsrfHeader() {
        String token = TestTokens.operator();
        String csrf = signIn(token).path("csrf");
        for (Endpoint e : commands()) {
            send(given().cookie(SessionCookie.NAME, token), e).then().statusCode(403)
                    .body("error", containsString("lacks its X-Cohort-CSRF header"));
            send(given().cookie(SessionCookie.NAME, token).header(SessionCookie.CSRF_HEADER, "not-it"), e)
                    .then().statusCode(403);
        }
        assertEquals(List.of(), orchestrator.requests(), "a forged command reaches nobody");

        for (Endpoint e : commands()) {
            send(given().cookie(SessionCookie.NAME, token).header(SessionCookie.CSRF_HEADER, csrf), e)
                    .then().statusCode(200);
        }
        List<JsonNode> received = orchestrator.requests();
        assertEquals(commands().size(), received.size());
        for (JsonNode r : received) {
            assertEquals(TestTokens.bearer(token), r.get("authorization").asText(),
                    "the cookie's token goes on as the Authorization header");
        }
        for (Endpoint e : reads()) {
            send(given().cookie(SessionCookie.NAME, token), e).then().statusCode(200); // reads need no CSRF value
        }
    }

    @Test
    void aCommandThatIsNotJsonIsRefusedWith415() {
        String operator = TestTokens.bearer(TestTokens.operator());
        for (Endpoint e : commands()) {
            given().header("Authorization", operator).contentType("application/x-www-form-urlencoded")
                    .body("title=forged&description=from+another+site")
                    .when().post(e.path()).then().statusCode(415)
                    .body("error", equalTo("Commands are sent as JSON: use Content-Type: application/json"));
            given().header("Authorization", operator).contentType("text/plain").body("{}")
                    .when().post(e.path()).then().statusCode(415);
        }
        assertEquals(List.of(), orchestrator.requests());
    }

    @Test
    void streamsOpenWithTheCookieAndNeverWithATokenInTheUrl() {
        String token = TestTokens.viewer();
        for (Endpoint e : streams()) {
            try (SseReader anonymous = SseReader.open(url(e.path()), null, Map.of())) {
                assertEquals(401, anonymous.status(), e.toString());
            }
            for (String parameter : List.of("access_token", "token", "jwt")) {
                try (SseReader inUrl = SseReader.open(url(e.path()) + "?" + parameter + "=" + token, null, Map.of())) {
                    assertEquals(401, inUrl.status(), parameter + " in the URL of " + e);
                }
            }
            try (SseReader cookie = SseReader.open(url(e.path()), null,
                    Map.of("Cookie", SessionCookie.NAME + "=" + token))) {
                assertEquals(200, cookie.status(), e.toString());
                cookie.await(frames -> frames.stream().anyMatch(f -> "keep-alive".equals(f.comment())), WAIT);
            }
        }
    }

    @Test
    void onePersonMayHoldOnlySoManyStreamsAtOnce() {
        String token = TestTokens.mint("many-tabs-" + UUID.randomUUID(), "viewer");
        Map<String, String> auth = Map.of("Cookie", SessionCookie.NAME + "=" + token);
        List<SseReader> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                SseReader stream = SseReader.open(url(i % 2 == 0 ? "/api/stream" : "/api/tasks/t1/stream"), null, auth);
                open.add(stream);
                assertEquals(200, stream.status(), "stream " + (i + 1));
            }
            try (SseReader refused = SseReader.open(url("/api/stream"), null, auth)) {
                assertEquals(429, refused.status());
                assertEquals("10", refused.header("Retry-After"));
            }
            try (SseReader someoneElse = SseReader.open(url("/api/stream"), null,
                    Map.of("Authorization", TestTokens.bearer(TestTokens.viewer())))) {
                assertEquals(200, someoneElse.status(), "the cap is per person");
            }
            open.remove(0).close();
            await().atMost(WAIT).until(() -> {
                SseReader again = SseReader.open(url("/api/stream"), null, auth);
                if (again.status() == 200) {
                    open.add(again);
                    return true;
                }
                again.close();
                return false;
            });
        } finally {
            open.forEach(SseReader::close);
        }
    }

    @Test
    void signingInSetsAnHttpOnlyStrictCookieAndSigningOutClearsIt() {
        String token = TestTokens.operator();
        Response in = signIn(token);
        String cookie = in.header("Set-Cookie");
        assertTrue(cookie.startsWith(SessionCookie.NAME + "=" + token + ";"), cookie);
        assertTrue(cookie.contains("; HttpOnly"), cookie);
        assertTrue(cookie.contains("; SameSite=Strict"), cookie);
        assertTrue(cookie.contains("; Path=/"), cookie);
        assertFalse(cookie.contains("Secure"), "Secure only over HTTPS: " + cookie);
        long maxAge = Long.parseLong(cookie.replaceAll(".*Max-Age=(\\d+).*", "$1"));
        assertTrue(maxAge > 0 && maxAge <= Duration.ofHours(6).toSeconds(), "until the token expires: " + maxAge);
        assertEquals("test-operator", in.path("subject"));
        assertEquals(List.of("operator"), in.path("roles"));
        assertEquals(SessionCookie.csrf(token), in.path("csrf"));
        assertFalse(in.asString().contains(token), "the answer does not hand the token back");

        given().cookie(SessionCookie.NAME, token).when().get("/api/session").then().statusCode(200)
                .body("subject", equalTo("test-operator"))
                .body("csrf", equalTo(SessionCookie.csrf(token)));
        given().header("Authorization", TestTokens.bearer(TestTokens.admin())).when().get("/api/session")
                .then().statusCode(200).body("subject", equalTo("test-admin"));

        given().cookie(SessionCookie.NAME, token).when().delete("/api/session").then().statusCode(403);
        String out = given().cookie(SessionCookie.NAME, token).header(SessionCookie.CSRF_HEADER, SessionCookie.csrf(token))
                .when().delete("/api/session").then().statusCode(204).extract().header("Set-Cookie");
        assertTrue(out.startsWith(SessionCookie.NAME + "=;") && out.contains("Max-Age=0"), out);
    }

    @Test
    void signingInWithABadTokenIsRefusedWithWordsThatSayWhy() {
        Map<String, String> refused = Map.of(
                BadTokens.expired(), "The token was not accepted: it has expired",
                BadTokens.foreignKey(), "The token was not accepted: its signature does not match",
                BadTokens.otherAudience(), "The token was not accepted: it is meant for another audience",
                "not-a-token", "The token was not accepted: it is not a token this dashboard can verify");
        refused.forEach((token, words) -> {
            String answer = given().contentType("application/json").body(Map.of("token", token))
                    .when().post("/api/session").then().statusCode(401)
                    .body("error", startsWith(words)).extract().asString();
            assertNull(given().contentType("application/json").body(Map.of("token", token))
                    .when().post("/api/session").header("Set-Cookie"), "no cookie for a refused token");
            assertFalse(answer.contains(token), "the refusal does not quote the token");
        });
        String[] manyRoles = IntStream.range(0, 300).mapToObj(i -> "role-with-a-long-name-" + i).toArray(String[]::new);
        given().contentType("application/json").body(Map.of("token", TestTokens.mint("big", manyRoles)))
                .when().post("/api/session").then().statusCode(400)
                .body("error", startsWith("This token is too large for the page's session cookie"));
        given().contentType("application/json").body("{}").when().post("/api/session").then().statusCode(400)
                .body("error", containsString("{\"token\": \"<your token>\"}"));
        given().contentType("application/x-www-form-urlencoded").body("token=" + TestTokens.operator())
                .when().post("/api/session").then().statusCode(415);
        given().header("Authorization", TestTokens.bearer(BadTokens.expired())).when().get("/api/tasks")
                .then().statusCode(401).body("error", startsWith("The token was not accepted"));
    }

    @Test
    void thePageAndHealthStayOpenEvenToABrowserWithAnExpiredCookie() {
        String stale = BadTokens.expired();
        for (String open : List.of("/", "/index.html", "/js/app.js", "/js/session.js", "/css/dashboard.css",
                "/q/health", "/q/health/live", "/q/metrics")) {
            given().when().get(open).then().statusCode(200);
            given().cookie(SessionCookie.NAME, stale).when().get(open).then().statusCode(200);
        }
        given().cookie(SessionCookie.NAME, stale).when().get("/api/tasks").then().statusCode(401);
        // ... and the page can sign in again over it.
        given().cookie(SessionCookie.NAME, stale).contentType("application/json")
                .body(Map.of("token", TestTokens.operator()))
                .when().post("/api/session").then().statusCode(200);
    }

    @Test
    void theOrchestratorsAndContextStoresRefusalsKeepTheirStatusAndWords() throws Exception {
        orchestrator.respond("GET", "/api/tasks", 403,
                json("{\"status\":403,\"error\":\"a viewer may not list other teams' tasks\"}"));
        orchestrator.respond("POST", "/api/tasks/t1/cancel", 401,
                json("{\"status\":401,\"error\":\"the token was revoked\"}"));
        contextStore.respond("GET", "/api/tasks/t1/conflicts", 403,
                json("{\"status\":403,\"error\":\"forbidden\",\"detail\":\"not your task\"}"));
        String operator = TestTokens.bearer(TestTokens.operator());
        given().header("Authorization", operator).when().get("/api/tasks").then().statusCode(403)
                .body("error", equalTo("The orchestrator could not list tasks: a viewer may not list other teams' tasks"));
        given().header("Authorization", operator).contentType("application/json")
                .when().post("/api/tasks/t1/cancel").then().statusCode(401)
                .body("error", equalTo("The orchestrator could not cancel task t1: the token was revoked"));
        given().header("Authorization", operator).when().get("/api/context/tasks/t1/conflicts").then().statusCode(403)
                .body("error", containsString("forbidden")).body("detail", equalTo("not your task"));
    }

    private Response signIn(String token) {
        return given().contentType("application/json").body(Map.of("token", token))
                .when().post("/api/session").then().statusCode(200).extract().response();
    }

    private static Response send(RequestSpecification request, Endpoint e) {
        if (e.kind() == Kind.COMMAND) {
            request = request.contentType("application/json");
            if (e.body() != null) {
                request = request.body(e.body());
            }
            return request.when().post(e.path());
        }
        if (e.kind() == Kind.STREAM) {
            request = request.accept("text/event-stream");
        }
        return request.when().get(e.path());
    }

    private static Endpoint read(String template, String path) {
        return new Endpoint("GET", template, path, null, Kind.READ);
    }

    private static Endpoint command(String template, String path, String body) {
        return new Endpoint("POST", template, path, body, Kind.COMMAND);
    }

    private static List<Endpoint> commands() {
        return API.stream().filter(e -> e.kind() == Kind.COMMAND).toList();
    }

    private static List<Endpoint> reads() {
        return API.stream().filter(e -> e.kind() == Kind.READ).toList();
    }

    private static List<Endpoint> streams() {
        return API.stream().filter(e -> e.kind() == Kind.STREAM).toList();
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    private static JsonNode json(String text) throws Exception {
        return EventCodec.mapper().readTree(text);
    }
}
