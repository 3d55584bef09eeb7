package dev.cohort.worker.service;

import dev.cohort.testsupport.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The parts of the context store a worker uses, over real HTTP on a fixed port, with outages on cue: nothing is
 * stored before a subtask runs unless the test seeds it, and each write of a key is stored as its next version
 * (1 first) unless the test scripted a failure for it. Reads and listings answer what was seeded and written.
 */
final class ContextStoreStub {

    /** What the store does when a write arrives. */
    enum WriteFault {
        NONE,
        /** 503 for a while from the first write, then no listener at all for a while, then normal answers. */
        UNAVAILABLE_THEN_DOWN,
        /** 409 stale-attempt: a newer attempt of the subtask exists. */
        STALE_ATTEMPT,
        /** The first write gets its answer only when the test lets it through. */
        HELD
    }

    static final Duration UNAVAILABLE_FOR = Duration.ofMillis(1000);
    static final Duration DOWN_FOR = Duration.ofMillis(1500);

    private final Vertx vertx;
    private final int port = Ports.free();
    private final AtomicReference<HttpServer> server = new AtomicReference<>();
    private final AtomicInteger writeRequests = new AtomicInteger();
    private final AtomicInteger latestRequests = new AtomicInteger();
    private final AtomicInteger keyReads = new AtomicInteger();
    /** A store from before {@code POST .../latest}: it answers that request 404, as an unknown path. */
    private volatile boolean predatesLatest;
    /** The next {@code POST .../latest} is answered only when the test lets it through ({@link #release}). */
    private volatile boolean holdRead;
    private final List<JsonObject> stored = new CopyOnWriteArrayList<>();
    /** The latest version of each artifact, by task id and key. */
    private final java.util.Map<String, java.util.Map<String, JsonObject>> latest =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicBoolean outageStarted = new AtomicBoolean();
    private final AtomicReference<Runnable> held = new AtomicReference<>();
    private volatile WriteFault fault = WriteFault.NONE;
    private volatile boolean recovered;

