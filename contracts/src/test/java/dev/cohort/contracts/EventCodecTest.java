package dev.cohort.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEscalated;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentHeartbeat;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.AgentProgress;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.AgentThrottled;
import dev.cohort.contracts.event.AgentToolCalled;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.ArtifactPublished;
import dev.cohort.contracts.event.ArtifactResolved;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskApproved;
import dev.cohort.contracts.event.TaskAwaitingApproval;
import dev.cohort.contracts.event.TaskCancelled;
import dev.cohort.contracts.event.TaskCompleted;
import dev.cohort.contracts.event.TaskEvent;
import dev.cohort.contracts.event.TaskFailed;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.contracts.event.TaskPlanned;
import dev.cohort.contracts.event.TaskRejected;
import dev.cohort.contracts.event.TaskResumed;
import dev.cohort.contracts.event.TaskSubmitted;
import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.ConflictRef;
import dev.cohort.contracts.model.CostSource;
import dev.cohort.contracts.model.Estimate;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.UpstreamSummary;
import dev.cohort.contracts.model.Usage;
import dev.cohort.contracts.model.Verification;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    static final String TASK = "task-1";
    static final ModelRef LOCAL = new ModelRef(Provider.OLLAMA, "qwen2.5-coder:7b");
    static final ModelRef CLOUD = new ModelRef(Provider.OPENROUTER, "qwen/qwen3.5-plus");
    static final StructuredSummary SUMMARY = new StructuredSummary("done", List.of("REST API in place"), "add paging");
    static final List<PlannedSubtask> PLAN = List.of(
            new PlannedSubtask("design", Role.ARCHITECT, "Design", "Write the API", List.of(), List.of(), List.of("api/openapi.yaml")),
            new PlannedSubtask("api", Role.BACKEND, "Build API", "Implement it", List.of("design"), List.of("api/openapi.yaml"), List.of()));

    static Stream<CohortEvent> everyEventType() {
        Usage usage = new Usage(120, 480, new BigDecimal("0.0012"), CostSource.PROVIDER);
        return Stream.of(
                new TaskSubmitted(TASK, "Todo API", "Build a todo REST API", List.of(Role.BACKEND), ApprovalMode.MANUAL,
                        new BigDecimal("2.50"), null),
                new TaskPlanned(TASK, PLAN, 1),
                new TaskAwaitingApproval(TASK, PLAN, new Estimate(9000, new BigDecimal("0.03"), 120),
                        java.util.Map.of("design", new Estimate(3000, new BigDecimal("0.01"), 40))),
                new TaskApproved(TASK, "alice", true),
                new TaskRejected(TASK, "alice", "too big"),
                new TaskPaused(TASK, "budget of $2.50 reached"),
                new TaskResumed(TASK, "alice"),
                new TaskCompleted(TASK, "All done", usage),
                new TaskFailed(TASK, "plan stayed invalid: cycle a -> b -> a", null),
                new TaskCancelled(TASK, "alice", "changed my mind"),
                new SubtaskStateChanged(TASK, "api", Role.BACKEND, "Build API", SubtaskStatus.RUNNING, 1, null),
                new SubtaskDispatch(TASK, "api", 2, "lease-2", Instant.parse("2026-01-01T00:00:30Z"), Role.BACKEND,
                        SubtaskKind.WORK, "Build API", "Implement it", "Todo API", "Build a todo REST API",
                        List.of("api/openapi.yaml"), List.of("src/App.java"),
                        List.of(new UpstreamSummary("design", Role.ARCHITECT, "Design", SUMMARY, List.of("api/openapi.yaml"))),
                        CLOUD, true, "2 failed attempts",
                        List.of(new AgentMessage(TASK, Participant.person("alice"), Participant.role(Role.BACKEND),
                                MessageKind.NOTE, "Use port 8080", null, null)), null),
                new AgentStarted(TASK, "api", 1, "lease-1", "worker-a/backend", Role.BACKEND, LOCAL),
                new AgentProgress(TASK, "api", 1, "lease-1", "worker-a/backend", "generating", 42, "public class App {"),
                new AgentHeartbeat(TASK, "api", 1, "lease-1", "worker-a/backend"),
                new AgentCompleted(TASK, "api", 1, "lease-1", "worker-a/backend", Role.BACKEND, LOCAL, SUMMARY,
                        List.of(new ArtifactRef("src/App.java", 3, ArtifactKind.CODE)), usage, null,
                        List.of(new AgentMessage(TASK, Participant.agent("worker-a/backend"), Participant.role(Role.ARCHITECT),
                                MessageKind.QUESTION, "Which port?", "api", null)),
                        List.of(new ConflictRef("src/Api.java", "c-2", 1, 2)),
                        new Verification("node --test test/", 1, false, false, "not ok 1 - deletes an item")),
                new AgentToolCalled(TASK, "api", 1, "lease-1", "worker-a/backend", Role.BACKEND, 2, "read_artifact",
                        "{\"key\":\"api/openapi.yaml\"}", "ok", "version 3, 1200 characters", 12),
                new AgentFailed(TASK, "api", 1, "lease-1", "worker-a/backend", Role.BACKEND, LOCAL,
                        FailureKind.RATE_LIMITED, "429 from model", Usage.NONE),
                new AgentEscalated(TASK, "api", 3, Role.BACKEND, LOCAL, CLOUD, "2 failed attempts"),
                new AgentThrottled(TASK, "api", 1, "lease-1", "worker-a/backend", Role.BACKEND, LOCAL,
                        FailureKind.RATE_LIMITED, 20L, "429 from model"),
                new ArtifactPublished(TASK, "src/App.java", 3, ArtifactKind.CODE, "sha256:ab", 1200, false, "backend", "api", 1),
                new ArtifactConflict(TASK, "src/App.java", "c-1", 2, 3, "frontend", "ui", 1),
                new ArtifactResolved(TASK, "src/App.java", "c-1", 4, "lead"),
                new AgentMessage(TASK, Participant.role(Role.BACKEND), Participant.role(Role.FRONTEND), MessageKind.QUESTION,
                        "Which port does the API use?", "api", null));
    }

    @ParameterizedTest
    @MethodSource("everyEventType")
    void everyEventRoundTripsThroughJsonWithItsTypeAndVersion(CohortEvent event) throws Exception {
        String json = EventCodec.encode(event);
        JsonNode tree = EventCodec.mapper().readTree(json);

        assertEquals(event.type(), tree.get("type").asText());
        assertEquals(1, tree.get("schemaVersion").asInt());
        assertEquals(TASK, tree.get("taskId").asText());
        assertEquals(event, EventCodec.decode(json));
    }

    @Test
    void everySubtypeIsCoveredAndTypeNamesAreUnique() {
        Set<String> types = everyEventType().map(CohortEvent::type).collect(Collectors.toSet());
        assertEquals(CohortEvent.class.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class).value().length,
                types.size());
    }

    @Test
    void unknownFieldsAreTolerated() throws Exception {
        ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(
                EventCodec.encode(new TaskPaused(TASK, "budget reached")));
        json.put("addedInVersion2", "something new");
        json.put("schemaVersion", 2);

        TaskEvent event = EventCodec.decode(json.toString(), TaskEvent.class);

        TaskPaused paused = assertInstanceOf(TaskPaused.class, event);
        assertEquals("budget reached", paused.reason());
        assertEquals(2, paused.schemaVersion());
    }

    @Test
    void aCompletionFromAnOlderWorkerHasNoConflictsAndAConflictNeedsItsId() throws Exception {
        ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(EventCodec.encode(
                new AgentCompleted(TASK, "api", 1, "lease-1", "worker-a/backend", Role.BACKEND, LOCAL, SUMMARY,
                        List.of(), Usage.NONE, null, List.of(), List.of(new ConflictRef("src/Api.java", "c-2", 1, 2)))));
        assertEquals("c-2", json.at("/conflicts/0/conflictId").asText());
        ObjectNode old = json.deepCopy();
        old.remove("conflicts");

        AgentCompleted completed = EventCodec.decode(old.toString(), AgentCompleted.class);

        assertEquals(List.of(), completed.conflicts());
        ((ObjectNode) json.at("/conflicts/0")).remove("conflictId");
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.decode(json.toString()));
        assertTrue(e.getMessage().contains("'conflictId'"), e.getMessage());
    }

    @Test
    void missingRequiredFieldIsRejectedByName() throws Exception {
        ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(
                EventCodec.encode(new AgentHeartbeat(TASK, "api", 1, "lease-1", "worker-a")));
        json.remove("leaseToken");

        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.decode(json.toString()));

        assertTrue(e.getMessage().contains("'leaseToken'"), e.getMessage());
    }

    @Test
    void missingNestedFieldIsRejectedWithItsPath() throws Exception {
        ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(
                EventCodec.encode(new AgentStarted(TASK, "api", 1, "lease-1", "worker-a", Role.BACKEND, LOCAL)));
        ((ObjectNode) json.get("model")).remove("provider");

        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.decode(json.toString()));

        assertTrue(e.getMessage().contains("'provider'"), e.getMessage());
        assertTrue(e.getMessage().contains("model"), e.getMessage());
    }

    @Test
    void missingTypeUnknownTypeAndWrongFamilyAreRejected() {
        String noType = "{\"eventId\":\"e\",\"taskId\":\"t\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}";
        assertTrue(assertThrows(InvalidEventException.class, () -> EventCodec.decode(noType))
                .getMessage().contains("'type'"));

        String unknown = "{\"type\":\"task.exploded\",\"eventId\":\"e\",\"taskId\":\"t\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}";
        assertTrue(assertThrows(InvalidEventException.class, () -> EventCodec.decode(unknown))
                .getMessage().contains("task.exploded"));

        String taskEvent = EventCodec.encode(new TaskResumed(TASK, "alice"));
        assertThrows(InvalidEventException.class, () -> EventCodec.decode(taskEvent, AgentEvent.class));
    }

    @Test
    void malformedJsonAndBadEnumValuesSayWhatIsWrong() {
        InvalidEventException notJson = assertThrows(InvalidEventException.class, () -> EventCodec.decode("{not json"));
        assertTrue(notJson.getMessage().startsWith("not valid JSON"), notJson.getMessage());

        String badRole = EventCodec.encode(new AgentHeartbeat(TASK, "api", 1, "lease-1", "w"))
                .replace("\"type\":\"agent.heartbeat\"", "\"type\":\"agent.escalated\",\"role\":\"juggler\","
                        + "\"from\":{\"provider\":\"ollama\",\"model\":\"m\"},\"to\":{\"provider\":\"ollama\",\"model\":\"m\"},"
                        + "\"reason\":\"r\"");
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.decode(badRole));
        assertTrue(e.getMessage().contains("juggler") && e.getMessage().contains("role"), e.getMessage());
    }

    @Test
    void rolesAndTopicsShareOneSpelling() {
        assertEquals("cohort.dispatch.backend", Topics.dispatch(Role.BACKEND));
        assertEquals(Role.FRONTEND, Role.fromId("Frontend"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Role.fromId("juggler"));
        assertTrue(e.getMessage().contains("lead, architect, backend"), e.getMessage());
        assertTrue(Provider.OLLAMA.local());
        assertEquals("awaiting-approval", dev.cohort.contracts.model.TaskStatus.AWAITING_APPROVAL.id());
    }

    @Test
    void usageAddsTokensAndKnownCosts() {
        Usage a = new Usage(10, 20, new BigDecimal("0.5"), CostSource.PROVIDER);
        Usage b = new Usage(1, 2, null, CostSource.UNKNOWN);
        Usage sum = a.plus(b);
        assertEquals(33, sum.totalTokens());
        assertEquals(new BigDecimal("0.5"), sum.costUsd());
    }
}
