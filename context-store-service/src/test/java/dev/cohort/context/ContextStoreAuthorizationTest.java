package dev.cohort.context;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.cli.LocalIssuer;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Roles;
import dev.cohort.security.VerifiedTokens;
import dev.cohort.testsupport.AuthenticatedRestAssured;
import dev.cohort.testsupport.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call what, over every endpoint of the service: without a valid token nothing under /api answers but 401;
 * every role reads; publishing and merging need worker or operator; deletes, checkpoints and rollbacks need admin.
 */
@QuarkusTest
class ContextStoreAuthorizationTest extends ContextStoreTestBase {

    private static final Set<String> EVERYONE = Set.of(Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN, Roles.WORKER,
            Roles.ORCHESTRATOR);
    private static final Set<String> WRITERS = Set.of(Roles.WORKER, Roles.OPERATOR, Roles.ADMIN);
    private static final Set<String> ADMINS = Set.of(Roles.ADMIN);

    /** One call of an endpoint, on the fixture's task. */
    record Call(String method, String path, Map<String, Object> body) {
    }

    /**
     * An endpoint: the roles that may call it, the status it answers them with, and the call for a role. Reads share
     * one fixture; each allowed write gets a fresh one.
     */
    record Endpoint(String name, Set<String> roles, int ok, Function<Fixture, Function<String, Call>> call) {

        boolean reads() {
            return roles.equals(EVERYONE);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A task with two versions of a.txt, a pending conflict on it and a checkpoint, made fresh for each case. */
    record Fixture(String task, String conflictId, Lease lease) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("publish", WRITERS, 201, f -> role -> new Call("POST", "/api/tasks/" + f.task() + "/artifacts",
                    Roles.WORKER.equals(role) ? f.lease().body("new.txt", "new", null)
                            : Api.personBody("new.txt", "new", null))),
            new Endpoint("list artifacts", EVERYONE, 200, f -> role -> get("/api/tasks/" + f.task() + "/artifacts")),
            new Endpoint("get artifact", EVERYONE, 200,
                    f -> role -> get("/api/tasks/" + f.task() + "/artifacts/a.txt")),
            new Endpoint("latest versions", EVERYONE, 200, f -> role -> new Call("POST",
                    "/api/tasks/" + f.task() + "/latest", Map.of("keys", List.of("a.txt", "b.txt")))),
            new Endpoint("delete artifact", ADMINS, 201, f -> role -> new Call("DELETE",
                    "/api/tasks/" + f.task() + "/artifacts/a.txt?baseVersion=2", null)),
            new Endpoint("history", EVERYONE, 200, f -> role -> get("/api/tasks/" + f.task() + "/history/a.txt")),
            new Endpoint("diff", EVERYONE, 200,
                    f -> role -> get("/api/tasks/" + f.task() + "/diff/a.txt?from=1&to=2")),
            new Endpoint("export.zip", EVERYONE, 200, f -> role -> get("/api/tasks/" + f.task() + "/export.zip")),
            new Endpoint("list conflicts", EVERYONE, 200, f -> role -> get("/api/tasks/" + f.task() + "/conflicts")),
            new Endpoint("get conflict", EVERYONE, 200,
                    f -> role -> get("/api/tasks/" + f.task() + "/conflicts/" + f.conflictId())),
            new Endpoint("resolve conflict", WRITERS, 201, f -> role -> new Call("POST",
                    "/api/tasks/" + f.task() + "/conflicts/" + f.conflictId() + "/resolve",
                    Roles.WORKER.equals(role) ? merge(f.lease()) : Map.of("content", "merged"))),
            new Endpoint("create checkpoint", ADMINS, 201, f -> role -> new Call("POST",
                    "/api/tasks/" + f.task() + "/checkpoints", Map.of("name", "cp2"))),
            new Endpoint("list checkpoints", EVERYONE, 200,
                    f -> role -> get("/api/tasks/" + f.task() + "/checkpoints")),
            new Endpoint("get checkpoint", EVERYONE, 200,
                    f -> role -> get("/api/tasks/" + f.task() + "/checkpoints/cp")),
            new Endpoint("rollback", ADMINS, 200, f -> role -> new Call("POST",
                    "/api/tasks/" + f.task() + "/checkpoints/cp/rollback", Map.of())),
            new Endpoint("events (SSE)", EVERYONE, 200, f -> role -> get("/api/tasks/" + f.task() + "/events")));

