package dev.cohort.orchestrator.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Roles;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.ParticipantType;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.orchestrator.domain.MessageRecord;
import dev.cohort.orchestrator.messaging.OutboxRelay;
import dev.cohort.orchestrator.rest.ConfiguredLength.Limit;
import dev.cohort.orchestrator.repository.MessageRepository;
import dev.cohort.orchestrator.service.PlanValidator;
import dev.cohort.orchestrator.service.TaskControlService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Commands on one task: plan approval, pause and resume, stopping one agent, extra subtasks, messages to agents. */
@Path("/api/tasks/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Task control", description = "Steer a running team; every command needs the operator role and is "
        + "recorded under the caller's name")
@RolesAllowed(Roles.OPERATOR)
public class TaskCommandResource {

    private final TaskControlService control;
    private final MessageRepository messages;
    private final OutboxRelay relay;
    private final Validator validator;
    private final SecurityIdentity caller;

    public TaskCommandResource(TaskControlService control, MessageRepository messages, OutboxRelay relay,
                               Validator validator, SecurityIdentity caller) {
        this.caller = caller;
        this.validator = validator;
        this.control = control;
        this.messages = messages;
        this.relay = relay;
    }

    /**
     * An edited plan: the lead's plan shape, each subtask optionally with a model. A {@code by} (or a message's
     * {@code from}) in a request is accepted and ignored: who gave a command is the caller's token.
     */
    public record ApproveRequest(String by, List<@NotNull @Valid EditedSubtask> subtasks) {
    }

    /** The rest of a subtask's shape, and the plan's graph, is {@link PlanValidator}'s. */
    public record EditedSubtask(@NotBlank String id, @NotBlank @KnownId(Role.class) String role, @NotBlank String title,
                                String instructions, List<String> dependsOn, List<String> reads, List<String> writes,
                                @Valid ModelChoice model) {
    }

    public record ModelChoice(@KnownId(Provider.class) String provider, String model) {
    }

    public record RejectRequest(String by, String reason) {
    }

    public record SpawnRequest(@NotBlank @KnownId(Role.class) String role,
                               @NotBlank @Size(max = PlanValidator.MAX_TITLE, message = Violations.AT_MOST)
                               String title,
                               @Size(max = PlanValidator.MAX_INSTRUCTIONS, message = Violations.AT_MOST)
                               String instructions,
                               List<String> dependsOn) {
    }

    public record StopRequest(String by, String reason) {
    }

    public record MessageRequest(String from, @NotNull @Valid Recipient to, @KnownId(MessageKind.class) String kind,
                                 @NotBlank @ConfiguredLength(Limit.MESSAGE) String text) {
    }

    public record Recipient(@NotNull
                            @Pattern(regexp = "(?i)\\s*(role|agent|team)\\s*", message = "must be role, agent or team")
                            String type,
                            @Size(max = 200, message = Violations.AT_MOST) String id) {
    }

    @POST
    @Path("/approve")
    @Consumes(MediaType.WILDCARD) // the body is optional: no body approves the plan as proposed
    @Operation(summary = "Approve the plan, as proposed or edited (roles, models, dependencies, instructions, "
            + "added or removed subtasks)")
    public Uni<TaskView> approve(@PathParam("id") String id, String body) throws JsonProcessingException {
        ApproveRequest request = optionalBody(body, ApproveRequest.class);
        String by = by();
        List<PlannedSubtask> edit = null;
        Map<String, ModelRef> models = new HashMap<>();
        if (request != null && request.subtasks() != null) {
            edit = new ArrayList<>();
            for (EditedSubtask s : request.subtasks()) {
                edit.add(new PlannedSubtask(s.id(), Role.fromId(s.role()), s.title(), s.instructions(), s.dependsOn(),
                        s.reads(), s.writes()));
                if (s.model() != null && s.model().model() != null) {
                    models.put(s.id(), new ModelRef(provider(s.model().provider()), s.model().model()));
                }
            }
        }
        return control.approve(TaskResource.parseId(id), by, edit, models).invoke(relay::kick).map(TaskView::of);
    }

    @POST
    @Path("/reject")
    @Consumes(MediaType.WILDCARD) // the body is optional
    @Operation(summary = "Reject the plan; the task ends")
    public Uni<TaskView> reject(@PathParam("id") String id, String body) throws JsonProcessingException {
        RejectRequest request = optionalBody(body, RejectRequest.class);
        return control.reject(TaskResource.parseId(id), by(),
                request == null ? null : request.reason()).invoke(relay::kick).map(TaskView::of);
    }

    @POST
    @Path("/pause")
    @Operation(summary = "Pause: nothing new is dispatched and attempts in flight are cancelled")
    public Uni<TaskView> pause(@PathParam("id") String id) {
        return control.pause(TaskResource.parseId(id), by()).invoke(relay::kick).map(TaskView::of);
    }

