package dev.cohort.testsupport;

import dev.cohort.cli.LocalIssuer;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens for tests, signed with a test key pair that every test JVM and every service a test starts shares
 * ({@code cohort-test-keys} in the temporary directory, made on first use). A service under test verifies them
 * through {@code %test.mp.jwt.verify.publickey.location}, or {@link #verificationEnv()} for a started process.
 */
public final class TestTokens {

    public static final Path KEYS = Path.of(System.getProperty("java.io.tmpdir"), "cohort-test-keys");
    private static final Duration TTL = Duration.ofHours(6);
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();
    private static volatile LocalIssuer issuer;

    private TestTokens() {
    }

    private static LocalIssuer issuer() {
        LocalIssuer i = issuer;
        if (i == null) {
            synchronized (TestTokens.class) {
                if (issuer == null) {
                    issuer = LocalIssuer.inDirectory(KEYS);
                }
                i = issuer;
            }
        }
        return i;
    }

    /** Makes the key pair if it is missing; the services under test read its public half. */
    public static Path publicKey() {
        return issuer().publicKey();
    }

    /** A token for {@code subject} with these roles. */
    public static String mint(String subject, String... roles) {
        return issuer().mint(subject, TTL, List.of(roles));
    }

    /** The same token for the same subject and roles within a JVM. */
    private static String cached(String subject, String... roles) {
        return CACHE.computeIfAbsent(subject + "|" + String.join(",", roles), k -> mint(subject, roles));
    }

    public static String viewer() {
        return cached("test-viewer", "viewer");
    }

    public static String operator() {
        return cached("test-operator", "operator");
    }

    public static String admin() {
        return cached("test-admin", "admin");
    }

    /** A worker's service token, named like the worker. */
    public static String worker(String name) {
        return cached(name, "worker");
    }

    public static String orchestrator() {
        return cached("orchestrator", "orchestrator");
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    private static final Filter ADMIN_UNLESS_SET = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", bearer(admin()));
        }
        return context.next(request, response);
    };

    /** From now on, RestAssured requests without an {@code Authorization} header carry an admin token. */
    public static void restAssuredAsAdmin() {
        RestAssured.replaceFiltersWith(List.of(ADMIN_UNLESS_SET));
    }

    /** From now on, RestAssured requests without an {@code Authorization} header go without one. */
    public static void restAssuredAnonymous() {
        RestAssured.replaceFiltersWith(List.of());
    }

    /** What a service process started by a test needs to verify these tokens. */
    public static Map<String, String> verificationEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey().toUri().toString());
        return env;
    }
}
