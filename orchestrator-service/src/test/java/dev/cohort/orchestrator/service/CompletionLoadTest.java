package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.contracts.model.Usage;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

/**
 * A piece of work completing in a large task loads that subtask and what it makes ready, not the task's whole graph
 * (%test turns on Hibernate's statistics, which count the subtasks loaded).
 */
@QuarkusTest
class CompletionLoadTest {

    static final int OTHERS = 60;

    @Inject
    Mutiny.SessionFactory factory;
    @Inject
    OrchestrationService orchestration;
    @Inject
    SubtaskFactory subtaskFactory;
    @Inject
    TaskRepository tasks;
    @Inject
    SubtaskRepository subtasks;

    @Test
    void aCompletionInALargeTaskLoadsOnlyWhatItChanges() throws Throwable {
        Task task = runningTask("a completion in a large task");
        List<Subtask> graph = new ArrayList<>();
        Subtask done = work(task, "done", SubtaskStatus.RUNNING, List.of());
        Subtask busy = work(task, "busy", SubtaskStatus.RUNNING, List.of());
        graph.add(done);
        graph.add(busy);
        graph.add(work(task, "next", SubtaskStatus.PENDING, List.of("done")));
        graph.add(work(task, "join", SubtaskStatus.PENDING, List.of("done", "busy")));
        store(task, graph);

        long loadedBefore = loads();
        VertxContextSupport.subscribeAndAwait(() -> orchestration.onAgentEvent(completed(task, done)));
        long loaded = loads() - loadedBefore;

        Map<String, Subtask> after = byKey(task);
        assertEquals(SubtaskStatus.DONE.id(), after.get("done").status);
        assertEquals(SubtaskStatus.DISPATCHED.id(), after.get("next").status, "its only dependency is done");
        assertEquals(SubtaskStatus.PENDING.id(), after.get("join").status, "it waits for 'busy' too");
        assertEquals(SubtaskStatus.PENDING.id(), after.get("other-0").status);
        // 'done' and 'next'; the whole graph would be 64. Other tests' sweeps may load a few of their own.
        assertTrue(loaded < OTHERS / 2, "subtasks loaded for one completion: " + loaded);
    }

    @Test
    void completionsThatMeetAtAJoinAreAppliedTogetherOnceLoadingOnlyWhatTheyChange() throws Throwable {
        Task task = runningTask("completions applied together");
        List<Subtask> graph = new ArrayList<>();
        Subtask left = work(task, "left", SubtaskStatus.RUNNING, List.of());
        Subtask right = work(task, "right", SubtaskStatus.DISPATCHED, List.of());
        right.attempt = 1;
        right.leaseToken = UUID.randomUUID().toString();
        graph.add(left);
        graph.add(right);
        graph.add(work(task, "busy", SubtaskStatus.RUNNING, List.of()));
        graph.add(work(task, "join", SubtaskStatus.PENDING, List.of("left", "right")));
        store(task, graph);
        List<AgentEvent> together = List.of(
                new AgentStarted(task.id.toString(), right.id.toString(), 1, right.leaseToken, "agent-2", Role.BACKEND,
                        ScriptedWorker.MODEL),
                completed(task, left), completed(task, right));

        long loadedBefore = loads();
        VertxContextSupport.subscribeAndAwait(() -> orchestration.onAgentEvents(together));
        long loaded = loads() - loadedBefore;

        Map<String, Subtask> after = byKey(task);
        assertEquals(SubtaskStatus.DONE.id(), after.get("left").status);
        assertEquals(SubtaskStatus.DONE.id(), after.get("right").status, "started, then done, in one go");
        assertEquals(SubtaskStatus.DISPATCHED.id(), after.get("join").status, "both its dependencies are done");
        assertEquals(1, after.get("join").attempt);
        assertEquals(SubtaskStatus.PENDING.id(), after.get("other-0").status);
        assertTrue(loaded < OTHERS / 2, "subtasks loaded for the three reports: " + loaded);

        // The same records again (a redelivery after a crash before the commit of the offsets) change nothing.
        VertxContextSupport.subscribeAndAwait(() -> orchestration.onAgentEvents(together));
        assertEquals(1, byKey(task).get("join").attempt, "the join was dispatched once");
    }

