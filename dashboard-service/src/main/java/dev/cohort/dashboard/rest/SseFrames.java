package dev.cohort.dashboard.rest;

import dev.cohort.dashboard.config.DashboardConfig;
import dev.cohort.dashboard.service.BrowserStream;
import dev.cohort.dashboard.service.DashboardException;
import dev.cohort.dashboard.service.EventHub;
import dev.cohort.dashboard.service.StreamCursor;
import dev.cohort.dashboard.service.StreamItem;
import dev.cohort.dashboard.service.StreamLimiter;
import dev.cohort.dashboard.service.StreamedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.SseEventSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Writes a browser stream as SSE frames. Each event's name is the event type, its data the event as on Kafka plus
 * where it was read ({@code _id} = topic:partition:offset), and its SSE id the stream position after it.
 *
 * <p>The frames go straight to the connection as bytes: the event's JSON was serialised once for every browser when
 * it was read, and a live event's whole frame, id included, once when it was published (see {@link BrowserStream}),
 * without a per-browser pass through JAX-RS's SSE writer, and without a per-browser copy: a write hands the
 * connection the shared frames themselves. JAX-RS keeps the rest of the request: authentication, the
 * checks before the stream starts, the response headers, and closing the stream when the browser goes away. A
 * browser is read from only as fast as it reads: while its connection's write queue is full nothing more is taken
 * from its live buffer, which drops it (the stream ends and the browser resumes from its Last-Event-ID) once it
 * falls too far behind.
 */
@ApplicationScoped
public class SseFrames {

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final Buffer opening;
    private final String retry;
    /** The least time between two writes to one connection, in nanoseconds (see {@link DashboardConfig#writeInterval}). */
    private final long writeInterval;
    /** From a live event's hand-over to the browsers to its write to one browser's connection. */
    private final Timer writeDelay;

    @Inject
    public SseFrames(DashboardConfig config, MeterRegistry metrics) {
        this.writeDelay = Timer.builder("cohort.dashboard.streams.write.delay")
                .description("From a live event handed to the browsers to its write to one browser's connection "
                        + "(one sample per write, for the oldest event in it)")
                .serviceLevelObjectives(EventHub.DELAY_BUCKETS)
                .register(metrics);
        this.retry = "retry: " + config.reconnectDelay().toMillis() + "\n";
        this.writeInterval = config.writeInterval().toNanos();
        // The first frame says how soon to reconnect and, with it, sends the headers: the browser knows it is connected.
        this.opening = Buffer.buffer(": keep-alive\n" + retry + "\n");
    }

    SseFrames(DashboardConfig config) {
        this(config, new SimpleMeterRegistry());
    }

