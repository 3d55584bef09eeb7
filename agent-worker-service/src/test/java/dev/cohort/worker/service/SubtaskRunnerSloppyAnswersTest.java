package dev.cohort.worker.service;

import static dev.cohort.worker.service.SubtaskRunnerOutageTest.modelCalls;
import static dev.cohort.worker.service.SubtaskRunnerOutageTest.of;
import static dev.cohort.worker.service.SubtaskRunnerOutageTest.outcome;
import static dev.cohort.worker.service.SubtaskRunnerOutageTest.send;
import static dev.cohort.worker.service.WorkerStubsTestResource.contextStore;
import static dev.cohort.worker.service.WorkerStubsTestResource.orchestrator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentThrottled;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.testsupport.TopicReader;
import dev.cohort.worker.model.SimulatorTestResource;
import dev.cohort.worker.service.ContextStoreStub.WriteFault;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dispatches run by the live worker on a simulated model that answers like a small local one: a sloppy answer a
 * careful reader can read completes the subtask with the right files; a looping one fails it as
 * {@code invalid-output} after the role's attempts, each retry told why, for the orchestrator to retry or escalate.
 */
@QuarkusTest
@WithTestResource(WorkerStubsTestResource.class)
@WithTestResource(SimulatorTestResource.class)
class SubtaskRunnerSloppyAnswersTest {

    private static final List<String> WRITES = List.of("src/main/java/todo/Todo.java",
            "src/main/java/todo/TodoResource.java");

    @BeforeEach
    void reset() {
        SimulatorTestResource.reset();
        contextStore().reset(WriteFault.NONE);
    }

    @Test
    void twoFilesInOneFenceAreStoredAsTwoArtifacts() {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"two-files\"}");
        SubtaskDispatch d = dispatch();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);

        send(d);

        List<AgentEvent> events = outcome(d);
        List<AgentCompleted> completed = of(events, AgentCompleted.class);
        assertEquals(1, completed.size(), "completed: " + events);
        assertEquals(WRITES, completed.get(0).artifacts().stream().map(ArtifactRef::key).toList());
        List<JsonObject> stored = contextStore().stored();
        assertEquals(WRITES, stored.stream().map(w -> w.getString("key")).toList());
        assertTrue(stored.get(0).getString("content").startsWith("package todo;"), stored.get(0).getString("content"));
        assertTrue(stored.stream().noneMatch(w -> w.getString("content").contains("// path:")),
                "the path comments are not part of the files");
        assertEquals(List.of("ok"), modelCalls());
    }

    @Test
    void aModelThatLoopsFailsTheAttemptAsInvalidOutputAfterItsRetries() {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"repeat\", \"tokensPerSecond\": 1000}");
        SubtaskDispatch d = dispatch();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);

        send(d);

        List<AgentFailed> failed = of(outcome(d), AgentFailed.class);
        assertEquals(1, failed.size());
        assertEquals(FailureKind.INVALID_OUTPUT, failed.get(0).failure());
        assertTrue(failed.get(0).reason().startsWith("repetition: "), failed.get(0).reason());
        assertEquals(List.of("client-closed", "client-closed", "client-closed"), modelCalls(),
                "three calls (max-attempts), each stopped early");
        assertEquals(0, contextStore().writeRequests(), "nothing was written");
    }

    @Test
    void aSloppyModelCompletesAfterOneRetryWhenItsFirstAnswerIsCut() {
        // The first answer of a sloppy model is readable (heading paths), the second cut at the limit.
        SimulatorTestResource.model("sim-backend", "{\"style\": \"sloppy\"}");
        SubtaskDispatch first = dispatch();
        SubtaskDispatch second = dispatch();
        orchestrator().subtask(first.taskId(), first.subtaskId(), "dispatched", 1, null);
        orchestrator().subtask(second.taskId(), second.subtaskId(), "dispatched", 1, null);

        send(first);
        assertEquals(1, of(outcome(first), AgentCompleted.class).size());
        send(second);
        List<AgentCompleted> completed = of(outcome(second), AgentCompleted.class);

        assertEquals(1, completed.size());
        assertEquals(WRITES, completed.get(0).artifacts().stream().map(ArtifactRef::key).toList());
        assertEquals(List.of("ok", "length", "ok"), modelCalls());
    }

    @Test
    void aRateLimitedCallIsAnnouncedSoEveryReplicaHoldsBackThatModelAndTheAttemptGoesOn() {
        SimulatorTestResource.fault("{\"model\": \"sim-backend\", \"action\": \"rate-limit\", "
                + "\"retryAfterSeconds\": 1, \"times\": 1}");
        SubtaskDispatch d = dispatch();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);

        send(d);

        assertEquals(1, of(outcome(d), AgentCompleted.class).size(), "the attempt waited and completed");
        List<AgentThrottled> throttled = TopicReader.read(Topics.AGENT_EVENTS,
                        read -> read.stream().anyMatch(r -> d.taskId().equals(r.key())
                                && r.value().contains("agent.throttled")), Duration.ofSeconds(30), Duration.ZERO)
                .stream().filter(r -> d.taskId().equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), AgentEvent.class))
                .filter(AgentThrottled.class::isInstance).map(AgentThrottled.class::cast).toList();
        assertEquals(1, throttled.size());
        AgentThrottled t = throttled.get(0);
        assertEquals(FailureKind.RATE_LIMITED, t.failure());
        assertEquals("sim-backend", t.model().model());
        assertEquals(1L, t.retryAfterSeconds());
        assertEquals(d.leaseToken(), t.leaseToken());
        assertEquals(List.of("fault:rate-limit", "ok"), modelCalls());
    }

    @Test
    void progressCarriesTheTextWrittenSinceTheLastReportInBoundedPieces() {
        SimulatorTestResource.model("sim-backend", "{\"tokensPerSecond\": 60, \"answerTokens\": 150}");
        SubtaskDispatch d = dispatch();
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);

        send(d);

        assertEquals(1, of(outcome(d), AgentCompleted.class).size());
        List<dev.cohort.contracts.event.AgentProgress> progress = TopicReader.read(Topics.AGENT_EVENTS,
                        read -> true, Duration.ofSeconds(5), Duration.ofSeconds(2)).stream()
                .filter(r -> d.taskId().equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), AgentEvent.class))
                .filter(dev.cohort.contracts.event.AgentProgress.class::isInstance)
                .map(dev.cohort.contracts.event.AgentProgress.class::cast)
                .filter(p -> p.phase().equals("generating")).toList();
        assertTrue(progress.size() >= 2, "a call of about 2.5 s reports every 500 ms: " + progress);
        String live = progress.stream().map(p -> p.text() == null ? "" : p.text()).reduce("", String::concat);
        assertTrue(live.contains("package todo;"), "the pieces are the answer's text: " + live);
        assertTrue(progress.stream().allMatch(p -> p.text() == null
                || p.text().length() <= dev.cohort.contracts.event.AgentProgress.TEXT));
    }

    private static SubtaskDispatch dispatch() {
        return new SubtaskDispatch(UUID.randomUUID().toString(), UUID.randomUUID().toString(), 1,
                "lease-" + UUID.randomUUID(), Instant.now().plusSeconds(60), Role.BACKEND, SubtaskKind.WORK,
                "Implement the Todo service", "Implement the endpoints.", "Build a todo REST API", null,
                List.of(), WRITES, List.of(), null, false, null, List.of(), null);
    }
}
