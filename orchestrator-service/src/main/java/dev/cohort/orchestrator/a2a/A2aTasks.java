package dev.cohort.orchestrator.a2a;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A Cohort task as an A2A {@code Task} (ProtoJSON, camelCase fields, enum names): its id is the task's id, its context
 * the client's {@code contextId} or else the task's id, its state follows the task's status, its status message says
 * where the team is, and a completed task's summary is its artifact {@code summary}.
 */
public final class A2aTasks {

    /** The artifact that carries a completed task's summary. */
    public static final String SUMMARY_ARTIFACT = "summary";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int NAMED_SUBTASKS = 5;

    private A2aTasks() {
    }

    /** The A2A state of a Cohort task status. */
    public static String state(TaskStatus status) {
        return switch (status) {
            case SUBMITTED -> A2aProtocol.SUBMITTED;
            case PLANNING, RUNNING -> A2aProtocol.WORKING;
            case AWAITING_APPROVAL, PAUSED -> A2aProtocol.INPUT_REQUIRED;
            case COMPLETED -> A2aProtocol.COMPLETED;
            case FAILED -> A2aProtocol.FAILED;
            case CANCELLED -> A2aProtocol.CANCELED;
        };
    }

    /** The Cohort statuses an A2A state stands for (none for states Cohort never reports). */
    public static List<TaskStatus> statuses(String state) {
        return Arrays.stream(TaskStatus.values()).filter(s -> state(s).equals(state)).toList();
    }

    /** The task's context: the client's {@code contextId}, or the task's own id when it named none. */
    public static String contextId(Task task) {
        return task.contextId != null ? task.contextId : task.id.toString();
    }

    /** The task with its status and, when asked for, its artifacts; {@code subtasks} may be null (not loaded). */
    public static ObjectNode task(Task task, List<Subtask> subtasks, boolean withArtifacts) {
        ObjectNode node = JSON.objectNode();
        node.put("id", task.id.toString());
        node.put("contextId", contextId(task));
        node.set("status", status(task, subtasks));
        if (withArtifacts) {
            ArrayNode artifacts = node.putArray("artifacts");
            ObjectNode summary = summaryArtifact(task);
            if (summary != null) {
                artifacts.add(summary);
            }
        }
        ObjectNode cohort = node.putObject("metadata").putObject("cohort");
        cohort.put("status", task.statusValue().id());
        cohort.put("title", task.title);
        if (task.createdBy != null) {
            cohort.put("createdBy", task.createdBy);
        }
        cohort.put("costUsd", task.costUsd.toPlainString());
        if (subtasks != null) {
            cohort.put("subtasks", subtasks.size());
            cohort.put("subtasksFinished", finished(subtasks));
        }
        return node;
    }

    /** The task's {@code TaskStatus}: state, a message from the team that says where it is, and when it changed. */
    public static ObjectNode status(Task task, List<Subtask> subtasks) {
        ObjectNode status = JSON.objectNode();
        status.put("state", state(task.statusValue()));
        status.set("message", agentMessage(task, statusText(task, subtasks)));
        status.put("timestamp", timestamp(task.updatedAt));
        return status;
    }

    /** The {@code summary} artifact of a completed task, or null while there is none. */
    public static ObjectNode summaryArtifact(Task task) {
        if (task.statusValue() != TaskStatus.COMPLETED || task.summary == null || task.summary.isBlank()) {
            return null;
        }
        ObjectNode artifact = JSON.objectNode();
        artifact.put("artifactId", SUMMARY_ARTIFACT);
        artifact.put("name", "Summary");
        artifact.put("description", "The lead's summary of what the team did. Every file the team wrote is in the "
                + "context store: GET /api/tasks/" + task.id + "/artifacts, or export.zip");
        artifact.putArray("parts").addObject().put("text", task.summary).put("mediaType", "text/markdown");
        return artifact;
    }

    /** A {@code TaskStatusUpdateEvent} in a {@code StreamResponse}. */
    public static ObjectNode statusUpdate(Task task, List<Subtask> subtasks) {
        ObjectNode event = JSON.objectNode();
        ObjectNode update = event.putObject("statusUpdate");
        update.put("taskId", task.id.toString());
        update.put("contextId", contextId(task));
        update.set("status", status(task, subtasks));
        return event;
    }

