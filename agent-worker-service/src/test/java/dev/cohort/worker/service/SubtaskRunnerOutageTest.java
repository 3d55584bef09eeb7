package dev.cohort.worker.service;

import static dev.cohort.worker.service.WorkerStubsTestResource.contextStore;
import static dev.cohort.worker.service.WorkerStubsTestResource.orchestrator;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentProgress;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.event.TaskCancelled;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.EmbeddedKafkaBroker;
import dev.cohort.testsupport.TopicReader;
import dev.cohort.testsupport.TopicWriter;
import dev.cohort.worker.context.OrchestratorClient;
import dev.cohort.worker.model.SimulatorTestResource;
import dev.cohort.worker.service.ContextStoreStub.WriteFault;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No work done twice by a live worker: dispatches taken from Kafka by the running worker, with the context store and
 * the orchestrator as stand-ins that fail on cue and the model simulator counting model calls.
 */
@QuarkusTest
@WithTestResource(WorkerStubsTestResource.class)
@WithTestResource(SimulatorTestResource.class)
class SubtaskRunnerOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String KEY = "src/main/java/dev/todo/TodoResource.java";
    private static final String AGENT_ID = WorkerStubsTestResource.WORKER_NAME + "/backend";

    @Inject
    OrchestratorClient orchestratorClient;

    @BeforeEach
    void reset() {
        SimulatorTestResource.reset();
    }

    @Test
    void aContextStoreOutageDuringTheWriteIsWaitedOutWithOneModelCall() {
        contextStore().reset(WriteFault.UNAVAILABLE_THEN_DOWN);
        SubtaskDispatch d = dispatch();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);

        send(d);

        List<AgentEvent> events = outcome(d);
        List<AgentCompleted> completed = of(events, AgentCompleted.class);
        assertEquals(1, completed.size(), "completed once: " + events);
        assertEquals(List.of(KEY), completed.get(0).artifacts().stream().map(ArtifactRef::key).toList());
        assertTrue(of(events, AgentFailed.class).isEmpty(), "the outage did not fail the attempt: " + events);
        assertTrue(contextStore().writeRequests() > 2,
                "the write was tried through the outage: " + contextStore().writeRequests());
        assertEquals(1, contextStore().stored().size());
        assertEquals(List.of("ok"), modelCalls(), "the model was called once");
    }

    @Test
    void aWriteFencedAsAStaleAttemptStopsTheAttemptWithoutRetrying() {
        contextStore().reset(WriteFault.STALE_ATTEMPT);
        SubtaskDispatch d = dispatch();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);

        send(d);

        List<AgentEvent> events = outcome(d);
        List<AgentFailed> failed = of(events, AgentFailed.class);
        assertEquals(1, failed.size(), "failed once: " + events);
        assertEquals(FailureKind.INTERNAL, failed.get(0).failure());
        assertTrue(failed.get(0).reason().contains("stale-attempt"), failed.get(0).reason());
        assertTrue(of(events, AgentCompleted.class).isEmpty());
        assertEquals(1, contextStore().writeRequests(), "a fenced write is not tried again");
        assertEquals(List.of("ok"), modelCalls());
    }

    @Test
    void aDispatchRunningOnAnotherWorkerIsSkippedAndNotDeliveredAgain() {
        contextStore().reset(WriteFault.NONE);
        SubtaskDispatch d = waited();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "running", 1, "another-host/backend");

        send(d);

        await().atMost(WAIT).until(() -> orchestrator().asked(d.taskId()) > 0);
        // A released record would come straight back and be asked about again.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> orchestrator().asked(d.taskId()) == 1);
        assertEquals(List.of(), modelCalls(), "the model was not called");
        assertEquals(0, contextStore().writeRequests());
        assertEquals(List.of(), eventsOf(d, TopicReader.readAll(Topics.AGENT_EVENTS)), "nothing was reported");
    }

    @Test
    void whileTheOrchestratorCannotSayTheWorkerAsksAgainInsteadOfRunningARecordAnotherWorkerRuns() {
        contextStore().reset(WriteFault.NONE);
        SubtaskDispatch d = waited();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "running", 1, "another-host/backend");
        orchestrator().unavailable(d.taskId(), true);

        send(d);

        await().atMost(WAIT).until(() -> orchestrator().asked(d.taskId()) >= 3);
        assertEquals(List.of(), modelCalls(), "nothing runs while the orchestrator cannot say");
        orchestrator().unavailable(d.taskId(), false);
        // Once it can say, the worker hears that another worker runs the attempt, and stops asking.
        int[] asked = {-1};
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            int now = orchestrator().asked(d.taskId());
            boolean settled = now == asked[0];
            asked[0] = now;
            return settled;
        });
        assertEquals(List.of(), modelCalls(), "it runs on another worker: skipped");
        assertEquals(List.of(), eventsOf(d, TopicReader.readAll(Topics.AGENT_EVENTS)), "nothing was reported");
    }

    @Test
    void aDispatchRunningUnderThisWorkersNameRunsAgain() {
        contextStore().reset(WriteFault.NONE);
        SubtaskDispatch d = waited();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "running", 1, AGENT_ID);

        send(d);

        List<AgentEvent> events = outcome(d);
        assertEquals(1, of(events, AgentCompleted.class).size(), "ran and completed: " + events);
        assertEquals(AGENT_ID, of(events, AgentStarted.class).get(0).agentId());
        assertEquals(List.of("ok"), modelCalls());
    }

    @Test
    void aFreshDispatchRunsWithoutAskingTheOrchestrator() {
        contextStore().reset(WriteFault.NONE);
        SubtaskDispatch d = dispatch();
        // Were it asked, the orchestrator would say another worker runs it.
        orchestrator().subtask(d.taskId(), d.subtaskId(), "running", 1, "another-host/backend");

        send(d);

        List<AgentEvent> events = outcome(d);
        assertEquals(1, of(events, AgentCompleted.class).size(), "ran and completed: " + events);
        assertEquals(0, orchestrator().asked(d.taskId()), "a first delivery of a fresh dispatch is not asked about");
        assertEquals(List.of("ok"), modelCalls());
    }

    @Test
    void whatASubtaskReadsBeforeItStartsComesInOneRequest() {
        contextStore().reset(WriteFault.NONE);
        SubtaskDispatch d = dispatch();
        contextStore().seed(d.taskId(), KEY, "class TodoResource {}");

        send(d);

        assertEquals(1, of(outcome(d), AgentCompleted.class).size());
        assertEquals(1, contextStore().latestRequests());
        assertEquals(0, contextStore().keyReads());
        assertEquals(1L, contextStore().stored().get(0).getLong("baseVersion"), "written on the version read");
    }

    @Test
    void aFreshDispatchReportsItsStartWhileItsInputsAreReadAndCallsTheModelOnlyOnceItHasThem() {
        contextStore().reset(WriteFault.NONE);
        contextStore().holdTheNextRead();
        SubtaskDispatch d = dispatch();
        contextStore().seed(d.taskId(), KEY, "class TodoResource {}");

        send(d);

        await().atMost(WAIT).until(() -> contextStore().holding());
        List<ConsumerRecord<String, String>> started = TopicReader.read(Topics.AGENT_EVENTS,
                read -> of(eventsOf(d, read), AgentStarted.class).size() == 1, WAIT, Duration.ZERO);
        assertEquals(1, of(eventsOf(d, started), AgentStarted.class).size(), "started while the read is held");
        assertEquals(List.of(), modelCalls(), "no model call before the inputs are read");
        contextStore().release();

        assertEquals(1, of(outcome(d), AgentCompleted.class).size());
        assertEquals(List.of("ok"), modelCalls());
        assertEquals(1L, contextStore().stored().get(0).getLong("baseVersion"), "written on the version read");
    }

    @Test
    void writingTheArtifactsIsReportedOnlyWhenItTakesAWhileAndNeverAfterTheResult() {
        contextStore().reset(WriteFault.NONE);
        SubtaskDispatch quick = dispatch();

        send(quick);

        List<AgentEvent> quickEvents = everyEventOf(quick);
        assertEquals(1, of(quickEvents, AgentCompleted.class).size(), "completed: " + quickEvents);
        assertEquals(List.of(), writingReports(quickEvents), "a write of a few milliseconds is not reported");

        contextStore().reset(WriteFault.HELD);
        SubtaskDispatch slow = dispatch();
        send(slow);
        await().atMost(WAIT).until(contextStore()::holding);
        TopicReader.read(Topics.AGENT_EVENTS,
                read -> !writingReports(everyEventOf(slow, read)).isEmpty(), WAIT, Duration.ZERO);
        contextStore().release();

        List<AgentEvent> slowEvents = everyEventOf(slow);
        assertEquals(1, writingReports(slowEvents).size(), "a write held for a while is reported: " + slowEvents);
        assertTrue(slowEvents.get(slowEvents.size() - 1) instanceof AgentCompleted,
                "nothing follows the result: " + slowEvents);
        assertEquals(List.of("ok", "ok"), modelCalls());
    }

    @Test
    void aStoreThatPredatesTheOneRequestReadIsReadKeyByKey() {
        contextStore().reset(WriteFault.NONE);
        contextStore().predateLatest();
        SubtaskDispatch d = dispatch();
        contextStore().seed(d.taskId(), KEY, "class TodoResource {}");

        send(d);

        assertEquals(1, of(outcome(d), AgentCompleted.class).size());
        assertEquals(1, contextStore().keyReads());
        assertEquals(1L, contextStore().stored().get(0).getLong("baseVersion"), "written on the version read");
    }

    @Test
    void aDispatchDecidedBeforeItsTaskWasStoppedIsNotRun() throws Exception {
        contextStore().reset(WriteFault.NONE);
        SubtaskDispatch before = dispatch();
        // A slow attempt of the same task shows when the worker has read the cancel: it stops.
        SimulatorTestResource.model("sim-backend", "{\"tokensPerSecond\": 20, \"answerTokens\": 2000}");
        SubtaskDispatch probe = dispatchOf(before.taskId());
        orchestrator().subtask(probe.taskId(), probe.subtaskId(), "dispatched", 1, null);
        send(probe);
        await().atMost(WAIT).until(() -> modelCalls().contains("running"));
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, before.taskId(),
                    EventCodec.encode(new TaskCancelled(before.taskId(), "test", "stop")))).get();
        }
        assertEquals(FailureKind.CANCELLED, of(outcome(probe), AgentFailed.class).get(0).failure());
        SimulatorTestResource.reset();

        orchestrator().subtask(before.taskId(), before.subtaskId(), "dispatched", 1, null);
        send(before);
        SubtaskDispatch after = dispatchOf(before.taskId());
        orchestrator().subtask(after.taskId(), after.subtaskId(), "dispatched", 1, null);
        send(after);

        assertEquals(1, of(outcome(after), AgentCompleted.class).size(), "a dispatch decided after the stop runs");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> eventsOf(before, TopicReader.readAll(Topics.AGENT_EVENTS)).isEmpty());
        assertEquals(List.of("ok"), modelCalls(), "one model call, the later dispatch's");
    }

    @Test
    void onlyTheCurrentAttemptRunsAndNotWhereAnotherAgentRunsIt() {
        SubtaskDispatch d = dispatch();
        String task = d.taskId();
        String subtask = d.subtaskId();

        assertFalse(orchestratorClient.stillCurrent(d, AGENT_ID).runs(), "unknown task");
        orchestrator().subtask(task, subtask, "dispatched", 1, null);
        assertTrue(orchestratorClient.stillCurrent(d, AGENT_ID).runs(), "waiting for a worker");
        orchestrator().subtask(task, subtask, "running", 1, AGENT_ID);
        assertTrue(orchestratorClient.stillCurrent(d, AGENT_ID).runs(), "running under this worker's name");
        orchestrator().subtask(task, subtask, "running", 1, "another-host/backend");
        OrchestratorClient.Verdict elsewhere = orchestratorClient.stillCurrent(d, AGENT_ID);
        assertFalse(elsewhere.runs());
        assertTrue(elsewhere.reason().contains("another-host/backend"), elsewhere.reason());
        orchestrator().subtask(task, subtask, "dispatched", 2, null);
        assertFalse(orchestratorClient.stillCurrent(d, AGENT_ID).runs(), "a newer attempt was dispatched");
        orchestrator().subtask(task, subtask, "done", 1, AGENT_ID);
        assertFalse(orchestratorClient.stillCurrent(d, AGENT_ID).runs(), "already done");
        orchestrator().subtask(task, "another-subtask", "dispatched", 1, null);
        assertFalse(orchestratorClient.stillCurrent(d, AGENT_ID).runs(), "not a subtask of the task");
    }

    @Test
    void aBrokerOutageBeforeTheCompletionIsWaitedOutResendingTheSameEvent() throws Exception {
        EmbeddedKafkaBroker kafka = CohortInfra.embeddedKafka().orElse(null);
        Assumptions.assumeTrue(kafka != null, "stopping the broker needs the embedded one");
        contextStore().reset(WriteFault.HELD);
        SubtaskDispatch d = dispatch();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);

        send(d);
        await().atMost(WAIT).until(contextStore()::holding);
        kafka.stop();
        try {
            contextStore().release();
            // Longer than one send may take (4 s in this test), so the completion is sent more than once.
            Thread.sleep(7000);
        } finally {
            kafka.start();
        }

        List<AgentEvent> events = outcome(d);
        List<AgentCompleted> completed = of(events, AgentCompleted.class);
        assertFalse(completed.isEmpty(), "the completion landed after the outage: " + events);
        Set<String> ids = completed.stream().map(AgentCompleted::eventId).collect(Collectors.toSet());
        assertEquals(1, ids.size(), "every copy is the same event, applied once: " + ids);
        assertTrue(of(events, AgentFailed.class).isEmpty(), "the outage did not fail the attempt: " + events);
        assertEquals(List.of("ok"), modelCalls(), "the model was called once");
    }

    @Test
    void unreadableTaskEventsDoNotStopTheControlStream() {
        contextStore().reset(WriteFault.NONE);
        SimulatorTestResource.model("sim-backend", "{\"tokensPerSecond\": 20, \"answerTokens\": 2000}");
        SubtaskDispatch d = dispatch();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);

        send(d);
        await().atMost(WAIT).until(() -> modelCalls().contains("running"));
        // Each round puts unreadable records before the cancel, which stops the call only if the stream read past them.
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).until(() -> {
            try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
                producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, d.taskId(), "not json"));
                producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, d.taskId(), null));
                producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, d.taskId(),
                        "{\"type\":\"task.cancelled\",\"taskId\":\"" + d.taskId() + "\"}"));
                producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, d.taskId(),
                        EventCodec.encode(new TaskCancelled(d.taskId(), "test", "stop")))).get();
            }
            return !modelCalls().contains("running");
        });

        List<AgentFailed> failed = of(outcome(d), AgentFailed.class);
        assertEquals(1, failed.size());
        assertEquals(FailureKind.CANCELLED, failed.get(0).failure());
    }

    /** A dispatch decided just now, delivered for the first time. */
    private static SubtaskDispatch dispatch() {
        return decidedAt(Instant.now());
    }

    /**
     * A dispatch decided a minute ago (longer than cohort.worker.fresh-dispatch): one that waited in the queue, or a
     * record delivered again after its first worker died. The worker asks the orchestrator about it before it runs.
     */
    private static SubtaskDispatch waited() {
        return decidedAt(Instant.now().minusSeconds(60));
    }

    /** Another fresh dispatch of the same task. */
    private static SubtaskDispatch dispatchOf(String taskId) {
        return decidedAt(taskId, Instant.now());
    }

    private static SubtaskDispatch decidedAt(Instant occurredAt) {
        return decidedAt(UUID.randomUUID().toString(), occurredAt);
    }

    private static SubtaskDispatch decidedAt(String taskId, Instant occurredAt) {
        return new SubtaskDispatch(UUID.randomUUID().toString(), taskId, occurredAt, 0,
                UUID.randomUUID().toString(), 1, "lease-" + UUID.randomUUID(), occurredAt.plusSeconds(300),
                Role.BACKEND, SubtaskKind.WORK, "Implement the Todo service", "Implement the endpoints.", "Todo API",
                "Build a todo REST API", List.of(), List.of(KEY), List.of(), null, false, null, List.of(), null);
    }

    static void send(SubtaskDispatch d) {
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.dispatch(d.role()), d.subtaskId(), EventCodec.encode(d)))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send the dispatch", e);
        }
    }

    /** The attempt's events once it completed or failed, and any that follow within a second. */
    static List<AgentEvent> outcome(SubtaskDispatch d) {
        return everyEventOf(d).stream().filter(SubtaskRunnerOutageTest::startOrOutcome).toList();
    }

    /** The start, result and failure events of the attempt's subtask among {@code records}. */
    private static List<AgentEvent> eventsOf(SubtaskDispatch d, List<ConsumerRecord<String, String>> records) {
        return everyEventOf(d, records).stream().filter(SubtaskRunnerOutageTest::startOrOutcome).toList();
    }

    /** Every event of the attempt's subtask among {@code records}, progress included, in partition order. */
    private static List<AgentEvent> everyEventOf(SubtaskDispatch d, List<ConsumerRecord<String, String>> records) {
        return records.stream().filter(r -> d.taskId().equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), AgentEvent.class))
                .filter(e -> d.subtaskId().equals(e.subtaskId()))
                .toList();
    }

    /** Every event of the attempt, progress included, once it completed or failed and a second more has passed. */
    private static List<AgentEvent> everyEventOf(SubtaskDispatch d) {
        return everyEventOf(d, TopicReader.read(Topics.AGENT_EVENTS,
                read -> everyEventOf(d, read).stream()
                        .anyMatch(e -> e instanceof AgentCompleted || e instanceof AgentFailed),
                WAIT, Duration.ofSeconds(1)));
    }

    private static boolean startOrOutcome(AgentEvent e) {
        return e instanceof AgentStarted || e instanceof AgentCompleted || e instanceof AgentFailed;
    }

    private static List<AgentProgress> writingReports(List<AgentEvent> events) {
        return of(events, AgentProgress.class).stream().filter(p -> "writing artifacts".equals(p.phase())).toList();
    }

    static <T extends AgentEvent> List<T> of(List<AgentEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The outcome of every call the simulator got since the last reset. */
    static List<String> modelCalls() {
        return given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then().statusCode(200)
                .extract().jsonPath().getList("outcome");
    }
}