    /** Fixed ids for calls that are refused before anything is looked up. */
    private static final Fixture NOWHERE = new Fixture("task-nowhere", "0b3e58d8-7d1e-4a43-9a84-5a8b0e8e4c11",
            new Lease("task-nowhere", "s", 1, "lease", Api.WORKER));

    private static LocalIssuer otherIssuer;

    @Inject
    JWTCallerPrincipalFactory principals;

    @Inject
    MeterRegistry metrics;
    private static Fixture readFixture;

    @BeforeEach
    void noDefaultToken() {
        AuthenticatedRestAssured.anonymous();
    }

    static Stream<Endpoint> endpoints() {
        return ENDPOINTS.stream();
    }

    static Stream<Arguments> endpointsAndRoles() {
        return ENDPOINTS.stream().flatMap(e -> Stream.of(Roles.VIEWER, Roles.OPERATOR, Roles.ADMIN, Roles.WORKER,
                Roles.ORCHESTRATOR).map(role -> Arguments.of(e, role)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withoutATokenEveryEndpointIs401(Endpoint endpoint) throws Exception {
        isUnauthorized(call(endpoint.call().apply(NOWHERE).apply(Roles.ADMIN), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aTokenSignedByAnotherKeyIs401(Endpoint endpoint) throws Exception {
        String forged = otherIssuer().mint("test-admin", Duration.ofHours(1), List.of(Roles.ADMIN));
        isUnauthorized(call(endpoint.call().apply(NOWHERE).apply(Roles.ADMIN), TestTokens.bearer(forged)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void anExpiredTokenIs401(Endpoint endpoint) throws Exception {
        // older than the verifier's allowed clock skew (60 s by default)
        String expired = signed("test-admin", LocalIssuer.ISSUER, NumericDate.fromSeconds(
                NumericDate.now().getValue() - 3600));
        isUnauthorized(call(endpoint.call().apply(NOWHERE).apply(Roles.ADMIN), TestTokens.bearer(expired)));
    }

    @Test
    void aTokenOfAnotherIssuerOrWithoutAnyRoleGetsNothing() throws Exception {
        Call list = get("/api/tasks/task-nowhere/artifacts");
        String otherIssuer = signed("test-admin", "someone-else", NumericDate.fromSeconds(
                NumericDate.now().getValue() + 3600));
        isUnauthorized(call(list, TestTokens.bearer(otherIssuer)));
        isUnauthorized(call(list, "Basic dGVzdDp0ZXN0"));
        isForbidden(call(list, TestTokens.bearer(TestTokens.mint("nobody"))));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("endpointsAndRoles")
    void eachRoleGetsWhatItMayDoAndNoMore(Endpoint endpoint, String role) throws Exception {
        Fixture fixture = !endpoint.roles().contains(role) ? NOWHERE
                : endpoint.reads() ? readFixture() : fixture(Roles.WORKER.equals(role));
        Answer answer = call(endpoint.call().apply(fixture).apply(role), TestTokens.bearer(token(role)));
        if (endpoint.roles().contains(role)) {
            assertEquals(endpoint.ok(), answer.status(), endpoint + " as " + role + ": " + answer.body());
        } else {
            isForbidden(answer);
        }
    }

    @Test
    void aTokenSentAgainIsAnsweredFromMemoryAndAForgeryOfItIsNot() throws Exception {
        assertInstanceOf(VerifiedTokens.class, principals, "tokens are verified through VerifiedTokens");
        Call list = get("/api/tasks/task-nowhere/artifacts");
        String token = TestTokens.mint("test-viewer-again", Roles.VIEWER);
        double checked = verified("signature");
        double remembered = verified("memory");

        for (int i = 0; i < 3; i++) {
            // past authentication and the role check: the task does not exist
            assertEquals(404, call(list, TestTokens.bearer(token)).status());
        }
        assertEquals(1, verified("signature") - checked, "the signature is checked once");
        assertEquals(2, verified("memory") - remembered, "the next two requests are answered from memory");

        // The same claims under another key's signature: the token differs, so it is checked, and refused.
        String[] genuine = token.split("\\.");
        String[] other = otherIssuer().mint("test-viewer-again", Duration.ofHours(1), List.of(Roles.VIEWER))
                .split("\\.");
        isUnauthorized(call(list, TestTokens.bearer(genuine[0] + "." + genuine[1] + "." + other[2])));
        isForbidden(call(list, TestTokens.bearer(TestTokens.mint("test-viewer-again"))));
    }

    /** The count so far; the counters appear with the first token verified. */
    private double verified(String by) {
        Counter counter = metrics.find("cohort.tokens.verified").tag("by", by).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void healthMetricsAndOpenApiNeedNoToken() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    /** An issuer with a key pair of its own, which the store does not trust. */
    private static synchronized LocalIssuer otherIssuer() throws Exception {
        if (otherIssuer == null) {
            otherIssuer = LocalIssuer.inDirectory(Files.createTempDirectory("cohort-other-keys"));
        }
        return otherIssuer;
    }

    private synchronized Fixture readFixture() throws Exception {
        if (readFixture == null) {
            readFixture = fixture(false);
        }
        return readFixture;
    }

    private Fixture fixture(boolean worker) throws Exception {
        String task = newTaskId();
        String admin = TestTokens.bearer(TestTokens.admin());
        Api.publishAs(admin, task, Api.personBody("a.txt", "base\n", null)).statusCode(201);
        Api.publishAs(admin, task, Api.personBody("a.txt", "base\nours\n", 1L)).statusCode(201);
        String conflictId = Api.publishAs(admin, task, Api.personBody("a.txt", "base\ntheirs\n", 1L)).statusCode(409)
                .extract().jsonPath().getString("conflictId");
        given().header("Authorization", admin).contentType(ContentType.JSON).body(Map.of("name", "cp"))
                .post("/api/tasks/{t}/checkpoints", task).then().statusCode(201);
        Lease lease = worker ? dispatch(task, "s-auth", 1, "new.txt", "a.txt")
                : new Lease(task, "s-auth", 1, "unused", Api.WORKER);
        return new Fixture(task, conflictId, lease);
    }

    private static String token(String role) {
        return switch (role) {
            case Roles.VIEWER -> TestTokens.viewer();
            case Roles.OPERATOR -> TestTokens.operator();
            case Roles.ADMIN -> TestTokens.admin();
            case Roles.WORKER -> TestTokens.worker(Api.WORKER);
            case Roles.ORCHESTRATOR -> TestTokens.orchestrator();
            default -> throw new IllegalArgumentException(role);
        };
    }

    private static Call get(String path) {
        return new Call("GET", path, null);
    }

    private static Map<String, Object> merge(Lease lease) {
        return Map.of("content", "merged", "role", "lead", "agentId", lease.worker() + "/lead",
                "subtaskId", lease.subtaskId(), "attempt", lease.attempt(), "leaseToken", lease.token());
    }

    /** What came back: the status, the challenge and the body. */
    record Answer(int status, String challenge, String contentType, String body) {
    }

    /** Makes the call with this {@code Authorization} header value, or none; an event stream is opened and closed. */
    private static Answer call(Call call, String authorization) throws Exception {
        if (call.path().endsWith("/events")) {
            try (SseClient stream = SseClient.open(call.path(), null, authorization)) {
                String body = stream.status == 200 ? "" : stream.text();
                return new Answer(stream.status, stream.headers.firstValue("WWW-Authenticate").orElse(null),
                        stream.headers.firstValue("Content-Type").orElse(null), body);
            }
        }
        RequestSpecification request = given();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (call.body() != null) {
            request.contentType(ContentType.JSON).body(call.body());
        }
        Response response = request.request(call.method(), call.path());
        return new Answer(response.statusCode(), response.header("WWW-Authenticate"), response.contentType(),
                response.asString());
    }

    private static void isUnauthorized(Answer answer) throws Exception {
        assertEquals(401, answer.status(), answer.body());
        assertEquals("Bearer", answer.challenge());
        assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
        JsonNode error = EventCodec.mapper().readTree(answer.body());
        assertEquals(401, error.path("status").asInt());
        assertEquals("unauthorized", error.path("error").asText());
    }

    private static void isForbidden(Answer answer) throws Exception {
        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
        JsonNode error = EventCodec.mapper().readTree(answer.body());
        assertEquals(403, error.path("status").asInt());
        assertEquals("forbidden", error.path("error").asText());
    }

    /** A token signed by the tests' own key, with the given issuer and expiry, for the admin role. */
    private static String signed(String subject, String issuer, NumericDate expires) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(LocalIssuer.AUDIENCE);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setStringListClaim("groups", List.of(Roles.ADMIN));
        claims.setIssuedAt(NumericDate.fromSeconds(expires.getValue() - 3600));
        claims.setExpirationTime(expires);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(testPrivateKey());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    private static PrivateKey testPrivateKey() throws Exception {
        TestTokens.publicKey();
        String base64 = Files.readString(TestTokens.KEYS.resolve("private.pem"), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
