package dev.cohort.orchestrator.domain;

import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import java.util.List;
import java.util.UUID;

/**
 * What a change around one subtask needs to know of the task's other subtasks: key, kind, status and attempt,
 * whether it waits (a retry's back-off or a model's limit), and what it depends on.
 */
public record SubtaskOutline(UUID id, String planKey, SubtaskKind kind, SubtaskStatus status, int attempt,
                             boolean waiting, List<String> dependsOn) {

    /** Planned work: not the lead's own plan and summary. */
    public boolean work() {
        return isWork(kind);
    }

    public boolean finished() {
        return finished(status);
    }

    /** Done, failed, skipped or cancelled: nothing more runs for it. */
    public static boolean finished(SubtaskStatus status) {
        return status == SubtaskStatus.DONE || status == SubtaskStatus.FAILED || status == SubtaskStatus.SKIPPED
                || status == SubtaskStatus.CANCELLED;
    }

    public static boolean isWork(SubtaskKind kind) {
        return kind != SubtaskKind.PLAN && kind != SubtaskKind.SUMMARY;
    }
}
