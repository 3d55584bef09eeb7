package dev.cohort.dashboard;

import dev.cohort.testsupport.TestTokens;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A minimal Server-Sent Events client for tests: reads frames on a thread of its own until closed. It signs in as an
 * admin unless given its own headers (an Authorization or a session Cookie).
 */
public final class SseReader implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<Frame> frames = new ArrayList<>();
    private final int status;
    private final HttpHeaders headers;
    private final InputStream body;

    private SseReader(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        this.headers = response.headers();
        this.body = response.body();
        Thread reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseReader open(String url, String lastEventId) {
        return open(url, lastEventId, Map.of("Authorization", TestTokens.bearer(TestTokens.admin())));
    }

    /** @param headers sent as they are: no Authorization unless they hold one */
    public static SseReader open(String url, String lastEventId, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        headers.forEach(b::header);
        try {
            return new SseReader(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null, event = null, comment = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (event != null || data.length() > 0 || comment != null) {
                        synchronized (frames) {
                            frames.add(new Frame(id, event, data.toString(), comment));
                        }
                    }
                    id = null;
                    event = null;
                    comment = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comment = line.substring(1).strip();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).strip());
                }
            }
        } catch (IOException e) {
            // closed by the test
        }
    }

    /** The frames that carry events, in arrival order. */
    public List<Frame> events() {
        synchronized (frames) {
            return frames.stream().filter(f -> f.event() != null).toList();
        }
    }

    public List<Frame> all() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** Waits until the frames read so far satisfy {@code done}, and returns them. */
    public List<Frame> await(Predicate<List<Frame>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.test(all())) {
                return all();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("stream did not reach the expected state in " + timeout + "; got " + all());
    }

    public List<Frame> awaitEvents(int count, Duration timeout) {
        await(f -> f.stream().filter(x -> x.event() != null).count() >= count, timeout);
        return events();
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** One SSE frame: an event (id, name, data) or a comment. */
    public record Frame(String id, String event, String data, String comment) {
    }
}