    /** The stream position from Last-Event-ID (or its query-parameter twin), else {@code otherwise}. */
    static StreamCursor cursor(String header, String query, StreamCursor otherwise) {
        String text = header != null && !header.isBlank() ? header : query;
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return StreamCursor.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DashboardException(400, "Last-Event-ID is not a position of this stream", e.getMessage());
        }
    }

    /**
     * Streams to the browser what {@code open} returns, given what the stream calls when it has something to poll.
     * Call on the request's event loop, from a resource method that takes the {@link SseEventSink} (JAX-RS then
     * sends the headers when the method returns and closes the sink when the browser goes away); the first frame is
     * written after that. {@code permit} is released when the stream ends, however it ends.
     */
    void stream(Function<Runnable, BrowserStream> open, SseEventSink sink, HttpServerResponse response,
                StreamLimiter.Permit permit) {
        Context context = Vertx.currentContext();
        if (context == null) {
            permit.release();
            throw new IllegalStateException("a browser stream starts on the request's event loop");
        }
        Writer writer = new Writer(sink, response, permit, context);
        context.runOnContext(ignored -> writer.start(open));
    }

    /** The SSE frame of one item; an event's is shared by every browser it goes to, and must not be changed. */
    byte[] frame(StreamItem item) {
        if (item instanceof StreamItem.Event e) {
            return e.frame();
        }
        if (item instanceof StreamItem.End end) {
            StringBuilder frame = new StringBuilder("event: stream-end\n").append(retry);
            StreamedEvent.dataLines(frame, "{\"reason\":\"" + end.reason().replace("\\", "\\\\").replace("\"", "'") + "\"}");
            return frame.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        }
        return KEEP_ALIVE;
    }

    /**
     * One write of {@code frames}, without copying them: the connection reads them where they are (an event's frame
     * is shared by every browser), so what a write costs the heap does not grow with the events it carries.
     */
    static Buffer write(List<byte[]> frames) {
        return Buffer.buffer(frames.size() == 1 ? Unpooled.wrappedBuffer(frames.get(0))
                : Unpooled.wrappedBuffer(frames.size(), frames.toArray(new byte[0][])));
    }

    /**
     * One browser's stream, on its connection's event loop: each time the stream has something, everything it has
     * leaves in one write, as long as the connection takes it, and at most once per write interval: what comes
     * sooner after a write waits for the interval's end and leaves with whatever else came meanwhile. While the
     * connection's write queue is full nothing is taken from the stream, whose buffer then fills and, once it is full,
     * drops the browser.
     */
    private final class Writer {

        /** Bytes gathered into one write. */
        private static final int MAX_PENDING = 64 * 1024;

        /** The frames of the write being gathered (the connection's event loop's alone). */
        private final List<byte[]> frames = new ArrayList<>();

        private final SseEventSink sink;
        private final HttpServerResponse response;
        private final StreamLimiter.Permit permit;
        /** The request's context: the connection's event loop. */
        private final Context context;
        private final Handler<Void> drainLater = ignored -> drain();
        private final Handler<Long> intervalOver = ignored -> {
            timer = false;
            drain();
        };
        private BrowserStream stream;
        /** Set while the connection's write queue is full; its drain handler resets it. */
        private boolean waiting;
        private boolean ended;
        /** When the last write left (System.nanoTime()); none yet while {@code written} is false. */
        private long lastWrite;
        private boolean written;
        /** Set while a timer is due to drain at the end of the write interval. */
        private boolean timer;

        Writer(SseEventSink sink, HttpServerResponse response, StreamLimiter.Permit permit, Context context) {
            this.sink = sink;
            this.response = response;
            this.permit = permit;
            this.context = context;
        }

        void start(Function<Runnable, BrowserStream> open) {
            if (sink.isClosed() || response.closed()) {
                permit.release();
                return;
            }
            // The browser went away: the connection says so at once (the sink's own close comes with it).
            response.exceptionHandler(failure -> end());
            // The connection has sent what it held: the writer goes on where it stopped.
            response.drainHandler(ignored -> {
                if (waiting) {
                    waiting = false;
                    drain();
                }
            });
            response.write(opening);
            try {
                stream = open.apply(() -> context.runOnContext(drainLater));
            } catch (RuntimeException e) {
                Log.debugf("A browser stream failed: %s", e.toString());
                end();
                return;
            }
            drain();
        }

        /**
         * Writes what the stream has, until it has no more for now or the connection is full. A stream dropped for
         * reading too slowly is written to its end at once, full or not: what it held, then its stream-end frame.
         */
        private void drain() {
            if (ended || waiting && !stream.dropped()) {
                return;
            }
            if (tooSoon()) {
                return;
            }
            waiting = false;
            while (!response.writeQueueFull() || stream.dropped()) {
                if (sink.isClosed() || response.closed()) {
                    end();
                    return;
                }
                int size = 0;
                long oldest = 0;
                StreamItem item;
                try {
                    while ((item = stream.poll()) != null) {
                        if (oldest == 0 && item instanceof StreamItem.Event e) {
                            oldest = e.live();
                        }
                        byte[] frame = frame(item);
                        frames.add(frame);
                        size += frame.length;
                        if (item instanceof StreamItem.End || size >= MAX_PENDING) {
                            break;
                        }
                    }
                } catch (RuntimeException e) {
                    frames.clear();
                    Log.debugf("A browser stream failed: %s", e.toString());
                    end();
                    return;
                }
                if (frames.isEmpty()) {
                    return;
                }
                Buffer pending = write(frames);
                frames.clear();
                try {
                    response.write(pending);
                } catch (IllegalStateException closed) {
                    end();
                    return;
                }
                written = true;
                lastWrite = System.nanoTime();
                if (oldest != 0) {
                    writeDelay.record(lastWrite - oldest, TimeUnit.NANOSECONDS);
                }
                if (item == null) {
                    // All of it is written; the stream says when there is more.
                    return;
                }
                if (item instanceof StreamItem.End) {
                    end();
                    return;
                }
            }
            // The stream keeps what it has until the connection has sent what it holds.
            waiting = true;
        }

        /**
         * Whether the last write was less than the write interval ago; then a timer drains at the interval's end (the
         * stream does not call again meanwhile: it is due to be polled). A stream dropped for reading too slowly
         * never waits.
         */
        private boolean tooSoon() {
            if (timer) {
                return !stream.dropped();
            }
            if (writeInterval <= 0 || !written || stream.dropped()) {
                return false;
            }
            long wait = writeInterval - (System.nanoTime() - lastWrite);
            if (wait <= 0) {
                return false;
            }
            timer = true;
            context.owner().setTimer(Math.max(1, (wait + 999_999) / 1_000_000), intervalOver);
            return true;
        }

        private void end() {
            if (ended) {
                return;
            }
            ended = true;
            permit.release();
            if (stream != null) {
                stream.close();
            }
            if (!sink.isClosed()) {
                // On the connection's event loop, where JAX-RS ends its responses.
                context.runOnContext(ignored -> {
                    if (!sink.isClosed()) {
                        sink.close();
                    }
                });
            }
        }
    }
}