    ContextStoreStub(Vertx vertx) {
        this.vertx = vertx;
        listen();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void reset(WriteFault fault) {
        this.fault = fault;
        writeRequests.set(0);
        latestRequests.set(0);
        keyReads.set(0);
        predatesLatest = false;
        holdRead = false;
        stored.clear();
        latest.clear();
        outageStarted.set(false);
        held.set(null);
        recovered = false;
    }

    /** Stores an artifact of a task as if another agent had written it before. */
    void seed(String taskId, String key, String content) {
        JsonObject previous = latest.computeIfAbsent(taskId, t -> new java.util.concurrent.ConcurrentHashMap<>())
                .get(key);
        long version = previous == null ? 1 : previous.getLong("version") + 1;
        latest.get(taskId).put(key, new JsonObject().put("key", key).put("version", version).put("content", content)
                .put("kind", "code").put("author", new JsonObject().put("role", "architect").put("agentId", "seed")));
    }

    /** Write requests that arrived, answered or not. */
    int writeRequests() {
        return writeRequests.get();
    }

    /** Answers {@code POST .../latest} 404 from now on, as a store that predates it. */
    void predateLatest() {
        predatesLatest = true;
    }

    /** Holds the answer to the next {@code POST .../latest} until {@link #release}. */
    void holdTheNextRead() {
        holdRead = true;
    }

    /** {@code POST .../latest} requests that arrived (answered 404 or not). */
    int latestRequests() {
        return latestRequests.get();
    }

    /** Reads of one artifact ({@code GET .../artifacts/{key}}). */
    int keyReads() {
        return keyReads.get();
    }

    /** The writes that were stored. */
    List<JsonObject> stored() {
        return stored;
    }

    /** Whether a write ({@link WriteFault#HELD}) or a read ({@link #holdTheNextRead}) waits for {@link #release}. */
    boolean holding() {
        return held.get() != null;
    }

    /** Answers the held write (stored as version 1) or read. */
    void release() {
        Runnable answer = held.getAndSet(null);
        if (answer != null) {
            vertx.runOnContext(v -> answer.run());
        }
    }

    private void listen() {
        try {
            HttpServer started = vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.set(started);
        } catch (Exception e) {
            throw new IllegalStateException("context store stub did not start on port " + port, e);
        }
    }

    private void goDown(Duration howLong) {
        HttpServer running = server.getAndSet(null);
        if (running != null) {
            running.close().onComplete(closed -> vertx.setTimer(howLong.toMillis(), t -> vertx.executeBlocking(() -> {
                listen();
                recovered = true;
                return null;
            })));
        }
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        String[] parts = path.split("/", 5); // "", api, tasks, {taskId}, artifacts[/key]
        java.util.Map<String, JsonObject> artifacts = parts.length > 3
                ? latest.getOrDefault(parts[3], java.util.Map.of()) : java.util.Map.of();
        if (request.method().name().equals("POST") && path.endsWith("/latest")) {
            latestRequests.incrementAndGet();
            if (predatesLatest) {
                answer(request, 404, new JsonObject().put("error", "not-found"));
                return;
            }
            request.body().onSuccess(body -> {
                Runnable answer = () -> {
                    io.vertx.core.json.JsonArray found = new io.vertx.core.json.JsonArray();
                    body.toJsonObject().getJsonArray("keys").forEach(key -> {
                        if (artifacts.containsKey((String) key)) {
                            found.add(artifacts.get((String) key));
                        }
                    });
                    request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                            .end(found.encode());
                };
                if (holdRead) {
                    holdRead = false;
                    held.set(answer);
                } else {
                    answer.run();
                }
            });
        } else if (request.method().name().equals("GET") && path.contains("/artifacts/")) {
            keyReads.incrementAndGet();
            JsonObject found = artifacts.get(java.net.URLDecoder.decode(
                    path.substring(path.indexOf("/artifacts/") + "/artifacts/".length()),
                    java.nio.charset.StandardCharsets.UTF_8));
            if (found == null) {
                answer(request, 404, new JsonObject().put("error", "not-found").put("code", "not-found"));
            } else {
                answer(request, 200, found);
            }
        } else if (request.method().name().equals("GET") && path.endsWith("/artifacts")) {
            io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
            artifacts.values().forEach(a -> list.add(new JsonObject().put("key", a.getString("key"))
                    .put("latestVersion", a.getLong("version")).put("kind", a.getString("kind"))));
            request.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(list.encode());
        } else if (request.method().name().equals("POST") && path.endsWith("/artifacts")) {
            writeRequests.incrementAndGet();
            request.body().onSuccess(body -> write(request, body.toJsonObject()));
        } else {
            answer(request, 404, new JsonObject().put("error", "not-found"));
        }
    }

    private void write(HttpServerRequest request, JsonObject write) {
        switch (fault) {
            case STALE_ATTEMPT -> answer(request, 409, new JsonObject().put("status", 409)
                    .put("error", "stale-attempt").put("code", "stale-attempt")
                    .put("detail", "stale attempt 1 of subtask: attempt 2 is current; nothing was stored"));
            case UNAVAILABLE_THEN_DOWN -> {
                if (outageStarted.compareAndSet(false, true)) {
                    vertx.setTimer(UNAVAILABLE_FOR.toMillis(), t -> goDown(DOWN_FOR));
                }
                if (!recovered) {
                    answer(request, 503, new JsonObject().put("error", "unavailable"));
                } else {
                    store(request, write);
                }
            }
            case HELD -> {
                if (!held.compareAndSet(null, () -> store(request, write))) {
                    store(request, write);
                }
            }
            default -> store(request, write);
        }
    }

    private void store(HttpServerRequest request, JsonObject write) {
        stored.add(write);
        String taskId = request.path().split("/")[3];
        String key = write.getString("key");
        seed(taskId, key, write.getString("content"));
        JsonObject version = latest.get(taskId).get(key).put("kind", write.getString("kind"))
                .put("author", new JsonObject().put("role", write.getString("role")).put("agentId",
                        write.getString("agentId")));
        answer(request, 201, new JsonObject().put("key", key).put("version", version.getLong("version"))
                .put("kind", write.getString("kind")));
    }

    private static void answer(HttpServerRequest request, int status, JsonObject body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