    @Test
    void reportsAppliedTogetherTakeEffectTogetherOrNotAtAll() throws Throwable {
        Task task = runningTask("reports applied together, one of them wrong");
        Subtask left = work(task, "left", SubtaskStatus.RUNNING, List.of());
        Subtask busy = work(task, "busy", SubtaskStatus.RUNNING, List.of());
        Subtask next = work(task, "next", SubtaskStatus.PENDING, List.of("left"));
        VertxContextSupport.subscribeAndAwait(() -> persist(task, List.of(left, busy, next)));
        AgentEvent unknown = new AgentStarted(task.id.toString(), UUID.randomUUID().toString(), 1,
                UUID.randomUUID().toString(), "agent-3",
                Role.BACKEND, ScriptedWorker.MODEL);

        Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
                () -> VertxContextSupport.subscribeAndAwait(() -> orchestration.onAgentEvents(
                        List.of(completed(task, left), unknown))));
        assertTrue(failure.getMessage().contains("has no subtask"), failure.getMessage());

        Map<String, Subtask> after = byKey(task);
        assertEquals(SubtaskStatus.RUNNING.id(), after.get("left").status, "the completion was rolled back with it");
        assertEquals(SubtaskStatus.PENDING.id(), after.get("next").status);
        // Applied one at a time (what the consumer does next), the completion takes effect.
        VertxContextSupport.subscribeAndAwait(() -> orchestration.onAgentEvents(List.of(completed(task, left))));
        assertEquals(SubtaskStatus.DISPATCHED.id(), byKey(task).get("next").status);
    }

    /** Stores the task with {@code graph} and {@link #OTHERS} pending subtasks that wait for 'busy'. */
    private void store(Task task, List<Subtask> graph) throws Throwable {
        for (int i = 0; i < OTHERS; i++) {
            graph.add(work(task, "other-" + i, SubtaskStatus.PENDING, List.of("busy")));
        }
        VertxContextSupport.subscribeAndAwait(() -> persist(task, graph));
    }

    private io.smallrye.mutiny.Uni<List<Subtask>> persist(Task task, List<Subtask> graph) {
        return Panache.withTransaction(() -> tasks.persist(task).chain(() -> subtasks.persist(graph))
                .replaceWith(graph));
    }

    private static AgentCompleted completed(Task task, Subtask subtask) {
        return new AgentCompleted(task.id.toString(), subtask.id.toString(), subtask.attempt, subtask.leaseToken,
                "agent-1", Role.BACKEND, ScriptedWorker.MODEL, new StructuredSummary("done", List.of("built"), null),
                List.of(), new Usage(10, 20, null, null), "built " + subtask.planKey, List.of());
    }

    private Map<String, Subtask> byKey(Task task) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> subtasks.byTask(task.id)))
                .stream().collect(Collectors.toMap(s -> s.planKey, s -> s));
    }

    private Subtask work(Task task, String key, SubtaskStatus status, List<String> dependsOn) {
        Subtask s = subtaskFactory.newSubtask(task, key, Role.BACKEND, SubtaskKind.WORK, key, "build " + key,
                dependsOn);
        if (status == SubtaskStatus.RUNNING) {
            running(s);
        } else {
            s.status(status);
        }
        return s;
    }

    /** A running task, not stored yet. */
    static Task runningTask(String description) {
        Task task = new Task();
        task.id = UUID.randomUUID();
        task.title = "wide";
        task.description = description;
        task.approvalMode = ApprovalMode.AUTO.id();
        task.status = TaskStatus.RUNNING.id();
        task.createdAt = Instant.now();
        task.updatedAt = task.createdAt;
        return task;
    }

    /** The subtask's first attempt, running, with a lease. */
    static void running(Subtask s) {
        s.status(SubtaskStatus.RUNNING);
        s.attempt = 1;
        s.leaseToken = UUID.randomUUID().toString();
        s.leaseExpiresAt = Instant.now().plusSeconds(600);
    }

    private long loads() {
        return factory.getStatistics().getEntityStatistics(Subtask.class.getName()).getLoadCount();
    }
}
