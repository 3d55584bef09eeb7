package dev.cohort.orchestrator.mcp;

import dev.cohort.contracts.Roles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.client.ContextStoreClient;
import dev.cohort.orchestrator.client.ContextStoreException;
import dev.cohort.orchestrator.rest.ApiException;
import dev.cohort.orchestrator.rest.SubmitTaskRequest;
import dev.cohort.orchestrator.rest.SubtaskView;
import dev.cohort.orchestrator.rest.TaskCommandResource;
import dev.cohort.orchestrator.rest.TaskResource;
import dev.cohort.orchestrator.rest.TaskView;
import dev.cohort.orchestrator.rest.Violations;
import dev.cohort.orchestrator.service.CommandRejected;
import io.quarkiverse.mcp.server.TextContent;
import io.quarkiverse.mcp.server.Tool;
import io.quarkiverse.mcp.server.ToolArg;
import io.quarkiverse.mcp.server.ToolResponse;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.ForbiddenException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cohort as MCP tools (streamable HTTP at {@code /mcp}). Each task tool runs the same operation as the REST API,
 * so validation, defaults and the JSON shown are the REST API's; artifacts are read from the context store.
 * A refused call answers with {@code isError} and a message that says what to fix, never a stack trace.
 */
@ApplicationScoped
public class CohortMcpTools {

    private final TaskResource tasks;
    private final TaskCommandResource commands;
    private final ContextStoreClient contextStore;
    private final ObjectMapper mapper;

    public CohortMcpTools(TaskResource tasks, TaskCommandResource commands, ContextStoreClient contextStore,
                          ObjectMapper mapper) {
        this.tasks = tasks;
        this.commands = commands;
        this.contextStore = contextStore;
        this.mapper = mapper;
    }

    @Tool(name = "submit_task", description = "Submit a software task to a Cohort team of LLM agents. The lead plans "
            + "it into subtasks for the roles; with approvalMode 'manual' the plan waits for approve_plan. "
            + "Answers the new task as JSON; its 'id' is the taskId of the other tools.")
    public Uni<ToolResponse> submitTask(
            @ToolArg(description = "What the team should build") String description,
            @ToolArg(description = "Short name; defaults to the description's first line", required = false)
            String title,
            @ToolArg(description = "Roles of the team, e.g. [\"architect\", \"backend\", \"tester\"]; "
                    + "none means the default team", required = false) List<String> roles,
            @ToolArg(description = "'auto' (default) runs the plan at once; 'manual' waits for approve_plan",
                    required = false) String approvalMode,
            @ToolArg(description = "Spending cap in US dollars, e.g. \"2.50\"; the task pauses when it is reached",
                    required = false) String budgetUsd,
            @ToolArg(description = "A workflow template to run instead of planning: code-review or design-review",
                    required = false) String template) {
        SubmitTaskRequest request = new SubmitTaskRequest(title, description, roles, approvalMode, budgetUsd, template);
        return call(() -> tasks.submit(request), response -> json(response.getEntity()));
    }

    @Tool(name = "get_task", description = "A task's status and progress: its subtasks with their states and "
            + "attempts (agent, model, outcome), tokens and cost so far, and a progress summary.")
    public Uni<ToolResponse> getTask(@ToolArg(description = "The task's id (a UUID)") String taskId) {
        return call(() -> tasks.get(taskId), view -> {
            ObjectNode node = mapper.valueToTree(view);
            node.set("progress", mapper.valueToTree(Progress.of(view)));
            return ToolResponse.success(node.toString());
        });
    }

    @Tool(name = "list_tasks", description = "Tasks, newest first, without their subtasks.")
    public Uni<ToolResponse> listTasks(
            @ToolArg(description = "Only tasks in this status, e.g. running, awaiting-approval, completed",
                    required = false) String status,
            @ToolArg(description = "Page number, from 0", required = false) Integer page,
            @ToolArg(description = "Tasks per page, 1 to 200; 50 by default", required = false) Integer size) {
        return call(() -> tasks.list(status, page == null ? 0 : page, size == null ? 50 : size), this::json);
    }

