package dev.cohort.dashboard.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cohort.contracts.Topics;
import dev.cohort.dashboard.messaging.KafkaHistoryReader;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

        AssertSubscriber<StreamItem> browser = onFirst.open(null, new StreamCursor())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
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

        List<StreamItem.Event> seen = eventsOf(browser.getItems());
        assertEquals(7, seen.size());
        browser.cancel();
        // Instance one dies; the browser reconnects to instance two with the id of the last event it got.
        String lastEventId = seen.get(seen.size() - 1).cursor();
        AssertSubscriber<StreamItem> resumed = onSecond.open(null, StreamCursor.parse(lastEventId))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        seen.addAll(eventsOf(resumed.getItems()));

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
        StreamItem.Event last = (StreamItem.Event) resumed.getItems().get(resumed.getItems().size() - 1);
        assertEquals(later.id(), last.event().id());
        assertEquals("agent-events:0:6,agent-messages:1:6,task-events:0:7", last.cursor());
    }

    @Test
    void bothInstancesServeEveryEventToTheirOwnBrowsers() {
        EventHub first = hub(1000);
        EventHub second = hub(1000);
        AssertSubscriber<StreamItem> a = new EventStreams(first, noKafka()).open(null, null)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        AssertSubscriber<StreamItem> b = new EventStreams(second, noKafka()).open(null, null)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        List<StreamedEvent> all = events(Topics.TASK_EVENTS, 0, 5);
        all.forEach(first::publish);
        all.forEach(second::publish);
        assertEquals(5, eventsOf(a.getItems()).size());
        assertEquals(5, eventsOf(b.getItems()).size());
        assertEquals(eventsOf(a.getItems()).get(4).cursor(), eventsOf(b.getItems()).get(4).cursor(),
                "the same position has the same id on every instance");
    }

    @Test
    void aSlowBrowserIsDroppedWithAResumePointWhileAFastOneGetsEverything() {
        EventHub hub = hub(10);
        EventStreams streams = new EventStreams(hub, noKafka());
        AssertSubscriber<StreamItem> slow = streams.open(null, null)
                .subscribe().withSubscriber(AssertSubscriber.create(3));
        AssertSubscriber<StreamItem> fast = streams.open(null, null)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        List<StreamedEvent> all = events(Topics.AGENT_EVENTS, 0, 50);
        all.forEach(hub::publish);

        assertEquals(50, eventsOf(fast.getItems()).size());
        assertEquals(1, hub.subscriberCount(), "the slow browser no longer holds a buffer");
        slow.request(100);
        List<StreamItem> got = slow.getItems();
        assertInstanceOf(StreamItem.End.class, got.get(got.size() - 1));
        slow.assertCompleted();
        // Resuming from its last event gives exactly the rest.
        List<StreamItem.Event> before = eventsOf(got);
        AssertSubscriber<StreamItem> again = streams.open(null,
                        StreamCursor.parse(before.get(before.size() - 1).cursor()))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        assertEquals(50, before.size() + eventsOf(again.getItems()).size());
        assertEquals(all.get(before.size()).id(), eventsOf(again.getItems()).get(0).event().id());
    }

    @Test
    void withAnExecutorTheHubOnlyQueuesAndEachBrowserGetsItsEventsInOrderOnItsOwnThread() {
        EventHub hub = hub(10);
        EventStreams streams = new EventStreams(hub, noKafka());
        List<Runnable> loopA = new ArrayList<>();
        List<Runnable> loopB = new ArrayList<>();
        AssertSubscriber<StreamItem> a = streams.open(null, null, loopA::add)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        AssertSubscriber<StreamItem> b = streams.open(null, null, loopB::add)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        List<StreamedEvent> first = events(Topics.AGENT_EVENTS, 0, 8);
        first.forEach(hub::publish);

        assertEquals(0, a.getItems().size(), "nothing is handed over on the publishing thread");
        assertEquals(1, loopA.size(), "one hand-over for everything queued meanwhile");
        loopA.remove(0).run();
        assertEquals(first.stream().map(StreamedEvent::id).toList(),
                eventsOf(a.getItems()).stream().map(e -> e.event().id()).toList());

        // Browser B's loop does not run: once more events wait for it than its buffer holds, it is dropped (it gets
        // what was queued, then the end of its stream), and A goes on getting everything.
        List<StreamedEvent> second = events(Topics.AGENT_EVENTS, 8, 8);
        second.forEach(hub::publish);
        assertEquals(1, hub.subscriberCount(), "the stalled browser no longer holds a buffer");
        loopA.forEach(Runnable::run);
        assertEquals(16, eventsOf(a.getItems()).size());
        loopB.forEach(Runnable::run);
        List<StreamItem> gotB = b.getItems();
        assertInstanceOf(StreamItem.End.class, gotB.get(gotB.size() - 1));
        List<String> expectedB = new ArrayList<>(first.stream().map(StreamedEvent::id).toList());
        expectedB.addAll(second.subList(0, 2).stream().map(StreamedEvent::id).toList());
        assertEquals(expectedB, eventsOf(gotB).stream().map(e -> e.event().id()).toList());
    }

    @Test
    void aTaskStreamCarriesOnlyThatTasksEvents() {
        EventHub hub = hub(1000);
        AssertSubscriber<StreamItem> one = new EventStreams(hub, noKafka()).open(TASK, new StreamCursor())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        hub.publish(event(Topics.TASK_EVENTS, 0, 0));
        hub.publish(new StreamedEvent(Topics.TASK_EVENTS + ":0:1", Topics.TASK_EVENTS, "task.paused", "other",
                Instant.now(), JsonNodeFactory.instance.objectNode()));
        hub.publish(event(Topics.TASK_EVENTS, 0, 2));
        assertEquals(List.of(Topics.TASK_EVENTS + ":0:0", Topics.TASK_EVENTS + ":0:2"),
                eventsOf(one.getItems()).stream().map(e -> e.event().id()).toList());
    }

    @Test
    void whenTheLogNoLongerReachesBackTheHistoryComesFromKafka() {
        EventHub hub = new EventHub(new EventLog(3), 100, 0);
        List<StreamedEvent> all = events(Topics.TASK_EVENTS, 0, 10);
        all.forEach(hub::publish);
        List<StreamCursor> asked = new ArrayList<>();
        KafkaHistoryReader kafka = new KafkaHistoryReader("unused:1", 100, Duration.ofSeconds(1)) {
            @Override
            public History read(StreamCursor from, StreamCursor to, String taskId) {
                asked.add(from);
                return new History(all.subList((int) from.next(Topics.TASK_EVENTS, 0),
                        (int) to.next(Topics.TASK_EVENTS, 0)), true);
            }
        };
        AssertSubscriber<StreamItem> s = new EventStreams(hub, kafka).open(null, StreamCursor.parse("task-events:0:2"))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        s.awaitItems(8, Duration.ofSeconds(10));
        assertEquals(1, asked.size());
        assertEquals(all.subList(2, 10).stream().map(StreamedEvent::id).toList(),
                eventsOf(s.getItems()).stream().map(e -> e.event().id()).toList());
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
        AssertSubscriber<StreamItem> whole = streams.open(TASK, new StreamCursor())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        assertEquals(List.of(Topics.TASK_EVENTS + ":0:10", Topics.AGENT_EVENTS + ":0:0"),
                eventsOf(whole.getItems()).stream().map(e -> e.event().id()).toList());

        // A task nothing was read of yet starts at the current position and gets its events live.
        AssertSubscriber<StreamItem> fresh = streams.open("new", new StreamCursor())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        hub.publish(StreamedEvent.of(Topics.TASK_EVENTS, 0, 11, "task.submitted", "new", Instant.now(),
                JsonNodeFactory.instance.objectNode()));
        assertEquals(List.of(Topics.TASK_EVENTS + ":0:11"),
                eventsOf(fresh.getItems()).stream().map(e -> e.event().id()).toList());
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

    private static List<StreamItem.Event> eventsOf(List<StreamItem> items) {
        List<StreamItem.Event> list = new ArrayList<>();
        items.forEach(i -> {
            if (i instanceof StreamItem.Event e) {
                list.add(e);
            }
        });
        return list;
    }
}
