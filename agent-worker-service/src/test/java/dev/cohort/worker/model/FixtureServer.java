package dev.cohort.worker.model;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serves recorded provider answers (test fixtures) over HTTP and keeps the last request it got, so a client can be
 * checked against a provider's documented wire format. Bodies are sent in small chunks, as a real stream arrives.
 */
final class FixtureServer implements AutoCloseable {

    /** One canned answer. */
    record Answer(int status, String contentType, String body, Map<String, String> headers) {
    }

    /** What the client sent. */
    record Received(String path, MultiMap headers, String body) {
    }

    private static final int CHUNK = 17;

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private volatile Received last;
    private final HttpServer server;

    FixtureServer() {
        try {
            server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                last = new Received(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
                        body.toString(StandardCharsets.UTF_8));
                Answer answer = answers.get(request.path());
                HttpServerResponse response = request.response();
                if (answer == null) {
                    response.setStatusCode(404).end();
                    return;
                }
                response.setStatusCode(answer.status()).setChunked(true).putHeader("Content-Type", answer.contentType());
                answer.headers().forEach(response::putHeader);
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < bytes.length; i += CHUNK) {
                    response.write(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + CHUNK))));
                }
                response.end();
            })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("fixture server did not start", e);
        }
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + path);
    }

    FixtureServer answer(String path, int status, String contentType, String fixture, Map<String, String> headers) {
        answers.put(path, new Answer(status, contentType, fixture(fixture), headers));
        return this;
    }

    FixtureServer answer(String path, int status, String contentType, String fixture) {
        return answer(path, status, contentType, fixture, Map.of());
    }

    Received last() {
        return last;
    }

    static String fixture(String name) {
        try (InputStream in = FixtureServer.class.getClassLoader().getResourceAsStream("fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
