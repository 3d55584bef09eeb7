package dev.cohort.orchestrator.a2a;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How Cohort's tasks read as A2A tasks, and which SendMessage requests are taken. */
class A2aMappingTest {

    static final ObjectMapper MAPPER = new ObjectMapper();

    static Task task(TaskStatus status) {
        Task task = new Task();
        task.id = UUID.randomUUID();
        task.title = "Todo API";
        task.description = "Build a todo API";
        task.approvalMode = "auto";
        task.status(status, null);
        task.costUsd = new BigDecimal("0.0120");
        task.createdAt = Instant.parse("2026-01-31T10:00:00.123456Z");
        task.updatedAt = Instant.parse("2026-01-31T10:05:07.654321Z");
        return task;
    }

    static Subtask subtask(String title, Role role, SubtaskKind kind, SubtaskStatus status) {
        Subtask subtask = new Subtask();
        subtask.id = UUID.randomUUID();
        subtask.title = title;
        subtask.role = role.id();
        subtask.kind = kind.id();
        subtask.status = status.id();
        return subtask;
    }

    @Test
    void everyCohortStatusHasItsA2aState() {
        Map<TaskStatus, String> expected = new EnumMap<>(TaskStatus.class);
        expected.put(TaskStatus.SUBMITTED, "TASK_STATE_SUBMITTED");
        expected.put(TaskStatus.PLANNING, "TASK_STATE_WORKING");
        expected.put(TaskStatus.AWAITING_APPROVAL, "TASK_STATE_INPUT_REQUIRED");
        expected.put(TaskStatus.RUNNING, "TASK_STATE_WORKING");
        expected.put(TaskStatus.PAUSED, "TASK_STATE_INPUT_REQUIRED");
        expected.put(TaskStatus.COMPLETED, "TASK_STATE_COMPLETED");
        expected.put(TaskStatus.FAILED, "TASK_STATE_FAILED");
        expected.put(TaskStatus.CANCELLED, "TASK_STATE_CANCELED");
        for (TaskStatus status : TaskStatus.values()) {
            assertEquals(expected.get(status), A2aTasks.state(status), status.id());
            assertTrue(A2aTasks.statuses(A2aTasks.state(status)).contains(status));
        }
        assertEquals(List.of(TaskStatus.PLANNING, TaskStatus.RUNNING), A2aTasks.statuses("TASK_STATE_WORKING"));
        assertEquals(List.of(), A2aTasks.statuses("TASK_STATE_REJECTED"));
        assertTrue(A2aProtocol.terminal("TASK_STATE_CANCELED"));
        assertFalse(A2aProtocol.terminal("TASK_STATE_INPUT_REQUIRED"));
        assertTrue(A2aProtocol.interrupted("TASK_STATE_INPUT_REQUIRED"));
    }

    @Test
    void aCompletedTaskCarriesItsSummaryAsAnArtifact() {
        Task task = task(TaskStatus.COMPLETED);
        task.summary = "Built the API and its tests.";
        ObjectNode a2a = A2aTasks.task(task, List.of(), true);
        assertEquals(task.id.toString(), a2a.path("id").asText());
        assertEquals(task.id.toString(), a2a.path("contextId").asText(), "no context named: the task's own id");
        assertEquals("TASK_STATE_COMPLETED", a2a.path("status").path("state").asText());
        assertEquals("2026-01-31T10:05:07.654Z", a2a.path("status").path("timestamp").asText());
        JsonNode artifact = a2a.path("artifacts").path(0);
        assertEquals("summary", artifact.path("artifactId").asText());
        assertEquals("Built the API and its tests.", artifact.path("parts").path(0).path("text").asText());
        assertEquals("completed", a2a.path("metadata").path("cohort").path("status").asText());
        assertEquals("0.0120", a2a.path("metadata").path("cohort").path("costUsd").asText());
        assertFalse(A2aTasks.task(task, null, false).has("artifacts"), "artifacts only when asked for");
        assertNull(A2aTasks.summaryArtifact(task(TaskStatus.RUNNING)));
    }

    @Test
    void theStatusMessageSaysWhereTheTeamIs() {
        Task task = task(TaskStatus.RUNNING);
        task.contextId = "conversation-1";
        List<Subtask> subtasks = List.of(
                subtask("Plan", Role.LEAD, SubtaskKind.PLAN, SubtaskStatus.DONE),
                subtask("Design", Role.ARCHITECT, SubtaskKind.WORK, SubtaskStatus.DONE),
                subtask("API", Role.BACKEND, SubtaskKind.WORK, SubtaskStatus.RUNNING),
                subtask("UI", Role.FRONTEND, SubtaskKind.WORK, SubtaskStatus.PENDING));
        JsonNode status = A2aTasks.status(task, subtasks);
        JsonNode message = status.path("message");
        assertEquals("ROLE_AGENT", message.path("role").asText());
        assertEquals("conversation-1", message.path("contextId").asText());
        assertEquals(task.id.toString(), message.path("taskId").asText());
        assertEquals("The team is working: 2 of 4 subtasks finished; in progress: API (backend).",
                message.path("parts").path(0).path("text").asText());
        assertEquals(message.path("messageId"), A2aTasks.status(task, subtasks).path("message").path("messageId"),
                "the same status is the same message");

        Task waiting = task(TaskStatus.AWAITING_APPROVAL);
        assertTrue(A2aTasks.statusText(waiting, subtasks).contains("of 3 subtasks waits for a person's approval: "
                + "POST /api/tasks/" + waiting.id + "/approve"), A2aTasks.statusText(waiting, subtasks));
        Task paused = task(TaskStatus.PAUSED);
        paused.statusReason = "budget spent";
        assertTrue(A2aTasks.statusText(paused, null).startsWith("Paused: budget spent. Resume it with POST"));

        ObjectNode update = A2aTasks.statusUpdate(task, subtasks);
        assertEquals("conversation-1", update.path("statusUpdate").path("contextId").asText());
        assertEquals("TASK_STATE_WORKING", update.path("statusUpdate").path("status").path("state").asText());
    }

