package dev.cohort.dashboard.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cohort.contracts.Topics;
import dev.cohort.dashboard.config.DashboardConfig;
import dev.cohort.dashboard.service.EventHub;
import dev.cohort.dashboard.service.EventLog;
import dev.cohort.dashboard.service.EventStreams;
import dev.cohort.dashboard.service.StreamLimiter;
import dev.cohort.dashboard.service.StreamedEvent;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.sse.SseEventSink;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live feed as browsers' connections get it, on a Vert.x event loop, with connections that take what is written
 * or stop taking it (their write queue stays full) as the test says.
 */
class SseFramesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OPENING = ": keep-alive\nretry: 2000\n";

    private static Vertx vertx;

    private EventHub hub;
    private EventStreams streams;
    private SseFrames frames;
    private StreamLimiter limiter;
    private Context loop;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void setUp() {
        hub = new EventHub(new EventLog(1000), 10, 0);
        // Live streams only: nothing is read from Kafka.
        streams = new EventStreams(hub, null);
        frames = new SseFrames(config(Duration.ofMillis(20)));
        limiter = new StreamLimiter(10, 10);
        loop = vertx.getOrCreateContext();
    }

    @Test
    void aBrowserThatStopsReadingIsDroppedWithTheStreamEndFrameWhileOthersGetEverything() {
        Connection slow = registered("slow");
        Connection fast = registered("fast");
        slow.full = true;
        List<StreamedEvent> published = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            // As fast as the fast browser reads: its buffer of 10 never fills.
            published.addAll(publish(round * 5, 5));
            int sent = published.size();
            await().atMost(WAIT).until(() -> fast.frames().size() == 1 + sent);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add(frame(i, published));
        }
        assertEquals(expected, fast.frames().subList(1, 31), "every event once, in order, with its resume position");
        // Once its buffer is full, without waiting for the browser to read: what was buffered goes out, then the end
        // of the stream with its resume point, and the stream's permit is free for its reconnection.
        await().atMost(WAIT).until(() -> hub.subscriberCount() == 1 && slow.refused > 0 && slow.sinkClosed);
        List<String> got = slow.frames();
        assertEquals(1 + 10 + 1, got.size(), got.toString());
        assertEquals(expected.subList(0, 10), got.subList(1, 11));
        assertEquals("event: stream-end\nretry: 2000\ndata: {\"reason\":\"the browser read too slowly; reconnect with "
                + "Last-Event-ID to continue\"}\n", got.get(11));
        assertEquals(0, limiter.open("slow"), "the ended stream's permit is released");

        // The fast browser is still there and gets what comes next.
        publish(30, 1);
        await().atMost(WAIT).until(() -> fast.frames().size() == 1 + 31);
        assertEquals(1, limiter.open("fast"));
    }

    @Test
    void aBrowserThatIsSlowForAWhileGetsEverythingOnceItReadsAgain() {
        Connection browser = registered("a");
        browser.full = true;
        List<StreamedEvent> published = publish(0, 8);
        await().atMost(WAIT).until(() -> browser.refused > 0);
        assertEquals(List.of(OPENING), browser.frames());

        browser.full = false;
        browser.drained();
        await().atMost(WAIT).until(() -> browser.frames().size() == 1 + 8);
        published.addAll(publish(8, 3));
        await().atMost(WAIT).until(() -> browser.frames().size() == 1 + 11);
        for (int i = 0; i < 11; i++) {
            assertEquals(frame(i, published), browser.frames().get(1 + i));
        }
        assertEquals(1, hub.subscriberCount());
    }

    @Test
    void aBrowserThatGoesAwayEndsItsStreamAndReleasesItsPermit() {
        Connection browser = registered("a");
        publish(0, 2);
        await().atMost(WAIT).until(() -> browser.frames().size() == 1 + 2);
        browser.sinkClosed = true;
        publish(2, 1);
        await().atMost(WAIT).until(() -> hub.subscriberCount() == 0);
        assertEquals(0, limiter.open("a"));
        assertEquals(1 + 2, browser.frames().size());
    }

    @Test
    void eventsThatComeSoonerThanTheWriteIntervalAfterAWriteLeaveTogetherInOneWrite() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        frames = new SseFrames(config(Duration.ofSeconds(2)), metrics);
        Connection browser = registered("a");
        List<StreamedEvent> published = publish(0, 1);
        // The first event after the opening goes out at once: no write came before it.
        await().atMost(WAIT).until(() -> browser.frames().size() == 1 + 1);
        assertEquals(2, browser.writes, "the opening, then the first event");
        published.addAll(publish(1, 5));
        await().atMost(WAIT).until(() -> browser.frames().size() == 1 + 6);
        assertEquals(3, browser.writes, "the five events that came within the interval leave in one write");
        for (int i = 0; i < 6; i++) {
            assertEquals(frame(i, published), browser.frames().get(1 + i));
        }
        // The time from hand-over to write, once per write that carried events: the second one waited for the
        // interval's end.
        Timer delay = metrics.get("cohort.dashboard.streams.write.delay").timer();
        assertEquals(2, delay.count());
        assertTrue(delay.max(TimeUnit.MILLISECONDS) >= 1500, delay.max(TimeUnit.MILLISECONDS) + " ms");
    }

    @Test
    void aBrowserDroppedForReadingTooSlowlyGetsItsStreamEndWithoutWaitingForTheWriteInterval() {
        // An interval no test waits for: the end can only come because a dropped stream does not wait.
        frames = new SseFrames(config(Duration.ofHours(1)));
        Connection slow = registered("slow");
        publish(0, 1);
        await().atMost(WAIT).until(() -> slow.frames().size() == 1 + 1);
        slow.full = true;
        publish(1, 11);
        await().atMost(WAIT).until(() -> slow.sinkClosed && hub.subscriberCount() == 0);
        List<String> got = slow.frames();
        assertEquals(1 + 1 + 10 + 1, got.size(), got.toString());
        assertTrue(got.get(12).startsWith("event: stream-end\n"), got.get(12));
        assertEquals(0, limiter.open("slow"), "the ended stream's permit is released");
    }

    /** A browser's stream, once the hub counts it. */
    private Connection registered(String principal) {
        int before = hub.subscriberCount();
        Connection connection = open(principal);
        await().atMost(WAIT).until(() -> hub.subscriberCount() == before + 1);
        return connection;
    }

    private Connection open(String principal) {
        Connection connection = new Connection();
        StreamLimiter.Permit permit = limiter.acquire(principal);
        loop.runOnContext(ignored -> frames.stream(ready -> streams.open(null, null, ready), connection.sink,
                connection.response, permit));
        return connection;
    }

    @Test
    void aWriteCarriesTheSharedFramesThemselvesNotACopyOfThem() {
        byte[] first = "event: a\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] second = "event: b\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

        Buffer one = SseFrames.write(List.of(first));
        Buffer two = SseFrames.write(List.of(first, second));
        assertEquals("event: a\ndata: {}\n\nevent: b\ndata: {}\n\n", two.toString(StandardCharsets.UTF_8));

        // What a write holds is the frames' own memory: a change to a frame (which the code never makes) shows in it.
        first[0] = 'E';
        second[0] = 'E';
        assertEquals('E', one.getByte(0));
        assertEquals("Event: a\ndata: {}\n\nEvent: b\ndata: {}\n\n", two.toString(StandardCharsets.UTF_8));
    }

    private List<StreamedEvent> publish(int from, int count) {
        List<StreamedEvent> list = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            StreamedEvent e = StreamedEvent.of(Topics.TASK_EVENTS, 0, i, "task.paused", "t-1", Instant.now(),
                    JsonNodeFactory.instance.objectNode().put("n", i));
            hub.publish(e);
            list.add(e);
        }
        return list;
    }

    /** The frame of the i-th published event with its resume position, without the blank line that ends it. */
    private static String frame(int i, List<StreamedEvent> published) {
        return "id: task-events:0:" + (i + 1) + "\n" + text(published.get(i));
    }

    /** An event's frame after its id line, without the blank line that ends it. */
    private static String text(StreamedEvent e) {
        String frame = new String(e.frame(), StandardCharsets.UTF_8);
        return frame.substring(0, frame.length() - 1);
    }

    private static DashboardConfig config(Duration writeInterval) {
        return (DashboardConfig) Proxy.newProxyInstance(DashboardConfig.class.getClassLoader(),
                new Class<?>[] {DashboardConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "reconnectDelay" -> Duration.ofSeconds(2);
                    case "writeInterval" -> writeInterval;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A browser's connection: the response the stream writes to, and the sink JAX-RS would close. */
    private final class Connection {

        private final StringBuffer written = new StringBuffer();
        volatile boolean full;
        /** How many writes the connection took. */
        volatile int writes;
        /** How often the writer found the connection full. */
        volatile int refused;
        volatile boolean sinkClosed;
        volatile Handler<Void> drainHandler;

        final HttpServerResponse response = (HttpServerResponse) Proxy.newProxyInstance(
                HttpServerResponse.class.getClassLoader(), new Class<?>[] {HttpServerResponse.class}, this::response);

        final SseEventSink sink = (SseEventSink) Proxy.newProxyInstance(SseEventSink.class.getClassLoader(),
                new Class<?>[] {SseEventSink.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isClosed" -> sinkClosed;
                    case "close" -> {
                        sinkClosed = true;
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        @SuppressWarnings("unchecked")
        private Object response(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "write":
                    written.append(((Buffer) args[0]).toString(StandardCharsets.UTF_8));
                    writes++;
                    return Future.succeededFuture();
                case "writeQueueFull":
                    if (full) {
                        refused++;
                    }
                    return full;
                case "closed":
                    return false;
                case "drainHandler":
                    drainHandler = (Handler<Void>) args[0];
                    return proxy;
                case "exceptionHandler":
                    return proxy;
                default:
                    throw new UnsupportedOperationException(method.getName() + Arrays.toString(args));
            }
        }

        /** The connection has sent what it held, as Vert.x tells it on the event loop. */
        void drained() {
            Handler<Void> handler = drainHandler;
            loop.runOnContext(ignored -> handler.handle(null));
        }

        /** The frames written so far, each without the blank line that ends it. */
        List<String> frames() {
            String text = written.toString();
            assertTrue(text.isEmpty() || text.endsWith("\n\n"), "whole frames only: " + text);
            List<String> list = new ArrayList<>();
            for (String frame : text.split("\n\n")) {
                if (!frame.isEmpty()) {
                    list.add(frame + "\n");
                }
            }
            return list;
        }
    }
}
