package dev.cohort.context;

import dev.cohort.testsupport.TestTokens;
import io.restassured.RestAssured;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A minimal Server-Sent Events client that parses events into a queue on a background thread. */
final class SseClient implements AutoCloseable {

    record Event(String id, String name, String data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final InputStream body;
    private final Thread reader;
    private final String error;
    final int status;
    final HttpHeaders headers;

    /** A stream (200) is parsed on a background thread; any other answer is read whole. */
    private SseClient(InputStream body, int status, HttpHeaders headers) throws IOException {
        this.body = body;
        this.status = status;
        this.headers = headers;
        if (status == 200) {
            this.error = null;
            this.reader = new Thread(this::read, "sse-test-reader");
            this.reader.setDaemon(true);
            this.reader.start();
        } else {
            this.error = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            this.reader = null;
        }
    }

    /** Opens {@code path} (with its query) as an admin, resuming after lastEventId if given. */
    static SseClient open(String path, String lastEventId) throws IOException, InterruptedException {
        return open(path, lastEventId, TestTokens.bearer(TestTokens.admin()));
    }

    /** Opens {@code path} with this {@code Authorization} header value (none when null). */
    static SseClient open(String path, String lastEventId, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header("Accept", "text/event-stream")
                .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        return new SseClient(response.body(), response.statusCode(), response.headers());
    }

    /** The next event, or null when none arrives within the wait (which bounds a failing test, never a passing one). */
    Event next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The body of an answer that is not a stream (an error); null for a stream. */
    String text() {
        return error;
    }

    /** Comment lines seen so far (keep-alives). */
    int comments() {
        return comments.get();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0 || id != null) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
            }
        } catch (IOException ignored) {
            // closed by the test
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
        if (reader != null) {
            reader.interrupt();
        }
    }
}