    /** A {@code TaskArtifactUpdateEvent} in a {@code StreamResponse}: the whole artifact in one chunk. */
    public static ObjectNode artifactUpdate(Task task, ObjectNode artifact) {
        ObjectNode event = JSON.objectNode();
        ObjectNode update = event.putObject("artifactUpdate");
        update.put("taskId", task.id.toString());
        update.put("contextId", contextId(task));
        update.set("artifact", artifact);
        update.put("append", false);
        update.put("lastChunk", true);
        return event;
    }

    /** Where the team is with the task, in words. */
    public static String statusText(Task task, List<Subtask> subtasks) {
        String reason = task.statusReason == null || task.statusReason.isBlank() ? null : task.statusReason.strip();
        String id = task.id.toString();
        return switch (task.statusValue()) {
            case SUBMITTED -> "Submitted; the lead will plan it.";
            case PLANNING -> "The lead is planning the work.";
            case AWAITING_APPROVAL -> "The lead's plan" + (subtasks == null ? "" : " of " + subtasks.stream()
                    .filter(s -> s.kindValue() == SubtaskKind.WORK).count() + " subtasks")
                    + " waits for a person's approval: POST /api/tasks/" + id + "/approve (or /reject), the "
                    + "dashboard, or the MCP tool approve_plan.";
            case RUNNING -> running(subtasks);
            case PAUSED -> "Paused" + (reason == null ? "" : ": " + reason) + ". Resume it with POST /api/tasks/" + id
                    + "/resume (optionally ?budgetUsd=) or from the dashboard.";
            case COMPLETED -> "Completed; the lead's summary is the artifact 'summary'.";
            case FAILED -> "Failed" + (reason == null ? "." : ": " + reason);
            case CANCELLED -> "Cancelled" + (reason == null ? "." : ": " + reason);
        };
    }

    private static String running(List<Subtask> subtasks) {
        if (subtasks == null || subtasks.isEmpty()) {
            return "The team is working.";
        }
        List<Subtask> active = subtasks.stream().filter(s -> s.statusValue() == SubtaskStatus.RUNNING
                || s.statusValue() == SubtaskStatus.DISPATCHED).toList();
        StringBuilder text = new StringBuilder("The team is working: ").append(finished(subtasks)).append(" of ")
                .append(subtasks.size()).append(" subtasks finished");
        if (!active.isEmpty()) {
            text.append("; in progress: ").append(active.stream().limit(NAMED_SUBTASKS)
                    .map(s -> s.title + " (" + s.roleValue().id() + ")").collect(Collectors.joining(", ")));
            if (active.size() > NAMED_SUBTASKS) {
                text.append(" and ").append(active.size() - NAMED_SUBTASKS).append(" more");
            }
        }
        return text.append('.').toString();
    }

    private static long finished(List<Subtask> subtasks) {
        return subtasks.stream().filter(s -> s.statusValue() == SubtaskStatus.DONE
                || s.statusValue() == SubtaskStatus.SKIPPED).count();
    }

    /**
     * A message from the team about the task. Its id is derived from the task and the text, so the same status reads
     * as the same message however often it is asked for.
     */
    static ObjectNode agentMessage(Task task, String text) {
        ObjectNode message = JSON.objectNode();
        message.put("messageId", UUID.nameUUIDFromBytes((task.id + "\n" + text).getBytes(StandardCharsets.UTF_8))
                .toString());
        message.put("contextId", contextId(task));
        message.put("taskId", task.id.toString());
        message.put("role", "ROLE_AGENT");
        message.putArray("parts").addObject().put("text", text);
        return message;
    }

    /** An ISO 8601 UTC timestamp with milliseconds (section 5.6.1). */
    static String timestamp(Instant instant) {
        return TIMESTAMP.format((instant == null ? Instant.now() : instant).truncatedTo(ChronoUnit.MILLIS));
    }
}
