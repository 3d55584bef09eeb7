package dev.cohort.orchestrator.service;

import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** New nodes of a task's graph: the plan's subtasks, and those Cohort adds (plan, summary, answers, merges, fixes). */
@ApplicationScoped
public class SubtaskFactory {

    /** The lead's planning subtask. */
    public static final String PLAN_KEY = "plan";
    /** The lead's summary, added once all work is finished. */
    public static final String SUMMARY_KEY = "summary";

    private final OrchestratorConfig config;

    public SubtaskFactory(OrchestratorConfig config) {
        this.config = config;
    }

    /** A pending subtask with the role's attempt limit; not yet stored. */
    public Subtask newSubtask(Task task, String key, Role role, SubtaskKind kind, String title, String instructions,
                              List<String> dependsOn) {
        Subtask s = new Subtask();
        s.id = UUID.randomUUID();
        s.taskId = task.id;
        s.planKey = key;
        s.role = role.id();
        s.kind = kind.id();
        s.title = title;
        s.instructions = instructions;
        s.dependsOnKeys(dependsOn);
        s.status(SubtaskStatus.PENDING);
        s.maxAttempts = config.maxAttempts(role);
        s.createdAt = Instant.now();
        return s;
    }

    /** A work subtask of an accepted plan, with the keys it reads and writes. */
    public Subtask fromPlan(Task task, PlannedSubtask p) {
        Subtask s = newSubtask(task, p.id(), p.role(), SubtaskKind.WORK, p.title(), p.instructions(), p.dependsOn());
        s.readKeys(p.reads());
        s.writeKeys(p.writes());
        return s;
    }
}