    @Tool(name = "approve_plan", description = "Approve the plan of a task that is awaiting approval (submitted "
            + "with approvalMode 'manual'), as the lead proposed it; its subtasks start running.")
    public Uni<ToolResponse> approvePlan(@ToolArg(description = "The task's id (a UUID)") String taskId) {
        return call(() -> commands.approve(taskId, null), this::json);
    }

    @Tool(name = "list_artifacts", description = "A task's artifacts in the context store: the latest version of "
            + "each key, with kind, media type, size and time, without content.")
    @RolesAllowed(Roles.VIEWER)
    public Uni<ToolResponse> listArtifacts(
            @ToolArg(description = "The task's id (a UUID)") String taskId,
            @ToolArg(description = "Only keys starting with this, e.g. docs/", required = false) String prefix) {
        return call(() -> contextStore.artifacts(required(taskId, "taskId"), blankToNull(prefix)),
                list -> ToolResponse.success(list.toString()));
    }

    @Tool(name = "read_artifact", description = "One artifact of a task: its metadata as JSON, then its content. "
            + "The latest version unless a version is given.")
    @RolesAllowed(Roles.VIEWER)
    public Uni<ToolResponse> readArtifact(
            @ToolArg(description = "The task's id (a UUID)") String taskId,
            @ToolArg(description = "The artifact's key, e.g. docs/design.md (list_artifacts shows them)") String key,
            @ToolArg(description = "A version number, from 1; the latest by default", required = false) Long version) {
        return call(() -> {
            if (version != null && version < 1) {
                throw ApiException.badRequest("'version' must be 1 or more, was " + version);
            }
            return contextStore.artifact(required(taskId, "taskId"), required(key, "key").strip(), version);
        }, artifact -> {
            ObjectNode metadata = ((ObjectNode) artifact).deepCopy();
            JsonNode content = metadata.remove("content");
            return content == null || content.isNull()
                    ? ToolResponse.success(metadata.toString())
                    : ToolResponse.success(new TextContent(metadata.toString()), new TextContent(content.asText()));
        });
    }

    /** An operation of the REST API or the context store; it may refuse before it returns its {@code Uni}. */
    @FunctionalInterface
    private interface Operation<T> {
        Uni<T> run() throws Exception;
    }

    /** Runs an operation and answers its result, or a tool error that says what went wrong. */
    private <T> Uni<ToolResponse> call(Operation<T> operation, Function<T, ToolResponse> answer) {
        return Uni.createFrom().deferred(() -> {
                    try {
                        return operation.run();
                    } catch (Exception e) {
                        return Uni.createFrom().<T>failure(e);
                    }
                })
                .map(answer)
                .onFailure().recoverWithItem(CohortMcpTools::refusal);
    }

    private static ToolResponse refusal(Throwable failure) {
        if (failure instanceof ApiException || failure instanceof CommandRejected
                || failure instanceof ContextStoreException) {
            return ToolResponse.error(failure.getMessage());
        }
        if (failure instanceof ConstraintViolationException invalid) {
            return ToolResponse.error(Violations.describe(invalid.getConstraintViolations()));
        }
        if (failure instanceof ForbiddenException) {
            return ToolResponse.error("your token's roles do not allow this: reading needs viewer, submitting and "
                    + "approving operator");
        }
        Log.error("Unexpected error in an MCP tool call", failure);
        return ToolResponse.error("internal error; the orchestrator log has the details");
    }

    private ToolResponse json(Object value) {
        return ToolResponse.success(toJson(value));
    }

    private String toJson(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'" + name + "' is required");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** How far a task's graph is: subtasks per state, and the share finished (done or skipped). */
    record Progress(int subtasks, Map<String, Integer> byStatus, int percentComplete) {

        static Progress of(TaskView task) {
            List<SubtaskView> all = task.subtasks() == null ? List.of() : task.subtasks();
            Map<String, Integer> counts = new LinkedHashMap<>();
            all.forEach(s -> counts.merge(s.status().id(), 1, Integer::sum));
            int finished = counts.getOrDefault(SubtaskStatus.DONE.id(), 0)
                    + counts.getOrDefault(SubtaskStatus.SKIPPED.id(), 0);
            return new Progress(all.size(), counts, all.isEmpty() ? 0 : finished * 100 / all.size());
        }
    }
}
