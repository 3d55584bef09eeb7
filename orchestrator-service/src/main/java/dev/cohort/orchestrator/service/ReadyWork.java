package dev.cohort.orchestrator.service;

import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What a running task does next after any change to its graph: dispatch every subtask whose dependencies are done,
 * and once all work is finished, add and dispatch the lead's summary. Called inside the change's transaction.
 */
@ApplicationScoped
public class ReadyWork {

    private final SubtaskFactory factory;
    private final SubtaskRepository subtasks;
    private final Dispatcher dispatcher;

    public ReadyWork(SubtaskFactory factory, SubtaskRepository subtasks, Dispatcher dispatcher) {
        this.factory = factory;
        this.subtasks = subtasks;
        this.dispatcher = dispatcher;
    }

    /** Dispatches every subtask that became ready; once all work is done, the lead's summary. */
    public Uni<Void> dispatchReady(TaskGraph graph) {
        Task task = graph.task();
        if (task.statusValue() != TaskStatus.RUNNING) {
            return Uni.createFrom().voidItem();
        }
        if (graph.allWorkFinished() && graph.byKey(SubtaskFactory.SUMMARY_KEY).isEmpty()) {
            List<String> all = graph.work().stream().map(s -> s.planKey).toList();
            List<String> notRun = graph.work().stream().filter(s -> s.statusValue() != SubtaskStatus.DONE)
                    .map(s -> s.planKey + " (" + s.title + ")").toList();
            Subtask summary = factory.newSubtask(task, SubtaskFactory.SUMMARY_KEY, Role.LEAD, SubtaskKind.SUMMARY,
                    "Summarise the result", "Summarise what the team built for this task, for the person who "
                            + "asked: what exists, how to run it, what is left to do." + (notRun.isEmpty() ? ""
                            : " These subtasks were stopped and did not finish: " + String.join(", ", notRun) + "."),
                    all);
            graph.add(summary);
            return subtasks.persist(summary).chain(() -> dispatcher.dispatch(graph, summary, "all work done"));
        }
        // What the change made ready is dispatched as one admission round: written together when the change ends.
        ModelAdmission.Round round = new ModelAdmission.Round();
        return Multi.createFrom().iterable(graph.ready())
                .onItem().transformToUniAndConcatenate(s -> dispatcher.dispatch(graph, s, "dependencies done", round))
                .collect().last().replaceWithVoid();
    }
}