    @POST
    @Path("/resume")
    @Operation(summary = "Resume a paused task, optionally with a higher budget")
    public Uni<TaskView> resume(@PathParam("id") String id, @QueryParam("budgetUsd") @UsdAmount String budgetUsd) {
        return control.resume(TaskResource.parseId(id), by(), UsdAmount.Check.parse(budgetUsd)).invoke(relay::kick)
                .map(TaskView::of);
    }

    @POST
    @Path("/subtasks")
    @Operation(summary = "Add a subtask for a role, e.g. an extra review")
    public Uni<TaskView> spawn(@PathParam("id") String id, @Valid SpawnRequest request) {
        if (request == null) {
            throw ApiException.badRequest("send JSON with 'role' and 'title' (and optionally 'instructions', 'dependsOn')");
        }
        return control.spawn(TaskResource.parseId(id), Role.fromId(request.role()), request.title().strip(),
                        request.instructions() == null ? "" : request.instructions(),
                        request.dependsOn() == null ? List.of() : request.dependsOn())
                .invoke(relay::kick).map(TaskView::of);
    }

    @POST
    @Path("/subtasks/{subtask}/stop")
    @Consumes(MediaType.WILDCARD) // the body is optional
    @Operation(summary = "Stop one agent: cancel the attempt in flight of a subtask without stopping the task",
            description = "The subtask is named by its key (e.g. 'b') or its id; optional body {\"by\", \"reason\"}. "
                    + "The attempt's worker closes its model call, and whatever that attempt reports later is ignored. "
                    + "By default the subtask runs again at once as a new attempt (a stop is not counted as a failure). "
                    + "With retry=false it is cancelled instead, and the pending subtasks that depend on it are skipped; "
                    + "the rest of the team carries on and the lead's summary names what did not run. The lead's plan "
                    + "and summary can only be stopped with retry.")
    @APIResponse(responseCode = "200", description = "The task after the stop")
    @APIResponse(responseCode = "404", description = "No such task, or no such subtask in it")
    @APIResponse(responseCode = "409", description = "The subtask has no attempt in flight (pending or finished), "
            + "or it is the lead's plan or summary and retry=false")
    public Uni<TaskView> stop(@PathParam("id") String id, @PathParam("subtask") String subtask,
                              @QueryParam("retry") @DefaultValue("true")
                              @Pattern(regexp = "(?i)\\s*(true|false)\\s*", message = "must be true (run the subtask "
                                      + "again) or false (cancel it and skip what depends on it)") String retry,
                              String body)
            throws JsonProcessingException {
        StopRequest request = optionalBody(body, StopRequest.class);
        return control.stop(TaskResource.parseId(id), subtask, by(),
                request == null ? null : request.reason(), Boolean.parseBoolean(retry.strip()))
                .invoke(relay::kick).map(TaskView::of);
    }

    @POST
    @Path("/messages")
    @Operation(summary = "Send a message to an agent, a role or the whole team")
    public Uni<AgentMessage> message(@PathParam("id") String id, @Valid MessageRequest request) {
        if (request == null) {
            throw ApiException.badRequest("send JSON with 'to' ({type: role|agent|team, id}) and 'text'");
        }
        ParticipantType type = ParticipantType.fromId(request.to().type());
        Participant to = type == ParticipantType.TEAM ? Participant.TEAM
                : type == ParticipantType.ROLE ? Participant.role(parse(() -> Role.fromId(request.to().id()), "to.id"))
                : Participant.agent(require(request.to().id(), "to.id"));
        MessageKind kind = request.kind() == null || request.kind().isBlank() ? MessageKind.NOTE
                : MessageKind.fromId(request.kind());
        UUID taskId = TaskResource.parseId(id);
        AgentMessage message = new AgentMessage(taskId.toString(), Participant.person(by()), to, kind,
                request.text().strip(), null, null);
        return control.message(taskId, message).invoke(relay::kick);
    }

    @GET
    @Path("/messages")
    @RolesAllowed(Roles.VIEWER)
    @WithSession
    @Operation(summary = "The task's messages, oldest first")
    public Uni<List<AgentMessage>> messages(@PathParam("id") String id) {
        return messages.byTask(TaskResource.parseId(id)).map(list -> list.stream().map(MessageRecord::toEvent).toList());
    }

    /**
     * Commands whose body is optional read it whatever its content type, so a bare POST works too; it is checked
     * against its constraints here, as {@code @Valid} cannot see into a body read by hand.
     */
    private <T> T optionalBody(String body, Class<T> type) throws JsonProcessingException {
        return body == null || body.isBlank() ? null
                : Violations.check(validator, EventCodec.mapper().readValue(body, type));
    }

    /** Who gives the command: the caller's principal, never a name in the request. */
    private String by() {
        return Callers.name(caller);
    }

    private static Provider provider(String id) {
        return parse(() -> Provider.fromId(id), "model.provider");
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        return value;
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String field) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'" + field + "': " + e.getMessage());
        }
    }
}
