package dev.cohort.context;

import static io.restassured.RestAssured.given;

import dev.cohort.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.Map;

/** An attempt dispatched to a worker, as the worker sees it: it writes with its token and the attempt's lease token. */
record Lease(String taskId, String subtaskId, int attempt, String token, String worker) {

    String bearer() {
        return TestTokens.bearer(TestTokens.worker(worker));
    }

    /** A publish body of this attempt, by agent {@code <worker>/backend}. */
    Map<String, Object> body(String key, String content, Long baseVersion) {
        Map<String, Object> body = Api.publishBody(key, content, baseVersion, subtaskId, attempt);
        body.put("leaseToken", token);
        body.put("agentId", worker + "/backend");
        return body;
    }

    ValidatableResponse publish(String key, String content, Long baseVersion) {
        return publish(body(key, content, baseVersion));
    }

    ValidatableResponse publish(Map<String, Object> body) {
        return Api.publishAs(bearer(), taskId, body);
    }

    /** Publishes and returns the stored version number, failing unless it was stored (201). */
    long publishOk(String key, String content, Long baseVersion) {
        return publish(key, content, baseVersion).statusCode(201).extract().jsonPath().getLong("version");
    }

    /** A merge of this attempt, by agent {@code <worker>/lead}. */
    ValidatableResponse resolve(String conflictId, String content, Long baseVersion) {
        Map<String, Object> body = new HashMap<>();
        body.put("content", content);
        if (baseVersion != null) {
            body.put("baseVersion", baseVersion);
        }
        body.put("role", "lead");
        body.put("agentId", worker + "/lead");
        body.put("subtaskId", subtaskId);
        body.put("attempt", attempt);
        body.put("leaseToken", token);
        return given().header("Authorization", bearer()).contentType(ContentType.JSON).body(body)
                .post("/api/tasks/{t}/conflicts/{id}/resolve", taskId, conflictId).then();
    }
}
