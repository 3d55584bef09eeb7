package dev.cohort.orchestrator.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.messaging.OutboxRelay;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import dev.cohort.orchestrator.rest.ApiException;
import dev.cohort.orchestrator.rest.CallerLimits;
import dev.cohort.orchestrator.rest.SubmitTaskRequest;
import dev.cohort.orchestrator.rest.TaskRequests;
import dev.cohort.orchestrator.rest.Violations;
import dev.cohort.orchestrator.service.CommandRejected;
import dev.cohort.orchestrator.service.OrchestrationService;
import dev.cohort.orchestrator.service.TaskControlService;
import dev.cohort.orchestrator.service.TaskService;
import dev.cohort.orchestrator.service.TaskSubmission;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The A2A operations on Cohort's tasks, with the checks, limits and events of the REST API: a message's text parts
 * become a task (or, naming a task, a note to its team), tasks are read, listed and cancelled, and streams follow a
 * task by looking at it every {@code cohort.a2a.poll-interval} until it ends. Parameters arrive as the JSON of the
 * specification's request objects; answers are its response objects.
 */
@ApplicationScoped
public class A2aService {

    static final int MAX_CONTEXT_ID = 256;
    static final int MAX_MESSAGE_ID = 256;
    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 100;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TaskRequests requests;
    private final TaskService submissions;
    private final TaskControlService control;
    private final OrchestrationService orchestration;
    private final TaskRepository tasks;
    private final SubtaskRepository subtasks;
    private final CallerLimits limits;
    private final OutboxRelay relay;
    private final OrchestratorConfig config;
    private final A2aConfig a2a;
    private final AtomicInteger streams = new AtomicInteger();
    private final Map<String, AtomicInteger> streamsByCaller = new ConcurrentHashMap<>();

    public A2aService(TaskRequests requests, TaskService submissions, TaskControlService control,
                      OrchestrationService orchestration, TaskRepository tasks, SubtaskRepository subtasks,
                      CallerLimits limits, OutboxRelay relay, OrchestratorConfig config, A2aConfig a2a) {
        this.requests = requests;
        this.submissions = submissions;
        this.control = control;
        this.orchestration = orchestration;
        this.tasks = tasks;
        this.subtasks = subtasks;
        this.limits = limits;
        this.relay = relay;
        this.config = config;
        this.a2a = a2a;
    }

    /** A task as it is now, with its subtasks. */
    record Snapshot(Task task, List<Subtask> subtasks) {

        String state() {
            return A2aTasks.state(task.statusValue());
        }
    }

    /** A validated {@code SendMessageRequest}. */
    record Incoming(String text, String taskId, String contextId, boolean returnImmediately, JsonNode cohort) {
    }

    /**
     * SendMessage: starts a task (or sends a note to a task's team) and answers a {@code SendMessageResponse} with the
     * task; unless {@code configuration.returnImmediately}, once the task has ended or needs input, or after
     * {@code cohort.a2a.blocking-timeout}.
     */
    public Uni<ObjectNode> send(JsonNode params, String caller, Context context) {
        Incoming incoming = incoming(params);
        return start(incoming, caller)
                .flatMap(task -> incoming.returnImmediately() ? snapshot(task.id)
                        : watch(task.id, context, s -> A2aProtocol.terminal(s.state())
                                        || A2aProtocol.interrupted(s.state()),
                                Instant.now().plus(a2a.blockingTimeout())).collect().last())
                .map(s -> {
                    ObjectNode response = JSON.objectNode();
                    response.set("task", A2aTasks.task(s.task(), s.subtasks(), true));
                    return response;
                });
    }

    /**
     * SendStreamingMessage: starts a task (or sends a note to a task's team) and streams {@code StreamResponse}s: the
     * task, then a status update each time its state or progress changes, and the summary artifact before the final
     * status; the stream ends with the task.
     */
    public Multi<ObjectNode> sendStreaming(JsonNode params, String caller, Context context) {
        Incoming incoming = incoming(params);
        return streamSlot(caller, () -> start(incoming, caller)
                .onItem().transformToMulti(task -> follow(task.id, context)));
    }

    /** SubscribeToTask: the stream of a task that has not ended, starting with the task as it is. */
    public Multi<ObjectNode> subscribe(JsonNode params, String caller, Context context) {
        UUID id = taskId(params);
        return streamSlot(caller, () -> snapshot(id).onItem().transformToMulti(s -> {
            if (A2aProtocol.terminal(s.state())) {
                throw A2aError.unsupportedOperation("task " + id + " has ended (" + s.state() + "); GetTask reads it");
            }
            return follow(id, context);
        }));
    }

