package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.SubtaskOutline;
import dev.cohort.orchestrator.domain.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a completed piece of work loads of its task's graph, and what a part of a graph answers. */
class TaskGraphTest {

    private final Map<String, Subtask> subtasks = new LinkedHashMap<>();

    @Test
    void aCompletionLoadsItselfWhatItMakesReadyAndTheirDependencies() {
        add("plan", SubtaskKind.PLAN, SubtaskStatus.DONE);
        add("a", SubtaskKind.WORK, SubtaskStatus.RUNNING);
        add("b", SubtaskKind.WORK, SubtaskStatus.DONE);
        add("c", SubtaskKind.WORK, SubtaskStatus.PENDING, "a", "b");   // ready once a is done
        add("d", SubtaskKind.WORK, SubtaskStatus.PENDING, "a", "e");   // e is not done: stays
        add("e", SubtaskKind.WORK, SubtaskStatus.RUNNING);
        add("f", SubtaskKind.WORK, SubtaskStatus.PENDING, "e");        // not a's dependent
        Subtask waiting = add("g", SubtaskKind.WORK, SubtaskStatus.PENDING, "a");
        waiting.retryAt = java.time.Instant.now();                     // held back: the sweep dispatches it

        Set<UUID> part = TaskGraph.aroundCompletion(outline(), id("a"), 1);

        assertEquals(Set.of("a", "b", "c"), keys(part));
    }

    @Test
    void completionsAppliedTogetherLoadWhatTheyMakeReadyTogether() {
        add("plan", SubtaskKind.PLAN, SubtaskStatus.DONE);
        add("a", SubtaskKind.WORK, SubtaskStatus.RUNNING);
        add("e", SubtaskKind.WORK, SubtaskStatus.DISPATCHED);
        add("d", SubtaskKind.WORK, SubtaskStatus.PENDING, "a", "e");   // a join: ready only with both done
        add("f", SubtaskKind.WORK, SubtaskStatus.PENDING, "e");
        add("h", SubtaskKind.WORK, SubtaskStatus.RUNNING);             // still running afterwards

        assertEquals(Set.of("a"), keys(TaskGraph.aroundCompletions(outline(), Map.of(id("a"), 1))));
        assertEquals(Set.of("a", "e", "d", "f"),
                keys(TaskGraph.aroundCompletions(outline(), Map.of(id("a"), 1, id("e"), 1))));
        assertNull(TaskGraph.aroundCompletions(outline(), Map.of(id("a"), 1, id("e"), 1, id("h"), 1, id("d"), 1)),
                "one of them is not in flight");
        assertNull(TaskGraph.aroundCompletions(outline(), Map.of(id("a"), 1, id("e"), 2)), "another attempt's result");

        subtasks.remove("d");
        subtasks.remove("f");
        assertNull(TaskGraph.aroundCompletions(outline(), Map.of(id("a"), 1, id("e"), 1, id("h"), 1)),
                "together the last work: the summary comes next");
    }

    @Test
    void theLastUnfinishedWorkOrAStaleOrUnknownResultNeedsTheWholeGraph() {
        add("plan", SubtaskKind.PLAN, SubtaskStatus.DONE);
        add("a", SubtaskKind.WORK, SubtaskStatus.RUNNING);
        add("b", SubtaskKind.WORK, SubtaskStatus.DONE, "a");
        assertNull(TaskGraph.aroundCompletion(outline(), id("a"), 1), "the summary comes next");

        add("c", SubtaskKind.WORK, SubtaskStatus.RUNNING);
        assertEquals(Set.of("a"), keys(TaskGraph.aroundCompletion(outline(), id("a"), 1)));
        assertNull(TaskGraph.aroundCompletion(outline(), id("a"), 2), "another attempt's result");
        assertNull(TaskGraph.aroundCompletion(outline(), id("b"), 1), "a subtask no longer in flight");
        assertNull(TaskGraph.aroundCompletion(outline(), id("plan"), 1), "the lead's plan");
        assertNull(TaskGraph.aroundCompletion(outline(), UUID.randomUUID(), 1), "no such subtask");
    }

    @Test
    void aPartAnswersFromItsOutlineAndRefusesQuestionsAboutTheWhole() {
        add("a", SubtaskKind.WORK, SubtaskStatus.RUNNING);
        add("b", SubtaskKind.WORK, SubtaskStatus.DONE);
        add("c", SubtaskKind.WORK, SubtaskStatus.PENDING, "a", "b");
        add("d", SubtaskKind.WORK, SubtaskStatus.PENDING, "c");
        List<SubtaskOutline> outline = outline();
        TaskGraph part = TaskGraph.part(task(), List.of(subtasks.get("a"), subtasks.get("c")), outline);

        assertTrue(part.ready().isEmpty(), "c waits for a");
        subtasks.get("a").status(SubtaskStatus.DONE);
        assertEquals(List.of(subtasks.get("c")), part.ready(), "b is done by the outline, a as loaded");
        assertFalse(part.allWorkFinished(), "c and d are not finished");
        assertThrows(IllegalStateException.class, part::work);
        assertThrows(IllegalStateException.class, part::subtasks);
        assertThrows(IllegalStateException.class, () -> part.dependents(subtasks.get("a")));
        assertThrows(IllegalStateException.class, () -> part.byKey("b"), "b exists but was not loaded");
        assertThrows(IllegalStateException.class, () -> part.dependencies(subtasks.get("c")));
        assertTrue(part.byKey("x").isEmpty(), "no such subtask in the task");
    }

    @Test
    void aPartWithEveryOtherSubtaskFinishedByItsOutlineHasAllWorkFinished() {
        add("plan", SubtaskKind.PLAN, SubtaskStatus.RUNNING);
        add("a", SubtaskKind.WORK, SubtaskStatus.DONE);
        add("b", SubtaskKind.WORK, SubtaskStatus.SKIPPED);
        add("c", SubtaskKind.WORK, SubtaskStatus.RUNNING);
        TaskGraph part = TaskGraph.part(task(), List.of(subtasks.get("c")), outline());
        assertFalse(part.allWorkFinished());
        subtasks.get("c").status(SubtaskStatus.DONE);
        assertTrue(part.allWorkFinished(), "the plan is not work; a and b are finished");
    }

    private Subtask add(String key, SubtaskKind kind, SubtaskStatus status, String... dependsOn) {
        Subtask s = new Subtask();
        s.id = UUID.randomUUID();
        s.planKey = key;
        s.kind = kind.id();
        s.status = status.id();
        s.attempt = status == SubtaskStatus.PENDING ? 0 : 1;
        s.dependsOnKeys(List.of(dependsOn));
        subtasks.put(key, s);
        return s;
    }

    private List<SubtaskOutline> outline() {
        List<SubtaskOutline> outline = new ArrayList<>();
        for (Subtask s : subtasks.values()) {
            outline.add(new SubtaskOutline(s.id, s.planKey, s.kindValue(), s.statusValue(), s.attempt,
                    s.retryAt != null, s.dependsOnKeys()));
        }
        return outline;
    }

    private UUID id(String key) {
        return subtasks.get(key).id;
    }

    private Set<String> keys(Set<UUID> ids) {
        return subtasks.values().stream().filter(s -> ids.contains(s.id)).map(s -> s.planKey)
                .collect(Collectors.toSet());
    }

    private static Task task() {
        Task task = new Task();
        task.id = UUID.randomUUID();
        return task;
    }
}
