package dev.cohort.context;

import static io.restassured.RestAssured.given;

import dev.cohort.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.Map;

/** Small REST helpers for the tests. */
public final class Api {

    /** The worker that agent writes come from; its token's subject. */
    public static final String WORKER = "worker-a";

    private Api() {
    }

    /** The lease token the tests' dispatch of an attempt carries (see {@link ContextStoreTestBase#dispatch}). */
    public static String leaseToken(String subtaskId, int attempt) {
        return "lease-" + subtaskId + "-" + attempt;
    }

    /** A valid worker's publish body; tests change single fields with {@link #with}. */
    public static Map<String, Object> publishBody(String key, String content, Long baseVersion, String subtaskId,
                                                  int attempt) {
        Map<String, Object> body = personBody(key, content, baseVersion);
        body.put("role", "backend");
        body.put("agentId", WORKER + "/backend");
        body.put("provider", "ollama");
        body.put("model", "qwen2.5-coder:7b");
        body.put("subtaskId", subtaskId);
        body.put("attempt", attempt);
        body.put("leaseToken", leaseToken(subtaskId, attempt));
        return body;
    }

    /** A person's publish body: no author, no subtask. */
    public static Map<String, Object> personBody(String key, String content, Long baseVersion) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", key);
        body.put("kind", "code");
        body.put("mediaType", "text/plain");
        body.put("content", content);
        if (baseVersion != null) {
            body.put("baseVersion", baseVersion);
        }
        return body;
    }

    public static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(field, value);
        return copy;
    }

    public static String workerBearer() {
        return TestTokens.bearer(TestTokens.worker(WORKER));
    }

    /** Publishes as worker {@link #WORKER}. */
    public static ValidatableResponse publish(String taskId, Map<String, Object> body) {
        return publishAs(workerBearer(), taskId, body);
    }

    /** Publishes with the caller's {@code Authorization} header value. */
    public static ValidatableResponse publishAs(String authorization, String taskId, Map<String, Object> body) {
        return given().header("Authorization", authorization).contentType(ContentType.JSON).body(body)
                .when().post("/api/tasks/{taskId}/artifacts", taskId)
                .then();
    }

    /** Publishes as the test's default caller, an admin: a person's write. */
    public static ValidatableResponse publishAsPerson(String taskId, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/tasks/{taskId}/artifacts", taskId)
                .then();
    }

    public static ValidatableResponse publishRaw(String taskId, String json) {
        return given().contentType(ContentType.JSON).body(json)
                .when().post("/api/tasks/{taskId}/artifacts", taskId)
                .then();
    }

    /** A person's publish; returns the stored version number, failing unless it was stored (201). */
    public static long publishOk(String taskId, String key, String content, Long baseVersion) {
        return publishAsPerson(taskId, personBody(key, content, baseVersion))
                .statusCode(201)
                .extract().jsonPath().getLong("version");
    }

    /** A person's delete of the version read. */
    public static ValidatableResponse delete(String taskId, String key, long baseVersion) {
        return given().queryParam("baseVersion", baseVersion)
                .delete("/api/tasks/{t}/artifacts/{k}", taskId, key).then();
    }
}