    @Test
    void theProtocolVersionIsOneDotZeroWhateverThePatch() {
        A2aProtocol.checkVersion("1.0");
        A2aProtocol.checkVersion(" 1.0.1 ");
        assertEquals(A2aError.VERSION_NOT_SUPPORTED, assertThrows(A2aError.class,
                () -> A2aProtocol.checkVersion(null)).code());
        assertEquals(A2aError.VERSION_NOT_SUPPORTED, assertThrows(A2aError.class,
                () -> A2aProtocol.checkVersion("0.3")).code());
        assertEquals(A2aError.VERSION_NOT_SUPPORTED, assertThrows(A2aError.class,
                () -> A2aProtocol.checkVersion("2.0")).code());
    }

    @Test
    void aMessagesTextPartsBecomeTheDescription() throws Exception {
        A2aService.Incoming incoming = A2aService.incoming(MAPPER.readTree("""
                {"message": {"messageId": "m-1", "role": "ROLE_USER", "contextId": "c-1",
                  "parts": [{"text": "Build a todo API\\nwith auth"}, {"text": "  ", "mediaType": "text/plain"},
                            {"text": "Use Postgres", "mediaType": "text/markdown"}]},
                 "configuration": {"returnImmediately": true, "acceptedOutputModes": ["text/plain"]},
                 "metadata": {"cohort": {"approvalMode": "manual"}}}"""));
        assertEquals("Build a todo API\nwith auth\n\nUse Postgres", incoming.text());
        assertEquals("c-1", incoming.contextId());
        assertNull(incoming.taskId());
        assertTrue(incoming.returnImmediately());
        assertEquals("manual", incoming.cohort().path("approvalMode").asText());

        A2aService.Incoming snake = A2aService.incoming(MAPPER.readTree("""
                {"message": {"message_id": "m-2", "role": "ROLE_USER", "task_id": "t", "context_id": "c",
                  "parts": [{"text": "more"}]}}"""));
        assertEquals("t", snake.taskId());
        assertEquals("c", snake.contextId());
        assertFalse(snake.returnImmediately(), "blocking unless asked otherwise");
    }

    @Test
    void whatAMessageCannotBe() {
        Map<String, Integer> refused = Map.of(
                "{}", A2aError.INVALID_PARAMS,
                "{\"message\": {\"messageId\": \"m\", \"role\": \"ROLE_USER\", \"parts\": [{\"data\": {\"a\": 1}}]}}",
                A2aError.CONTENT_TYPE_NOT_SUPPORTED,
                "{\"message\": {\"messageId\": \"m\", \"role\": \"ROLE_USER\", \"parts\": [{\"text\": \"x\", "
                        + "\"mediaType\": \"application/pdf\"}]}}", A2aError.CONTENT_TYPE_NOT_SUPPORTED,
                "{\"message\": {\"messageId\": \"m\", \"role\": \"ROLE_USER\", \"parts\": [{\"text\": \" \"}]}}",
                A2aError.INVALID_PARAMS,
                "{\"message\": {\"messageId\": \"m\", \"role\": \"ROLE_USER\", \"parts\": [{}]}}",
                A2aError.INVALID_PARAMS,
                "{\"message\": {\"messageId\": \"m\", \"role\": \"ROLE_USER\", \"contextId\": \"a\\u0000b\", "
                        + "\"parts\": [{\"text\": \"x\"}]}}", A2aError.INVALID_PARAMS,
                "{\"message\": {\"messageId\": \"m\", \"role\": \"ROLE_USER\", \"parts\": [{\"text\": \"x\"}]}, "
                        + "\"configuration\": {\"returnImmediately\": \"yes\"}}", A2aError.INVALID_PARAMS,
                "{\"message\": {\"messageId\": \"m\", \"role\": \"ROLE_USER\", \"parts\": [{\"text\": \"x\"}]}, "
                        + "\"configuration\": {\"taskPushNotificationConfig\": {\"url\": \"https://h\"}}}",
                A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED);
        refused.forEach((json, code) -> assertEquals(code, assertThrows(A2aError.class,
                () -> A2aService.incoming(MAPPER.readTree(json)), json).code(), json));
    }
}
