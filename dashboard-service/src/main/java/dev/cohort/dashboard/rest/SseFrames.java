package dev.cohort.dashboard.rest;

import dev.cohort.dashboard.config.DashboardConfig;
import dev.cohort.dashboard.service.DashboardException;
import dev.cohort.dashboard.service.StreamCursor;
import dev.cohort.dashboard.service.StreamItem;
import dev.cohort.dashboard.service.StreamLimiter;
import dev.cohort.dashboard.service.StreamedEvent;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Writes a browser stream as SSE frames. Each event's name is the event type, its data the event as on Kafka plus
 * where it was read ({@code _id} = topic:partition:offset), and its SSE id the stream position after it.
 *
 * <p>The frames go straight to the connection as bytes: the event's JSON was serialised once for every browser when
 * it was read, and a frame is that text with the browser's own id in front, without a per-browser pass through
 * JAX-RS's SSE writer. JAX-RS keeps the rest of the request: authentication, the checks before the stream starts,
 * the response headers, and closing the stream when the browser goes away. A browser is read from only as fast as
 * it reads: while its connection's write queue is full nothing more is taken from its live buffer, which drops it
 * (the stream ends and the browser resumes from its Last-Event-ID) once it falls too far behind.
 */
@ApplicationScoped
public class SseFrames {

    private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

    private final Buffer opening;
    private final String retry;

    public SseFrames(DashboardConfig config) {
        this.retry = "retry: " + config.reconnectDelay().toMillis() + "\n";
        // The first frame says how soon to reconnect and, with it, sends the headers: the browser knows it is connected.
        this.opening = Buffer.buffer(": keep-alive\n" + retry + "\n");
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
     * Streams to the browser what {@code open} returns, given the executor its live feed is handed over on (the
     * connection's event loop). Call on the request's event loop, from a resource method that takes the
     * {@link SseEventSink} (JAX-RS then sends the headers when the method returns and closes the sink when the
     * browser goes away); the first frame is written after that. {@code permit} is released when the stream ends,
     * however it ends.
     */
    void stream(Function<Executor, Multi<StreamItem>> open, SseEventSink sink, HttpServerResponse response,
                StreamLimiter.Permit permit) {
        Context context = Vertx.currentContext();
        Writer writer = new Writer(sink, response, permit, context);
        if (context == null) {
            writer.start(open.apply(null));
        } else {
            Executor loop = task -> context.runOnContext(ignored -> task.run());
            context.runOnContext(ignored -> writer.start(open.apply(loop)));
        }
    }

    /** Appends the SSE frame of one item. */
    void appendFrame(Buffer to, StreamItem item) {
        if (item instanceof StreamItem.Event e) {
            to.appendString("id: ").appendString(e.cursor()).appendString("\n").appendBytes(e.event().frame());
        } else if (item instanceof StreamItem.End end) {
            StringBuilder frame = new StringBuilder("event: stream-end\n").append(retry);
            StreamedEvent.dataLines(frame, "{\"reason\":\"" + end.reason().replace("\\", "\\\\").replace("\"", "'") + "\"}");
            to.appendString(frame.append('\n').toString());
        } else {
            to.appendBuffer(KEEP_ALIVE);
        }
    }

    /**
     * One browser's stream: takes an item when the connection can take a frame. Frames that arrive together (an
     * event loop's turn, a catch-up) leave in one write.
     */
    private final class Writer implements MultiSubscriber<StreamItem> {

        /** Bytes gathered before the writer waits for them to be written. */
        private static final int MAX_PENDING = 64 * 1024;

        private final SseEventSink sink;
        private final HttpServerResponse response;
        private final StreamLimiter.Permit permit;
        /** The request's context: the connection's event loop; null outside Vert.x. */
        private final Context context;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final AtomicBoolean draining = new AtomicBoolean();
        private volatile Flow.Subscription subscription;
        private Buffer pending;
        private boolean flushScheduled;
        private boolean waiting;
        private boolean endAfterFlush;

        Writer(SseEventSink sink, HttpServerResponse response, StreamLimiter.Permit permit, Context context) {
            this.sink = sink;
            this.response = response;
            this.permit = permit;
            this.context = context;
        }

        void start(Multi<StreamItem> items) {
            if (sink.isClosed() || response.closed()) {
                permit.release();
                return;
            }
            // The browser went away: the connection says so at once (the sink's own close comes with it).
            response.exceptionHandler(failure -> end());
            response.write(opening);
            items.subscribe().withSubscriber(this);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (ended.get()) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onItem(StreamItem item) {
            boolean more;
            synchronized (this) {
                if (ended.get()) {
                    return;
                }
                if (pending == null) {
                    pending = Buffer.buffer(4096);
                }
                appendFrame(pending, item);
                endAfterFlush = item instanceof StreamItem.End;
                more = !endAfterFlush && pending.length() < MAX_PENDING && !response.writeQueueFull();
                waiting = !more && !endAfterFlush;
                if (!flushScheduled) {
                    flushScheduled = true;
                    if (context == null) {
                        flush();
                    } else {
                        context.runOnContext(ignored -> flush());
                    }
                }
            }
            if (more) {
                subscription.request(1);
            }
        }

        /** Writes what was gathered, on the connection's event loop. */
        private void flush() {
            Buffer batch;
            boolean last;
            boolean resume;
            synchronized (this) {
                batch = pending;
                pending = null;
                flushScheduled = false;
                last = endAfterFlush;
                resume = waiting;
                waiting = false;
            }
            if (batch == null || ended.get()) {
                return;
            }
            if (sink.isClosed() || response.closed()) {
                end();
                return;
            }
            try {
                response.write(batch);
            } catch (IllegalStateException closed) {
                end();
                return;
            }
            if (last) {
                end();
            } else if (resume) {
                next();
            }
        }

        /** The next item now, or once the connection has sent what it holds. */
        private void next() {
            if (!response.writeQueueFull()) {
                subscription.request(1);
                return;
            }
            draining.set(true);
            response.drainHandler(ignored -> {
                if (draining.compareAndSet(true, false)) {
                    subscription.request(1);
                }
            });
            // It may have drained between the check and the handler.
            if (!response.writeQueueFull() && draining.compareAndSet(true, false)) {
                subscription.request(1);
            }
        }

        @Override
        public void onFailure(Throwable failure) {
            Log.debugf("A browser stream failed: %s", failure.toString());
            end();
        }

        @Override
        public void onCompletion() {
            end();
        }

        private void end() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            permit.release();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            if (!sink.isClosed()) {
                // On the connection's event loop, where JAX-RS ends its responses.
                if (context == null) {
                    sink.close();
                } else {
                    context.runOnContext(ignored -> {
                        if (!sink.isClosed()) {
                            sink.close();
                        }
                    });
                }
            }
        }
    }
}
