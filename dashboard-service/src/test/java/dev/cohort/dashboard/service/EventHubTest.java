package dev.cohort.dashboard.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cohort.contracts.Topics;
import dev.cohort.dashboard.messaging.KafkaHistoryReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stream logic without Quarkus or Kafka: two hubs stand for two dashboard instances that read the same
 * partitions but interleave them differently, as separate consumers do.
 */
class EventHubTest {

    private static final String TASK = "t-1";

    @Test
    void aBrowserThatMovesToAnotherInstanceResumesWithoutGapsOrRepeats() {
        List<StreamedEvent> tasks = events(Topics.TASK_EVENTS, 0, 6);
        List<StreamedEvent> agents = events(Topics.AGENT_EVENTS, 0, 6);
        List<StreamedEvent> messages = events(Topics.AGENT_MESSAGES, 1, 6);
        EventHub first = hub(1000);
        EventHub second = hub(1000);
        EventStreams onFirst = new EventStreams(first, noKafka());
        EventStreams onSecond = new EventStreams(second, noKafka());

        Browser browser = Browser.open(onFirst, null, new StreamCursor());
        // Instance one reads task events first, then agents, then messages; instance two the other way round.
        for (int i = 0; i < 3; i++) {
            first.publish(tasks.get(i));
        }
        for (int i = 0; i < 4; i++) {
            first.publish(agents.get(i));
        }
        for (int i = 5; i >= 0; i--) {
            second.publish(messages.get(5 - i));
        }
        agents.forEach(second::publish);
        tasks.forEach(second::publish);

        List<StreamItem.Event> seen = browser.events();
        assertEquals(7, seen.size());
        browser.close();
        // Instance one dies; the browser reconnects to instance two with the id of the last event it got.
        String lastEventId = seen.get(seen.size() - 1).cursor();
        Browser resumed = Browser.open(onSecond, null, StreamCursor.parse(lastEventId));
        seen.addAll(resumed.events());

        List<String> ids = seen.stream().map(e -> e.event().id()).toList();
        List<String> expected = new ArrayList<>();
        for (List<StreamedEvent> partition : List.of(tasks, agents, messages)) {
            partition.forEach(e -> expected.add(e.id()));
        }
        assertEquals(expected.size(), ids.size(), "every event exactly once: " + ids);
        assertTrue(ids.containsAll(expected), ids.toString());
        for (List<StreamedEvent> partition : List.of(tasks, agents, messages)) {
            List<String> order = ids.stream().filter(id -> id.startsWith(partition.get(0).topic() + ":")).toList();
            assertEquals(partition.stream().map(StreamedEvent::id).toList(), order, "each partition in offset order");
        }

        // Live events reach the resumed stream with ids that are again exact resume points.
        StreamedEvent later = event(Topics.TASK_EVENTS, 0, 6);
        second.publish(later);
        StreamItem.Event last = resumed.events().get(resumed.events().size() - 1);
        assertEquals(later.id(), last.event().id());
        assertEquals("agent-events:0:6,agent-messages:1:6,task-events:0:7", last.cursor());
    }

    @Test
    void bothInstancesServeEveryEventToTheirOwnBrowsers() {
        EventHub first = hub(1000);
        EventHub second = hub(1000);
        Browser a = Browser.open(new EventStreams(first, noKafka()), null, null);
        Browser b = Browser.open(new EventStreams(second, noKafka()), null, null);
        List<StreamedEvent> all = events(Topics.TASK_EVENTS, 0, 5);
        all.forEach(first::publish);
        all.forEach(second::publish);
        assertEquals(5, a.events().size());
        assertEquals(5, b.events().size());
        assertEquals(a.events().get(4).cursor(), b.events().get(4).cursor(),
                "the same position has the same id on every instance");
    }

    @Test
    void aBrowserResumingWithTheIdOfALiveEventGetsExactlyTheEventsAfterIt() {
        EventHub hub = hub(1000);
        EventStreams streams = new EventStreams(hub, noKafka());
        Browser all = Browser.open(streams, null, null);
        Browser task = Browser.open(streams, TASK, new StreamCursor());
        List<StreamedEvent> published = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // Three partitions interleaved, every third event of another task, one record that is not an event.
            StreamedEvent e = StreamedEvent.of(List.of(Topics.TASK_EVENTS, Topics.AGENT_EVENTS, Topics.AGENT_MESSAGES)
                            .get(i % 3), 0, i / 3, "task.paused", i % 4 == 3 ? "other" : TASK, Instant.now(),
                    JsonNodeFactory.instance.objectNode().put("n", i));
            hub.publish(e);
            published.add(e);
            if (i == 5) {
                hub.skip(Topics.ARTIFACT_EVENTS, 0, 0);
            }
        }
        List<StreamedEvent> ofTask = published.stream().filter(e -> TASK.equals(e.taskId())).toList();
        assertEquals(ids(published), ids(all.events()));
        assertEquals(ids(ofTask), ids(task.events()));

