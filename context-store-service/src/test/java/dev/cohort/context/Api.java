package dev.cohort.context;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.Map;

/** Small REST helpers for the tests. */
public final class Api {

    private Api() {
    }

    /** A valid publish body; tests change single fields with {@link #with}. */
    public static Map<String, Object> publishBody(String key, String content, Long baseVersion, String subtaskId,
                                                  int attempt) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", key);
        body.put("kind", "code");
        body.put("mediaType", "text/plain");
        body.put("content", content);
        if (baseVersion != null) {
            body.put("baseVersion", baseVersion);
        }
        body.put("role", "backend");
        body.put("agentId", "worker-1");
        body.put("provider", "ollama");
        body.put("model", "qwen2.5-coder:7b");
        body.put("subtaskId", subtaskId);
        body.put("attempt", attempt);
        body.put("leaseToken", "lease-" + subtaskId + "-" + attempt);
        return body;
    }

    public static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(field, value);
        return copy;
    }

    public static ValidatableResponse publish(String taskId, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/tasks/{taskId}/artifacts", taskId)
                .then();
    }

    public static ValidatableResponse publishRaw(String taskId, String json) {
        return given().contentType(ContentType.JSON).body(json)
                .when().post("/api/tasks/{taskId}/artifacts", taskId)
                .then();
    }

    /** Publishes and returns the stored version number, failing unless it was stored (201). */
    public static long publishOk(String taskId, String key, String content, Long baseVersion, String subtaskId) {
        return publish(taskId, publishBody(key, content, baseVersion, subtaskId, 1))
                .statusCode(201)
                .extract().jsonPath().getLong("version");
    }
}
