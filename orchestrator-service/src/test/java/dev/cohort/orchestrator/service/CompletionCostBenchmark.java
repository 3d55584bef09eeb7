package dev.cohort.orchestrator.service;

import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.Usage;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What one completed piece of work costs the orchestrator as tasks grow: the task's graph loaded in full against the
 * part a completion loads ({@link TaskGraphs#withRecordPart}), and whole completions applied, at 30, 100 and 300
 * subtasks (each with instructions and a result of 1,500 characters, as a model's would be). Not part of the build's tests (its name
 * is not a test's); run it against the test database with
 * {@code ./mvnw -o -pl orchestrator-service verify -DskipITs -Dtest=CompletionCostBenchmark}. It prints a table, and
 * one of what a completion that dispatches costs.
 */
@QuarkusTest
class CompletionCostBenchmark {

    static final int[] SIZES = {30, 100, 300};
    static final int WARM_UP_ROUNDS = 3;
    static final int ROUNDS = 8;
    static final int BATCH = 32;

    @Inject
    OrchestrationService orchestration;
    @Inject
    TaskGraphs graphs;
    @Inject
    SubtaskFactory subtaskFactory;
    @Inject
    TaskRepository tasks;
    @Inject
    SubtaskRepository subtasks;
    @Inject
    ModelAdmission admission;

    @Test
    void completionCostBySize() throws Throwable {
        StringBuilder table = new StringBuilder("""

                | subtasks | whole graph loaded, ms | part loaded, ms | completion applied, ms |
                |---|---|---|---|
                """);
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            for (int size : SIZES) {
                measure(size);
            }
        }
        double[][] sums = new double[SIZES.length][3];
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < SIZES.length; i++) {
                double[] figures = measure(SIZES[i]);
                for (int f = 0; f < 3; f++) {
                    sums[i][f] += figures[f] / ROUNDS;
                }
            }
        }
        for (int i = 0; i < SIZES.length; i++) {
            table.append(String.format("| %d | %.2f | %.2f | %.2f |%n", SIZES[i], sums[i][0], sums[i][1], sums[i][2]));
        }
        System.out.println(table);
    }

    /**
     * What a completion costs when it dispatches: each of 20 running subtasks has one pending dependent, and one
     * more has 8 (a plan's fan-out); the dependents' role has a known model, so each dispatch is admitted in the
     * database. Prints the mean ms of a completion that dispatches one, and of one that
     * dispatches 8, with the session's statements sent one by one and in batches of {@link #BATCH}, in alternate
     * rounds so that the machine's drift falls on both alike.
     */
    @Test
    void completionThatDispatches() throws Throwable {
        double[][] sums = new double[2][2];
        for (int round = 0; round < 2 * (WARM_UP_ROUNDS + ROUNDS); round++) {
            int batched = round % 2;
            double[] figures = dispatching(20, 8, batched == 1 ? BATCH : 0);
            if (round >= 2 * WARM_UP_ROUNDS) {
                sums[batched][0] += figures[0] / ROUNDS;
                sums[batched][1] += figures[1] / ROUNDS;
            }
        }
        System.out.printf("%n| completion that dispatches | ms, one by one | ms, batches of %d |%n|---|---|---|%n"
                + "| one dependent | %.2f | %.2f |%n| 8 dependents | %.2f | %.2f |%n", BATCH, sums[0][0], sums[1][0],
                sums[0][1], sums[1][1]);
    }

    private double[] dispatching(int pairs, int fanOut, int batchSize) throws Throwable {
        Task task = CompletionLoadTest.runningTask("completion that dispatches");
        List<Subtask> graph = new ArrayList<>();
        List<Subtask> running = new ArrayList<>();
        for (int i = 0; i <= pairs; i++) {
            Subtask a = subtaskFactory.newSubtask(task, "a-" + i, Role.BACKEND, SubtaskKind.WORK, "a-" + i,
                    "build part " + i + " of the thing. ".repeat(25), List.of());
            CompletionLoadTest.running(a);
            graph.add(a);
            running.add(a);
            for (int d = 0; d < (i == pairs ? fanOut : 1); d++) {
                graph.add(subtaskFactory.newSubtask(task, "b-" + i + "-" + d, Role.FRONTEND, SubtaskKind.WORK,
                        "b-" + i + "-" + d, "build on part " + i + ". ".repeat(25), List.of("a-" + i)));
            }
        }
        // Work nobody finishes, so no completion is the task's last.
        Subtask busy = subtaskFactory.newSubtask(task, "busy", Role.BACKEND, SubtaskKind.WORK, "busy", "keep busy",
                List.of());
        CompletionLoadTest.running(busy);
        graph.add(busy);
        // As on a running stack, where a role's first start names its model: each dispatch is then admitted in the
        // database (ModelAdmission).
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> tasks.persist(task).chain(() -> subtasks.persist(graph))
                        .chain(() -> admission.learn(Role.FRONTEND.id(), false, ScriptedWorker.MODEL))));
        double[] millis = new double[2];
        for (int i = 0; i <= pairs; i++) {
            Subtask done = running.get(i);
            AgentCompleted completed = new AgentCompleted(task.id.toString(), done.id.toString(), done.attempt,
                    done.leaseToken, "agent-1", Role.BACKEND, ScriptedWorker.MODEL,
                    new StructuredSummary("done", List.of("built part " + i), null), List.of(),
                    new Usage(10, 20, null, null), "result ".repeat(215), List.of());
            long t0 = System.nanoTime();
            VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> Panache.getSession()
                    .invoke(session -> session.setBatchSize(batchSize))
                    .chain(() -> orchestration.onAgentEvent(completed))));
            double ms = (System.nanoTime() - t0) / 1e6;
            if (i < pairs) {
                millis[0] += ms / pairs;
            } else {
                millis[1] = ms;
            }
        }
        return millis;
    }

    /** Mean ms: the whole graph loaded, the part a completion loads, a completion applied (all but the last). */
    private double[] measure(int size) throws Throwable {
        Task task = CompletionLoadTest.runningTask("completion cost");
        List<Subtask> graph = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Subtask s = subtaskFactory.newSubtask(task, "w-" + i, Role.BACKEND, SubtaskKind.WORK, "w-" + i,
                    "build part " + i + " of the thing. ".repeat(25), List.of());
            CompletionLoadTest.running(s);
            // Loaded as it will be once done: with its result and summary.
            s.output = "result ".repeat(215);
            s.summaryJson = "{\"status\":\"done\",\"keyPoints\":[\"built part " + i + "\"]}";
            graph.add(s);
        }
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> tasks.persist(task).chain(() -> subtasks.persist(graph))));
        int loads = 20;
        long whole = 0;
        long part = 0;
        for (int i = 0; i < loads; i++) {
            long t0 = System.nanoTime();
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                    () -> graphs.withRecordGraph(task.id, null, g -> Uni.createFrom().voidItem())));
            long t1 = System.nanoTime();
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> graphs.withRecordPart(task.id,
                    null, (t, outline) -> Set.of(graph.get(0).id), g -> Uni.createFrom().voidItem())));
            whole += t1 - t0;
            part += System.nanoTime() - t1;
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < size - 1; i++) {
            Subtask done = graph.get(i);
            AgentCompleted completed = new AgentCompleted(task.id.toString(), done.id.toString(), done.attempt,
                    done.leaseToken, "agent-1", Role.BACKEND, ScriptedWorker.MODEL,
                    new StructuredSummary("done", List.of("built part " + i), null), List.of(),
                    new Usage(10, 20, null, null), "result ".repeat(215), List.of());
            VertxContextSupport.subscribeAndAwait(() -> orchestration.onAgentEvent(completed));
        }
        double applied = (System.nanoTime() - t0) / 1e6 / (size - 1);
        return new double[] {whole / 1e6 / loads, part / 1e6 / loads, applied};
    }
}
