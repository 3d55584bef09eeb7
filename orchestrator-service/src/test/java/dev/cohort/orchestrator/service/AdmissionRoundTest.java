package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

/**
 * The subtasks one change makes ready are admitted as one round (ModelAdmission.Round): each model is read once, and
 * what the round admits is counted on top of what it read. %test: at most 2 attempts at a time on
 * ollama/admission-pair; ollama/admission-free has no limit (its query still looks for a pause).
 */
@QuarkusTest
class AdmissionRoundTest {

    @Inject
    Mutiny.SessionFactory factory;
    @Inject
    SubtaskFactory subtaskFactory;
    @Inject
    TaskRepository tasks;
    @Inject
    SubtaskRepository subtasks;
    @Inject
    ReadyWork ready;

    @Test
    void aModelReadOnceAdmitsUpToItsLimitCountingTheRoundsOwnDispatches() throws Throwable {
        Task task = CompletionLoadTest.runningTask("admission round");
        List<Subtask> graph = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            graph.add(onModel(task, "pair-" + i, "admission-pair"));
        }
        graph.add(onModel(task, "free", "admission-free"));
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> tasks.persist(task).chain(() -> subtasks.persist(graph))));
        long queries = modelQueries();

        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> tasks.findById(task.id)
                .flatMap(t -> subtasks.list("taskId", task.id)
                        .flatMap(all -> ready.dispatchReady(new TaskGraph(t, all))))));

        assertEquals(2, modelQueries() - queries, "one query for each model, not for each decision");
        Map<String, Subtask> after = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                () -> subtasks.list("taskId", task.id))).stream().collect(Collectors.toMap(s -> s.planKey, s -> s));
        List<Subtask> pair = after.values().stream().filter(s -> "admission-pair".equals(s.requestedModel)).toList();
        List<Subtask> waiting = pair.stream().filter(s -> "pending".equals(s.status)).toList();
        assertEquals(2, pair.stream().filter(s -> "dispatched".equals(s.status)).count(),
                "as many as the model's limit: " + pair.stream().map(s -> s.planKey + "=" + s.status).toList());
        assertEquals(1, waiting.size());
        assertTrue(waiting.get(0).waitingFor.startsWith("ollama/admission-pair: 2 of 2 in flight"),
                waiting.get(0).waitingFor);
        assertEquals("dispatched", after.get("free").status, "another model in the same round");
    }

    private Subtask onModel(Task task, String key, String model) {
        Subtask s = subtaskFactory.newSubtask(task, key, Role.OPTIMIZER, SubtaskKind.WORK, key, "tune " + key,
                List.of());
        s.requestedProvider = "ollama";
        s.requestedModel = model;
        return s;
    }

    private long modelQueries() {
        var statistics = factory.getStatistics();
        return Arrays.stream(statistics.getQueries()).filter(q -> q.startsWith(ModelAdmission.ADMISSION_QUERY_START))
                .mapToLong(q -> statistics.getQueryStatistics(q).getExecutionCount()).sum();
    }
}