    /** GetTask: the task with its status and artifacts. Cohort keeps no message history for A2A. */
    public Uni<ObjectNode> get(JsonNode params) {
        UUID id = taskId(params);
        historyLength(params.get("historyLength"), "historyLength");
        return snapshot(id).map(s -> A2aTasks.task(s.task(), s.subtasks(), true));
    }

    /** CancelTask: cancels a task that has not ended, as {@code POST /api/tasks/{id}/cancel} does. */
    public Uni<ObjectNode> cancel(JsonNode params, String caller) {
        UUID id = taskId(params);
        limits.take(caller);
        return snapshot(id).flatMap(before -> {
            if (A2aProtocol.terminal(before.state())) {
                throw A2aError.taskNotCancelable(id.toString(), before.state());
            }
            return orchestration.cancel(id, caller, null);
        }).flatMap(task -> {
            if (task == null) {
                throw A2aError.taskNotFound(id.toString());
            }
            if (task.statusValue() != TaskStatus.CANCELLED) {
                throw A2aError.taskNotCancelable(id.toString(), A2aTasks.state(task.statusValue()));
            }
            relay.kick();
            return snapshot(id);
        }).map(s -> A2aTasks.task(s.task(), s.subtasks(), true));
    }

    /**
     * ListTasks: tasks, most recently updated first, optionally of one context, in one state or updated since a time;
     * pages are cursors ({@code pageToken}) over the update time and id.
     */
    public Uni<ObjectNode> list(JsonNode params) {
        JsonNode p = params == null || params.isNull() ? JSON.objectNode() : params;
        if (!p.isObject()) {
            throw A2aError.invalidParams("params", "must be a ListTasksRequest object");
        }
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> values = new HashMap<>();
        String contextId = optionalString(p, "contextId");
        if (contextId != null && !contextId.isEmpty()) {
            UUID asTaskId = uuidOrNull(contextId);
            where.append(asTaskId == null ? " and contextId = :context"
                    : " and (contextId = :context or (contextId is null and id = :contextTask))");
            values.put("context", contextId);
            if (asTaskId != null) {
                values.put("contextTask", asTaskId);
            }
        }
        String state = optionalString(p, "status");
        if (state != null && !state.isEmpty() && !state.equals("TASK_STATE_UNSPECIFIED")) {
            if (!state.matches("TASK_STATE_[A-Z_]+")) {
                throw A2aError.invalidParams("status", "must be a TaskState such as TASK_STATE_WORKING, was '"
                        + state + "'");
            }
            List<String> statuses = A2aTasks.statuses(state).stream().map(TaskStatus::id).toList();
            if (statuses.isEmpty()) {
                where.append(" and 1 = 0");
            } else {
                where.append(" and status in :statuses");
                values.put("statuses", statuses);
            }
        }
        String after = optionalString(p, "statusTimestampAfter");
        if (after != null && !after.isEmpty()) {
            where.append(" and updatedAt >= :after");
            values.put("after", instant(after, "statusTimestampAfter"));
        }
        int pageSize = DEFAULT_PAGE_SIZE;
        JsonNode size = p.get("pageSize");
        if (size != null && !size.isNull()) {
            if (!size.canConvertToInt() || !size.isIntegralNumber() || size.intValue() < 1
                    || size.intValue() > MAX_PAGE_SIZE) {
                throw A2aError.invalidParams("pageSize", "must be a whole number from 1 to " + MAX_PAGE_SIZE);
            }
            pageSize = size.intValue();
        }
        historyLength(p.get("historyLength"), "historyLength");
        JsonNode include = p.get("includeArtifacts");
        if (include != null && !include.isNull() && !include.isBoolean()) {
            throw A2aError.invalidParams("includeArtifacts", "must be true or false");
        }
        boolean withArtifacts = include != null && include.asBoolean(false);
        String filter = where.toString();
        Map<String, Object> filterValues = Map.copyOf(values);
        String token = optionalString(p, "pageToken");
        if (token != null && !token.isEmpty()) {
            Cursor cursor = Cursor.parse(token);
            where.append(" and (updatedAt < :cursorTime or (updatedAt = :cursorTime and id < :cursorId))");
            values.put("cursorTime", cursor.updatedAt());
            values.put("cursorId", cursor.id());
        }
        int limit = pageSize;
        return Panache.withSession(() -> tasks.count(filter, filterValues)
                .flatMap(total -> tasks.find(where.toString(), Sort.descending("updatedAt", "id"), values)
                        .page(Page.ofSize(limit + 1)).list()
                        .map(found -> {
                            ObjectNode response = JSON.objectNode();
                            ArrayNode list = response.putArray("tasks");
                            found.stream().limit(limit).forEach(t -> list.add(A2aTasks.task(t, null, withArtifacts)));
                            response.put("nextPageToken", found.size() > limit
                                    ? new Cursor(found.get(limit - 1).updatedAt, found.get(limit - 1).id).token() : "");
                            response.put("pageSize", limit);
                            response.put("totalSize", total.intValue());
                            return response;
                        })));
    }

