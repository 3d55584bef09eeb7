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
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.MessageRecord;
import dev.cohort.orchestrator.messaging.OutboxRelay;
import dev.cohort.orchestrator.repository.MessageRepository;
import dev.cohort.orchestrator.service.PlanValidator;
import dev.cohort.orchestrator.service.TaskControlService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
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
    private final OrchestratorConfig config;
    private final SecurityIdentity caller;

    public TaskCommandResource(TaskControlService control, MessageRepository messages, OutboxRelay relay,
                               OrchestratorConfig config, SecurityIdentity caller) {
        this.caller = caller;
        this.config = config;
        this.control = control;
        this.messages = messages;
        this.relay = relay;
    }

    /**
     * An edited plan: the lead's plan shape, each subtask optionally with a model. A {@code by} (or a message's
     * {@code from}) in a request is accepted and ignored: who gave a command is the caller's token.
     */
    public record ApproveRequest(String by, List<EditedSubtask> subtasks) {
    }

    public record EditedSubtask(String id, String role, String title, String instructions, List<String> dependsOn,
                                List<String> reads, List<String> writes, ModelChoice model) {
    }

    public record ModelChoice(String provider, String model) {
    }

    public record RejectRequest(String by, String reason) {
    }

    public record SpawnRequest(String role, String title, String instructions, List<String> dependsOn) {
    }

    public record StopRequest(String by, String reason) {
    }

    public record MessageRequest(String from, Recipient to, String kind, String text) {
    }

    public record Recipient(String type, String id) {
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
                if (s.id() == null || s.role() == null || s.title() == null) {
                    throw ApiException.badRequest("every edited subtask needs 'id', 'role' and 'title'");
                }
                edit.add(new PlannedSubtask(s.id(), role(s.role()), s.title(), s.instructions(), s.dependsOn(), s.reads(),
                        s.writes()));
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
    public Uni<TaskView> resume(@PathParam("id") String id, @QueryParam("budgetUsd") String budgetUsd) {
        BigDecimal budget = null;
        if (budgetUsd != null && !budgetUsd.isBlank()) {
            try {
                budget = new BigDecimal(budgetUsd.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("'budgetUsd' must be an amount of US dollars such as 5.00");
            }
            if (budget.signum() <= 0) {
                throw ApiException.badRequest("'budgetUsd' must be positive");
            }
        }
        return control.resume(TaskResource.parseId(id), by(), budget).invoke(relay::kick).map(TaskView::of);
    }

    @POST
    @Path("/subtasks")
    @Operation(summary = "Add a subtask for a role, e.g. an extra review")
    public Uni<TaskView> spawn(@PathParam("id") String id, SpawnRequest request) {
        if (request == null || request.role() == null || request.title() == null || request.title().isBlank()) {
            throw ApiException.badRequest("send JSON with 'role' and 'title' (and optionally 'instructions', 'dependsOn')");
        }
        if (request.title().strip().length() > PlanValidator.MAX_TITLE) {
            throw ApiException.badRequest("'title' has " + request.title().strip().length()
                    + " characters; the limit is " + PlanValidator.MAX_TITLE);
        }
        if (request.instructions() != null && request.instructions().length() > PlanValidator.MAX_INSTRUCTIONS) {
            throw ApiException.badRequest("'instructions' has " + request.instructions().length()
                    + " characters; the limit is " + PlanValidator.MAX_INSTRUCTIONS);
        }
        return control.spawn(TaskResource.parseId(id), role(request.role()), request.title().strip(),
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
                              @QueryParam("retry") @DefaultValue("true") String retry, String body)
            throws JsonProcessingException {
        StopRequest request = optionalBody(body, StopRequest.class);
        boolean again = switch (retry.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("'retry' must be true (run the subtask again) or false "
                    + "(cancel it and skip what depends on it), was '" + retry + "'");
        };
        return control.stop(TaskResource.parseId(id), subtask, by(),
                request == null ? null : request.reason(), again).invoke(relay::kick).map(TaskView::of);
    }

    @POST
    @Path("/messages")
    @Operation(summary = "Send a message to an agent, a role or the whole team")
    public Uni<AgentMessage> message(@PathParam("id") String id, MessageRequest request) {
        if (request == null || request.to() == null || request.text() == null || request.text().isBlank()) {
            throw ApiException.badRequest("send JSON with 'to' ({type: role|agent|team, id}) and 'text'");
        }
        if (request.text().length() > config.maxMessageLength()) {
            throw ApiException.badRequest("'text' has " + request.text().length() + " characters; the limit is "
                    + config.maxMessageLength());
        }
        if (request.to().id() != null && request.to().id().length() > 200) {
            throw ApiException.badRequest("'to.id' may have at most 200 characters");
        }
        ParticipantType type = parse(() -> ParticipantType.fromId(request.to().type()), "to.type");
        if (type == ParticipantType.PERSON) {
            throw ApiException.badRequest("'to.type' must be role, agent or team");
        }
        Participant to = type == ParticipantType.TEAM ? Participant.TEAM
                : type == ParticipantType.ROLE ? Participant.role(role(request.to().id()))
                : Participant.agent(require(request.to().id(), "to.id"));
        MessageKind kind = request.kind() == null ? MessageKind.NOTE : parse(() -> MessageKind.fromId(request.kind()), "kind");
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

    /** Commands whose body is optional read it whatever its content type, so a bare POST works too. */
    private static <T> T optionalBody(String body, Class<T> type) throws JsonProcessingException {
        return body == null || body.isBlank() ? null : EventCodec.mapper().readValue(body, type);
    }

    /** Who gives the command: the caller's principal, never a name in the request. */
    private String by() {
        return Callers.name(caller);
    }

    private static Role role(String id) {
        return parse(() -> Role.fromId(id), "role");
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