        for (int k = 0; k < published.size(); k++) {
            Browser again = Browser.open(streams, null, StreamCursor.parse(all.events().get(k).cursor()));
            assertEquals(ids(published.subList(k + 1, published.size())), ids(again.events()),
                    "resumed after event " + k);
            again.close();
        }
        for (int k = 0; k < ofTask.size(); k++) {
            Browser again = Browser.open(streams, TASK, StreamCursor.parse(task.events().get(k).cursor()));
            assertEquals(ids(ofTask.subList(k + 1, ofTask.size())), ids(again.events()),
                    "resumed after task event " + k);
            again.close();
        }

        // A browser that resumed goes on live, and the next resume from its own id repeats nothing either.
        Browser resumed = Browser.open(streams, TASK, StreamCursor.parse(task.events().get(2).cursor()));
        StreamedEvent later = event(Topics.AGENT_EVENTS, 0, 4);
        hub.publish(later);
        assertEquals(ofTask.size() - 3 + 1, resumed.events().size());
        assertEquals(later.id(), resumed.events().get(resumed.events().size() - 1).event().id());
        Browser last = Browser.open(streams, TASK,
                StreamCursor.parse(resumed.events().get(resumed.events().size() - 1).cursor()));
        assertEquals(List.of(), last.events());
        hub.publish(event(Topics.TASK_EVENTS, 0, 4));
        assertEquals(List.of(Topics.TASK_EVENTS + ":0:4"), ids(last.events()));
    }

    @Test
    void theLiveIdIsThePositionTheStreamsOwnCursorGivesIt() {
        EventHub hub = hub(1000);
        EventStreams streams = new EventStreams(hub, noKafka());
        hub.publish(event(Topics.TASK_EVENTS, 0, 0));
        hub.publish(event(Topics.AGENT_EVENTS, 2, 0));
        StreamCursor head = hub.position();
        Browser live = Browser.open(streams, null, null);
        Browser fromStart = Browser.open(streams, null, new StreamCursor());
        Browser resumed = Browser.open(streams, null, StreamCursor.parse("task-events:0:1"));
        for (int i = 0; i < 3; i++) {
            hub.publish(event(Topics.AGENT_EVENTS, 2, 1 + i));
            hub.publish(event(Topics.TASK_EVENTS, 0, 1 + i));
            hub.publish(event(Topics.ARTIFACT_EVENTS, 0, i));
        }
        assertEquals(9, live.events().size());
        assertEquals(11, fromStart.events().size());
        assertEquals(10, resumed.events().size());
        assertOwnCursorIds(head, live.events());
        assertOwnCursorIds(new StreamCursor(), fromStart.events());
        assertOwnCursorIds(StreamCursor.parse("task-events:0:1"), resumed.events());
    }

    /** The ids a stream's own cursor would give, moved past each event it got from where it started. */
    private static void assertOwnCursorIds(StreamCursor start, List<StreamItem.Event> got) {
        StreamCursor own = start.copy();
        for (StreamItem.Event e : got) {
            assertTrue(own.advance(e.event().topic(), e.event().partition(), e.event().offset()), e.event().id());
            assertEquals(own.encode(), e.cursor(), "the id of " + e.event().id());
        }
    }

    @Test
    void aStreamAheadOfTheHubInOnePartitionSkipsWhatItAlreadyGotAndItsIdsNeverGoBack() {
        EventHub hub = hub(1000);
        EventStreams streams = new EventStreams(hub, noKafka());
        for (int i = 0; i < 5; i++) {
            hub.publish(event(Topics.TASK_EVENTS, 0, i));
        }
        for (int i = 0; i < 3; i++) {
            hub.publish(event(Topics.AGENT_EVENTS, 0, i));
        }
        // From an instance that read further in task-events, and less far in agent-events.
        StreamCursor from = StreamCursor.parse("agent-events:0:1,task-events:0:8");
        Browser ahead = Browser.open(streams, null, from);
        Browser here = Browser.open(streams, null, null);
        for (int i = 5; i < 10; i++) {
            hub.publish(event(Topics.TASK_EVENTS, 0, i));
            hub.publish(event(Topics.AGENT_EVENTS, 0, i - 2));
        }

        List<String> expected = List.of(Topics.AGENT_EVENTS + ":0:1", Topics.AGENT_EVENTS + ":0:2",
                Topics.AGENT_EVENTS + ":0:3", Topics.AGENT_EVENTS + ":0:4", Topics.AGENT_EVENTS + ":0:5",
                Topics.TASK_EVENTS + ":0:8", Topics.AGENT_EVENTS + ":0:6", Topics.TASK_EVENTS + ":0:9",
                Topics.AGENT_EVENTS + ":0:7");
        assertEquals(expected, ids(ahead.events()));
        assertOwnCursorIds(from, ahead.events());
        StreamCursor previous = from;
        for (StreamItem.Event e : ahead.events()) {
            StreamCursor id = StreamCursor.parse(e.cursor());
            assertFalse(previous.aheadOf(id), e.cursor() + " goes back from " + previous);
            assertTrue(id.next(Topics.TASK_EVENTS, 0) >= 8, e.cursor());
            previous = id;
        }
        assertEquals(10, here.events().size(), "a stream of this instance gets every live event");
        assertEquals("agent-events:0:8,task-events:0:10", here.events().get(9).cursor());
    }

    @Test
    void aSlowBrowserIsDroppedWithAResumePointWhileAFastOneGetsEverything() {
        EventHub hub = hub(10);
        EventStreams streams = new EventStreams(hub, noKafka());
        Browser slow = Browser.open(streams, null, null, 3);
        Browser fast = Browser.open(streams, null, null);
        List<StreamedEvent> all = events(Topics.AGENT_EVENTS, 0, 50);
        all.forEach(hub::publish);

        assertEquals(50, fast.events().size());
        assertFalse(fast.ended());
        assertEquals(1, hub.subscriberCount(), "the slow browser no longer holds a buffer");
        assertEquals(3, slow.items.size());
        slow.read(100);
        assertTrue(slow.ended());
        // What was buffered still went out, then the end.
        assertEquals(ids(all.subList(0, 13)), ids(slow.events()));
        // Resuming from its last event gives exactly the rest.
        List<StreamItem.Event> before = slow.events();
        Browser again = Browser.open(streams, null, StreamCursor.parse(before.get(before.size() - 1).cursor()));
        assertEquals(50, before.size() + again.events().size());
        assertEquals(all.get(before.size()).id(), again.events().get(0).event().id());
    }

    @Test
    void theHubOnlyQueuesAndEachBrowserGetsItsEventsInOrderWhenItsOwnThreadPolls() {
        EventHub hub = hub(10);
        EventStreams streams = new EventStreams(hub, noKafka());
        Browser a = Browser.onLoop(streams, null, null);
        Browser b = Browser.onLoop(streams, null, null);
        List<StreamedEvent> first = events(Topics.AGENT_EVENTS, 0, 8);
        first.forEach(hub::publish);

        assertEquals(0, a.items.size(), "nothing is handed over on the publishing thread");
        assertEquals(1, a.loop.size(), "one hand-over for everything queued meanwhile");
        a.runLoop();
        assertEquals(ids(first), ids(a.events()));

        // Browser B's loop does not run: once more events wait for it than its buffer holds, it is dropped (it gets
        // what was queued, then the end of its stream), and A goes on getting everything.
        List<StreamedEvent> second = events(Topics.AGENT_EVENTS, 8, 8);
        second.forEach(hub::publish);
        assertEquals(1, hub.subscriberCount(), "the stalled browser no longer holds a buffer");
        assertEquals(2, b.loop.size(), "a browser whose loop has not run yet is asked again only when it is dropped");
        a.runLoop();
        assertEquals(16, a.events().size());
        b.runLoop();
        assertTrue(b.ended());
        List<StreamedEvent> expectedB = new ArrayList<>(first);
        expectedB.addAll(second.subList(0, 2));
        assertEquals(ids(expectedB), ids(b.events()));
    }

    @Test
    void keepAlivesGoToEveryBrowserBetweenItsEvents() {
        EventHub hub = hub(10);
        EventStreams streams = new EventStreams(hub, noKafka());
        Browser a = Browser.open(streams, TASK, null);
        hub.publish(event(Topics.TASK_EVENTS, 0, 0));
        hub.keepAlive();
        hub.publish(event(Topics.TASK_EVENTS, 0, 1));
        assertEquals(3, a.items.size());
        assertInstanceOf(StreamItem.KeepAlive.class, a.items.get(1));
    }

    @Test
    void aTaskStreamCarriesOnlyThatTasksEvents() {
        EventHub hub = hub(1000);
        Browser one = Browser.open(new EventStreams(hub, noKafka()), TASK, new StreamCursor());
        hub.publish(event(Topics.TASK_EVENTS, 0, 0));
        hub.publish(new StreamedEvent(Topics.TASK_EVENTS + ":0:1", Topics.TASK_EVENTS, "task.paused", "other",
                Instant.now(), JsonNodeFactory.instance.objectNode()));
        hub.publish(event(Topics.TASK_EVENTS, 0, 2));
        assertEquals(List.of(Topics.TASK_EVENTS + ":0:0", Topics.TASK_EVENTS + ":0:2"), ids(one.events()));
    }

    @Test
    void whenTheLogNoLongerReachesBackTheHistoryComesFromKafka() {
        EventHub hub = new EventHub(new EventLog(3), 100, 0);
        List<StreamedEvent> all = events(Topics.TASK_EVENTS, 0, 10);
        all.forEach(hub::publish);
        List<StreamCursor> asked = Collections.synchronizedList(new ArrayList<>());
        KafkaHistoryReader kafka = new KafkaHistoryReader("unused:1", 100, Duration.ofSeconds(1)) {
            @Override
            public History read(StreamCursor from, StreamCursor to, String taskId) {
                asked.add(from);
                return new History(all.subList((int) from.next(Topics.TASK_EVENTS, 0),
                        (int) to.next(Topics.TASK_EVENTS, 0)), true);
            }
        };
        Browser s = Browser.onLoop(new EventStreams(hub, kafka), null, StreamCursor.parse("task-events:0:2"));
        // Live events meanwhile wait until the history is sent.
        StreamedEvent live = event(Topics.TASK_EVENTS, 0, 10);
        hub.publish(live);
        await().atMost(Duration.ofSeconds(10)).until(() -> !s.loop.isEmpty());
        s.runLoop();
        assertEquals(1, asked.size());
        List<StreamedEvent> expected = new ArrayList<>(all.subList(2, 10));
        expected.add(live);
        assertEquals(ids(expected), ids(s.events()));
    }

    @Test
    void aCatchUpCutShortEndsTheStreamAfterWhatWasRead() {
        EventHub hub = new EventHub(new EventLog(3), 100, 0);
        List<StreamedEvent> all = events(Topics.TASK_EVENTS, 0, 10);
        all.forEach(hub::publish);
        KafkaHistoryReader kafka = new KafkaHistoryReader("unused:1", 100, Duration.ofSeconds(1)) {
            @Override
            public History read(StreamCursor from, StreamCursor to, String taskId) {
                return new History(all.subList(0, 4), false);
            }
        };
        Browser s = Browser.onLoop(new EventStreams(hub, kafka), null, new StreamCursor());
        await().atMost(Duration.ofSeconds(10)).until(() -> !s.loop.isEmpty());
        s.runLoop();
        assertEquals(ids(all.subList(0, 4)), ids(s.events()));
        assertTrue(s.ended());
        assertEquals(0, hub.subscriberCount());
        assertEquals("task-events:0:4", s.events().get(3).cursor());
    }

    @Test
    void aWholeTaskStreamStartsWhereTheTaskBeganSoEvictedOlderTasksNeedNoKafka() {
        EventHub hub = new EventHub(new EventLog(3), 100, 0);
        for (int i = 0; i < 10; i++) {
            hub.publish(StreamedEvent.of(Topics.TASK_EVENTS, 0, i, "task.paused", "older", Instant.now(),
                    JsonNodeFactory.instance.objectNode()));
        }
        hub.publish(event(Topics.TASK_EVENTS, 0, 10));
        hub.publish(event(Topics.AGENT_EVENTS, 0, 0));
        EventStreams streams = new EventStreams(hub, noKafka());
        Browser whole = Browser.open(streams, TASK, new StreamCursor());
        assertEquals(List.of(Topics.TASK_EVENTS + ":0:10", Topics.AGENT_EVENTS + ":0:0"), ids(whole.events()));

        // A task nothing was read of yet starts at the current position and gets its events live.
        Browser fresh = Browser.open(streams, "new", new StreamCursor());
        hub.publish(StreamedEvent.of(Topics.TASK_EVENTS, 0, 11, "task.submitted", "new", Instant.now(),
                JsonNodeFactory.instance.objectNode()));
        assertEquals(List.of(Topics.TASK_EVENTS + ":0:11"), ids(fresh.events()));
    }

    @Test
    void aLiveFrameIsTheHubsIdLineAndTheEventsFrame() {
        EventHub hub = hub(10);
        Browser a = Browser.open(new EventStreams(hub, noKafka()), null, null);
        StreamedEvent e = event(Topics.TASK_EVENTS, 3, 41);
        hub.publish(e);
        StreamItem.Event got = a.events().get(0);
        assertEquals("id: task-events:3:42\n" + new String(e.frame(), StandardCharsets.UTF_8),
                new String(got.frame(), StandardCharsets.UTF_8));
        assertEquals(Map.of(Topics.TASK_EVENTS + ":3", 42L), StreamCursor.parse(got.cursor()).positions());
    }

    /**
     * A browser connection as SseFrames drives one: it polls its stream when the stream says there is something, and
     * takes no more than it can (a full connection), leaving the rest in the stream's buffer.
     */
    private static final class Browser {

        final List<StreamItem> items = new ArrayList<>();
        /** Polls asked for and not run yet: the connection's event loop, when it is not the publishing thread. */
        final List<Runnable> loop = Collections.synchronizedList(new ArrayList<>());
        private long budget;
        private BrowserStream stream;

        private Browser(long budget) {
            this.budget = budget;
        }

        /** Polls on the thread that publishes, and reads everything at once. */
        static Browser open(EventStreams streams, String taskId, StreamCursor from) {
            return open(streams, taskId, from, Long.MAX_VALUE);
        }

        /** Takes {@code budget} items, then nothing until it {@link #read(long) reads} more. */
        static Browser open(EventStreams streams, String taskId, StreamCursor from, long budget) {
            Browser b = new Browser(budget);
            b.stream = streams.open(taskId, from, b::read);
            b.read();
            return b;
        }

        /** Polls only when its loop {@link #runLoop() runs}. */
        static Browser onLoop(EventStreams streams, String taskId, StreamCursor from) {
            Browser b = new Browser(Long.MAX_VALUE);
            b.stream = streams.open(taskId, from, () -> b.loop.add(b::read));
            b.read();
            return b;
        }

        void read() {
            StreamItem item;
            while (budget > 0 && !ended() && (item = stream.poll()) != null) {
                items.add(item);
                budget--;
            }
        }

        void read(long more) {
            budget += more;
            read();
        }

        void runLoop() {
            while (!loop.isEmpty()) {
                loop.remove(0).run();
            }
        }

        boolean ended() {
            return !items.isEmpty() && items.get(items.size() - 1) instanceof StreamItem.End;
        }

        List<StreamItem.Event> events() {
            List<StreamItem.Event> list = new ArrayList<>();
            items.forEach(i -> {
                if (i instanceof StreamItem.Event e) {
                    list.add(e);
                }
            });
            return list;
        }

        void close() {
            stream.close();
        }
    }

    private static EventHub hub(int buffer) {
        return new EventHub(new EventLog(10_000), buffer, 0);
    }

    private static KafkaHistoryReader noKafka() {
        return new KafkaHistoryReader("unused:1", 100, Duration.ofSeconds(1)) {
            @Override
            public History read(StreamCursor from, StreamCursor to, String taskId) {
                throw new AssertionError("the log holds everything; Kafka must not be read");
            }
        };
    }

    private static List<StreamedEvent> events(String topic, int partition, int count) {
        List<StreamedEvent> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(event(topic, partition, i));
        }
        return list;
    }

    private static StreamedEvent event(String topic, int partition, long offset) {
        return StreamedEvent.of(topic, partition, offset, "task.paused", TASK, Instant.now(),
                JsonNodeFactory.instance.objectNode().put("n", offset));
    }

    private static List<String> ids(List<?> events) {
        return events.stream().map(e -> e instanceof StreamItem.Event i ? i.event().id() : ((StreamedEvent) e).id())
                .toList();
    }
}
