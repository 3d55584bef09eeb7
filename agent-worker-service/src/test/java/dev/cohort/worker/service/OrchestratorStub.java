package dev.cohort.worker.service;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The orchestrator's task and subtask views ({@code GET /api/tasks/{id}}, {@code GET /api/tasks/{id}/subtasks/{subtask}})
 * as a test sets them; unknown tasks and subtasks are 404.
 */
final class OrchestratorStub {

    private final HttpServer server;
    private final Map<String, JsonObject> tasks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    private final java.util.Set<String> unavailable = ConcurrentHashMap.newKeySet();

    OrchestratorStub(Vertx vertx) {
        try {
            server = vertx.createHttpServer().requestHandler(request -> {
                // /api/tasks/{id} or /api/tasks/{id}/subtasks/{subtask}
                String[] path = request.path().split("/");
                String id = path[3];
                asked.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                if (unavailable.contains(id)) {
                    request.response().setStatusCode(503).end();
                    return;
                }
                JsonObject task = tasks.get(id);
                JsonObject answer = task;
                if (task != null && path.length == 6) {
                    answer = task.getJsonArray("subtasks").stream().map(JsonObject.class::cast)
                            .filter(s -> s.getString("id").equals(path[5])).findFirst().orElse(null);
                }
                request.response().setStatusCode(answer == null ? 404 : 200).putHeader("Content-Type", "application/json")
                        .end(answer == null ? "{\"error\":\"not-found\"}" : answer.encode());
            }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("orchestrator stub did not start", e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The task has one subtask in this state; {@code agentId} may be null. */
    void subtask(String taskId, String subtaskId, String status, int attempt, String agentId) {
        JsonObject subtask = new JsonObject().put("id", subtaskId).put("status", status).put("attempt", attempt);
        if (agentId != null) {
            subtask.put("agentId", agentId);
        }
        tasks.put(taskId, new JsonObject().put("id", taskId).put("status", "running")
                .put("subtasks", new JsonArray().add(subtask)));
    }

    /** While unavailable, questions about the task are answered 503, as when the orchestrator's database is away. */
    void unavailable(String taskId, boolean value) {
        if (value) {
            unavailable.add(taskId);
        } else {
            unavailable.remove(taskId);
        }
    }

    /** How often a worker asked about the task. */
    int asked(String taskId) {
        AtomicInteger n = asked.get(taskId);
        return n == null ? 0 : n.get();
    }
}