    /** Where a page of ListTasks ends: the update time and id of its last task. */
    record Cursor(Instant updatedAt, UUID id) {

        String token() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((updatedAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String token) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
                return new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException | DateTimeParseException e) {
                throw A2aError.invalidParams("pageToken", "is not a token this agent gave out; send the "
                        + "nextPageToken of the previous page, or none for the first");
            }
        }
    }

    /** A new task from the message, or a note to the team of the task it names. */
    private Uni<Task> start(Incoming incoming, String caller) {
        if (incoming.taskId() != null) {
            return followUp(incoming, caller);
        }
        JsonNode cohort = incoming.cohort();
        SubmitTaskRequest request = new SubmitTaskRequest(optionalString(cohort, "title"), incoming.text(),
                stringList(cohort, "roles"), optionalString(cohort, "approvalMode"),
                cohort.hasNonNull("budgetUsd") ? cohort.get("budgetUsd").asText() : null,
                optionalString(cohort, "template"));
        TaskSubmission submission;
        try {
            submission = requests.validate(request);
        } catch (ApiException e) {
            throw A2aError.invalidParams("message", e.getMessage());
        } catch (ConstraintViolationException e) {
            throw A2aError.invalidParams("message", Violations.describe(e.getConstraintViolations()));
        }
        limits.take(caller);
        return limits.mayStartTask(caller)
                .chain(() -> submissions.submit(submission, caller, incoming.contextId()))
                .invoke(relay::kick);
    }

    /** A message that names a task: a note to its team, while the task has not ended. */
    private Uni<Task> followUp(Incoming incoming, String caller) {
        UUID id = uuidOrNull(incoming.taskId());
        if (id == null) {
            throw A2aError.taskNotFound(incoming.taskId());
        }
        if (incoming.text().length() > config.maxMessageLength()) {
            throw A2aError.invalidParams("message.parts", "hold " + incoming.text().length() + " characters; a "
                    + "message to a task's team may have at most " + config.maxMessageLength());
        }
        limits.take(caller);
        return snapshot(id).flatMap(s -> {
            if (incoming.contextId() != null && !incoming.contextId().equals(A2aTasks.contextId(s.task()))) {
                throw A2aError.invalidParams("message.contextId", "is not the context of task " + id + " ("
                        + A2aTasks.contextId(s.task()) + ")");
            }
            if (A2aProtocol.terminal(s.state())) {
                throw A2aError.unsupportedOperation("task " + id + " has ended (" + s.state() + ") and takes no "
                        + "more messages; send a message without a taskId to start a new one");
            }
            AgentMessage note = new AgentMessage(id.toString(), Participant.person(caller), Participant.TEAM,
                    MessageKind.NOTE, incoming.text(), null, null);
            return control.message(id, note)
                    .onFailure(CommandRejected.class).transform(e -> ((CommandRejected) e).status() == 404
                            ? A2aError.taskNotFound(id.toString())
                            : A2aError.unsupportedOperation(e.getMessage()))
                    .invoke(relay::kick)
                    .replaceWith(s.task());
        });
    }

    /** The stream of one task: the task, then its changes, until it ends. */
    private Multi<ObjectNode> follow(UUID id, Context context) {
        return Multi.createFrom().deferred(() -> {
            String[] last = {null};
            return watch(id, context, s -> A2aProtocol.terminal(s.state()), null)
                    .onItem().transformToIterable(s -> {
                        List<ObjectNode> events = new ArrayList<>();
                        String seen = s.state() + "\n" + A2aTasks.statusText(s.task(), s.subtasks());
                        if (last[0] == null) {
                            ObjectNode first = JSON.objectNode();
                            first.set("task", A2aTasks.task(s.task(), s.subtasks(), true));
                            events.add(first);
                        } else if (!seen.equals(last[0])) {
                            ObjectNode summary = A2aTasks.summaryArtifact(s.task());
                            if (summary != null) {
                                events.add(A2aTasks.artifactUpdate(s.task(), summary));
                            }
                            events.add(A2aTasks.statusUpdate(s.task(), s.subtasks()));
                        }
                        last[0] = seen;
                        return events;
                    });
        });
    }

    /**
     * The task every poll interval, until {@code last} holds for it or the deadline (if any) has passed; on the
     * request's Vert.x context, which the reactive database client needs.
     */
    Multi<Snapshot> watch(UUID id, Context context, Predicate<Snapshot> last, Instant deadline) {
        return Multi.createFrom().emitter(emitter -> poll(id, context, last, deadline, emitter));
    }

    private void poll(UUID id, Context context, Predicate<Snapshot> last, Instant deadline,
                      MultiEmitter<? super Snapshot> emitter) {
        if (emitter.isCancelled()) {
            return;
        }
        context.runOnContext(ignored -> snapshot(id).subscribe().with(s -> {
            emitter.emit(s);
            if (last.test(s) || (deadline != null && !Instant.now().isBefore(deadline))) {
                emitter.complete();
            } else if (!emitter.isCancelled()) {
                context.owner().setTimer(Math.max(1, a2a.pollInterval().toMillis()),
                        timer -> poll(id, context, last, deadline, emitter));
            }
        }, emitter::fail));
    }

    /** The task and its subtasks, or TaskNotFoundError. */
    Uni<Snapshot> snapshot(UUID id) {
        return Panache.withSession(() -> tasks.findById(id).flatMap(task -> {
            if (task == null) {
                throw A2aError.taskNotFound(id.toString());
            }
            return subtasks.byTask(id).map(list -> new Snapshot(task, list));
        }));
    }

    /** Counts a caller's open stream while it lasts; too many answer 429, like the dashboard's streams. */
    private Multi<ObjectNode> streamSlot(String caller, Supplier<Multi<ObjectNode>> stream) {
        AtomicInteger mine = streamsByCaller.computeIfAbsent(caller, k -> new AtomicInteger());
        if (streams.incrementAndGet() > a2a.maxStreams()) {
            streams.decrementAndGet();
            throw ApiException.tooMany("this orchestrator has " + a2a.maxStreams() + " A2A streams open, the most "
                    + "allowed (cohort.a2a.max-streams)", 5);
        }
        if (mine.incrementAndGet() > a2a.maxStreamsPerPrincipal()) {
            mine.decrementAndGet();
            streams.decrementAndGet();
            throw ApiException.tooMany(caller + " has " + a2a.maxStreamsPerPrincipal() + " A2A streams open, the "
                    + "most allowed (cohort.a2a.max-streams-per-principal)", 5);
        }
        Runnable release = () -> {
            mine.decrementAndGet();
            streams.decrementAndGet();
        };
        try {
            return stream.get().onTermination().invoke(release);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    /** Checks a {@code SendMessageRequest} and takes what Cohort uses from it. */
    static Incoming incoming(JsonNode params) {
        if (params == null || !params.isObject()) {
            throw A2aError.invalidParams("params", "must be a SendMessageRequest object with a 'message'");
        }
        JsonNode message = params.get("message");
        if (message == null || !message.isObject()) {
            throw A2aError.invalidParams("message", "is required: the Message to send");
        }
        JsonNode role = message.get("role");
        if (role == null || !(role.asText().equals("ROLE_USER") || (role.isIntegralNumber() && role.intValue() == 1))) {
            throw A2aError.invalidParams("message.role", "must be ROLE_USER: a client's message to the agent");
        }
        String messageId = optionalString(message, "messageId");
        if (messageId == null || messageId.isBlank()) {
            throw A2aError.invalidParams("message.messageId", "is required");
        }
        if (messageId.length() > MAX_MESSAGE_ID) {
            throw A2aError.invalidParams("message.messageId", "may have at most " + MAX_MESSAGE_ID + " characters");
        }
        JsonNode parts = message.get("parts");
        if (parts == null || !parts.isArray() || parts.isEmpty()) {
            throw A2aError.invalidParams("message.parts", "must hold at least one part");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            String where = "message.parts[" + i + "]";
            if (!part.isObject()) {
                throw A2aError.invalidParams(where, "must be a Part object");
            }
            String mediaType = optionalString(part, "mediaType");
            if (part.hasNonNull("raw") || part.hasNonNull("url") || part.hasNonNull("data")) {
                throw A2aError.contentTypeNotSupported(where + " is a file or data part; Cohort takes text parts "
                        + "(defaultInputModes text/plain, text/markdown): describe the task in words");
            }
            JsonNode text = part.get("text");
            if (text == null || !text.isTextual()) {
                throw A2aError.invalidParams(where, "has no content: a text part needs 'text'");
            }
            if (mediaType != null && !mediaType.isEmpty() && !mediaType.toLowerCase(Locale.ROOT)
                    .startsWith("text/")) {
                throw A2aError.contentTypeNotSupported(where + " has media type " + mediaType + "; Cohort takes "
                        + "text (text/plain, text/markdown)");
            }
            if (!text.asText().isBlank()) {
                texts.add(text.asText().strip());
            }
        }
        if (texts.isEmpty()) {
            throw A2aError.invalidParams("message.parts", "hold no text: say what the team should build");
        }
        String contextId = optionalString(message, "contextId");
        if (contextId != null && contextId.isEmpty()) {
            contextId = null;
        }
        if (contextId != null && (contextId.length() > MAX_CONTEXT_ID
                || contextId.chars().anyMatch(Character::isISOControl))) {
            throw A2aError.invalidParams("message.contextId", "must be 1 to " + MAX_CONTEXT_ID
                    + " characters without control characters");
        }
        String taskId = optionalString(message, "taskId");
        boolean returnImmediately = false;
        JsonNode configuration = params.get("configuration");
        if (configuration != null && !configuration.isNull()) {
            if (!configuration.isObject()) {
                throw A2aError.invalidParams("configuration", "must be a SendMessageConfiguration object");
            }
            JsonNode push = configuration.get("taskPushNotificationConfig");
            if (push != null && !push.isNull()) {
                throw A2aError.pushNotificationNotSupported();
            }
            JsonNode modes = configuration.get("acceptedOutputModes");
            if (modes != null && modes.isArray() && !modes.isEmpty() && !acceptsText(modes)) {
                throw A2aError.contentTypeNotSupported("Cohort answers in text (text/plain, text/markdown), which "
                        + "configuration.acceptedOutputModes does not accept");
            }
            historyLength(configuration.get("historyLength"), "configuration.historyLength");
            JsonNode immediately = configuration.get("returnImmediately");
            if (immediately != null && !immediately.isNull()) {
                if (!immediately.isBoolean()) {
                    throw A2aError.invalidParams("configuration.returnImmediately", "must be true or false");
                }
                returnImmediately = immediately.booleanValue();
            }
        }
        JsonNode metadata = params.get("metadata");
        JsonNode cohort = metadata != null && metadata.isObject() && metadata.get("cohort") != null
                ? metadata.get("cohort") : JSON.objectNode();
        if (!cohort.isObject()) {
            throw A2aError.invalidParams("metadata.cohort", "must be an object: {title?, roles?, approvalMode?, "
                    + "budgetUsd?, template?}");
        }
        return new Incoming(String.join("\n\n", texts), taskId == null || taskId.isEmpty() ? null : taskId,
                contextId, returnImmediately, cohort);
    }

    private static boolean acceptsText(JsonNode modes) {
        for (JsonNode mode : modes) {
            String m = mode.asText().toLowerCase(Locale.ROOT).strip();
            if (m.equals("*/*") || m.equals("text/*") || m.startsWith("text/plain") || m.startsWith("text/markdown")) {
                return true;
            }
        }
        return false;
    }

    private static UUID taskId(JsonNode params) {
        if (params == null || !params.isObject()) {
            throw A2aError.invalidParams("params", "must be an object with the task's 'id'");
        }
        String id = optionalString(params, "id");
        if (id == null || id.isBlank()) {
            throw A2aError.invalidParams("id", "is required: the task's id");
        }
        UUID uuid = uuidOrNull(id.strip());
        if (uuid == null) {
            throw A2aError.taskNotFound(id);
        }
        return uuid;
    }

    private static void historyLength(JsonNode value, String field) {
        if (value != null && !value.isNull() && (!value.isIntegralNumber() || !value.canConvertToInt()
                || value.intValue() < 0)) {
            throw A2aError.invalidParams(field, "must be a whole number, 0 or more");
        }
    }

    private static Instant instant(String value, String field) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw A2aError.invalidParams(field, "must be an ISO 8601 UTC timestamp such as 2026-01-31T10:00:00Z");
        }
    }

    /** A string field; also under its proto name in snake case, which ProtoJSON readers accept too. */
    static String optionalString(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            value = node.get(snakeCase(field));
        }
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw A2aError.invalidParams(field, "must be a string");
        }
        return value.asText();
    }

    private static List<String> stringList(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw A2aError.invalidParams("metadata.cohort." + field, "must be an array of strings");
        }
        List<String> list = new ArrayList<>();
        value.forEach(v -> list.add(v.asText()));
        return list;
    }

    private static String snakeCase(String field) {
        return field.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    private static UUID uuidOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
