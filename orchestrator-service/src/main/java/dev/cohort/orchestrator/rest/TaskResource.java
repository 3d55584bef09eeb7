package dev.cohort.orchestrator.rest;

import dev.cohort.contracts.Roles;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.messaging.OutboxRelay;
import dev.cohort.orchestrator.repository.AttemptRepository;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import dev.cohort.orchestrator.service.OrchestrationService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import dev.cohort.orchestrator.service.TaskService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hibernate.validator.constraints.Range;

@Path("/api/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks", description = "Submit tasks to a Cohort team and follow them")
public class TaskResource {

    static final int MAX_PAGE_SIZE = 200;

    private final TaskService service;
    private final TaskRepository tasks;
    private final TaskRequests requests;
    private final OutboxRelay relay;
    private final SubtaskRepository subtasks;
    private final AttemptRepository attempts;
    private final OrchestrationService orchestration;
    private final CallerLimits limits;
    private final SecurityIdentity caller;

    public TaskResource(TaskService service, TaskRepository tasks, TaskRequests requests, OutboxRelay relay,
                        SubtaskRepository subtasks, AttemptRepository attempts, OrchestrationService orchestration,
                        CallerLimits limits, SecurityIdentity caller) {
        this.limits = limits;
        this.caller = caller;
        this.service = service;
        this.tasks = tasks;
        this.requests = requests;
        this.relay = relay;
        this.subtasks = subtasks;
        this.attempts = attempts;
        this.orchestration = orchestration;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Submit a task", description = "Stores the task and announces it with a task.submitted event; "
            + "the caller is recorded as its creator")
    public Uni<Response> submit(@Valid SubmitTaskRequest request) {
        var submission = requests.validate(request);
        String by = Callers.name(caller);
        return limits.mayStartTask(by)
                .chain(() -> service.submit(submission, by))
                .invoke(relay::kick)
                .map(task -> Response.created(URI.create("/api/tasks/" + task.id)).entity(TaskView.of(task)).build());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Get one task with its subtasks, attempts, tokens, cost and timings")
    @WithSession
    public Uni<TaskView> get(@PathParam("id") String id) {
        UUID taskId = parseId(id);
        return tasks.findById(taskId)
                .onItem().ifNull().failWith(() -> ApiException.notFound("no task with id " + id))
                .flatMap(task -> subtasks.byTask(taskId).flatMap(list -> attempts
                        .ofSubtasks(list.stream().map(s -> s.id).toList())
                        .map(all -> TaskView.of(task, list, all.stream()
                                .collect(Collectors.groupingBy(a -> a.key.subtaskId()))))));
    }

    @GET
    @Path("/{id}/subtasks/{subtask}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Get one subtask with its attempts",
            description = "The subtask by its id or its plan key; what a worker asks before it starts a dispatch")
    @WithSession
    public Uni<SubtaskView> subtask(@PathParam("id") String id, @PathParam("subtask") String subtask) {
        UUID taskId = parseId(id);
        UUID subtaskId = uuidOrNull(subtask);
        return (subtaskId != null ? subtasks.ofTask(taskId, subtaskId)
                        : subtasks.find("taskId = ?1 and planKey = ?2", taskId, subtask).firstResult())
                .onItem().ifNull().failWith(() -> ApiException.notFound("task " + id + " has no subtask " + subtask))
                .flatMap(found -> attempts.ofSubtasks(List.of(found.id)).map(all -> SubtaskView.of(found, all)));
    }

    @POST
    @Path("/{id}/cancel")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Cancel a task", description = "Stops dispatching; in-flight attempts are cancelled. The "
            + "caller is recorded as who cancelled it")
    public Uni<TaskView> cancel(@PathParam("id") String id) {
        UUID taskId = parseId(id);
        return orchestration.cancel(taskId, Callers.name(caller), null)
                .onItem().ifNull().failWith(() -> ApiException.notFound("no task with id " + id))
                .invoke(relay::kick)
                .map(TaskView::of);
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "List tasks, newest first")
    public Uni<List<TaskView>> list(@QueryParam("status") @KnownId(TaskStatus.class) String status,
                                    @QueryParam("page") @DefaultValue("0")
                                    @PositiveOrZero(message = "must be 0 or more") int page,
                                    @QueryParam("size") @DefaultValue("50")
                                    @Range(min = 1, max = MAX_PAGE_SIZE) int size) {
        String statusId = status == null || status.isBlank() ? null : TaskStatus.fromId(status).id();
        return tasks.page(statusId, page, size).map(list -> list.stream().map(TaskView::of).toList());
    }

    private static UUID uuidOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no task with id " + id + " (task ids are UUIDs)");
        }
    }
}
