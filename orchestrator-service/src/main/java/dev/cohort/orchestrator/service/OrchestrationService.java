package dev.cohort.orchestrator.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentHeartbeat;
import dev.cohort.contracts.event.AgentProgress;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.AgentThrottled;
import dev.cohort.contracts.event.AgentToolCalled;
import dev.cohort.contracts.event.TaskAwaitingApproval;
import dev.cohort.contracts.event.TaskCancelled;
import dev.cohort.contracts.event.TaskCompleted;
import dev.cohort.contracts.event.TaskFailed;
import dev.cohort.contracts.event.TaskPlanned;
import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.TaskStatus;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.Usage;
import java.util.ArrayList;
import dev.cohort.contracts.model.Verification;
import dev.cohort.orchestrator.config.AdmissionConfig;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import dev.cohort.orchestrator.domain.Subtask;
import dev.cohort.orchestrator.domain.SubtaskOutline;
import dev.cohort.orchestrator.domain.Task;
import dev.cohort.orchestrator.repository.AttemptRepository;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The task state machine. Every change happens in one transaction that locks the task row, so agent events,
 * lease sweeps and people's commands on the same task never interleave; each change writes its events to the
 * outbox in that transaction. Agent events are applied at most once (by event id) and only for the current
 * attempt of a subtask (by attempt number and lease token).
 */
@ApplicationScoped
public class OrchestrationService {

    static final String PLAN_KEY = SubtaskFactory.PLAN_KEY;
    /** The longest task summary kept on the task and sent in its completion event, in characters. */
    static final int MAX_SUMMARY = 100_000;

    private final TaskRepository tasks;
    private final SubtaskRepository subtasks;
    private final AttemptRepository attempts;
    private final Dispatcher dispatcher;
    private final TaskEvents events;
    private final OrchestratorConfig config;
    private final EstimateService estimates;
    private final CooperationService cooperation;
    private final DatabaseClock clock;
    private final TaskGraphs graphs;
    private final SubtaskFactory factory;
    private final ReadyWork ready;

    private final WorkloadMetrics workloadMetrics;
    private final ModelAdmission admission;
    private final AdmissionConfig admissionConfig;
    private final Event<ModelSlotFreed> slotFreed;

    public OrchestrationService(TaskRepository tasks, SubtaskRepository subtasks, AttemptRepository attempts,
                                Dispatcher dispatcher, TaskEvents events,
                                OrchestratorConfig config, EstimateService estimates, CooperationService cooperation,
                                DatabaseClock clock, WorkloadMetrics workloadMetrics, ModelAdmission admission,
                                AdmissionConfig admissionConfig, Event<ModelSlotFreed> slotFreed, TaskGraphs graphs,
                                SubtaskFactory factory, ReadyWork ready) {
        this.graphs = graphs;
        this.factory = factory;
        this.ready = ready;
        this.slotFreed = slotFreed;
        this.clock = clock;
        this.admission = admission;
        this.admissionConfig = admissionConfig;
        this.workloadMetrics = workloadMetrics;
        this.estimates = estimates;
        this.cooperation = cooperation;
        this.tasks = tasks;
        this.subtasks = subtasks;
        this.attempts = attempts;
        this.dispatcher = dispatcher;
        this.events = events;
        this.config = config;
    }

    /**
     * Starts a new task: its lead plans first, or, for a workflow template, the template's fixed plan is adopted
     * without a planning call. Call inside the transaction that stored the task.
     */
    public Uni<Void> startPlanning(Task task) {
        if (task.template != null) {
            TaskGraph graph = new TaskGraph(task, List.of());
            return adoptPlan(graph, WorkflowTemplates.plan(task.template, task.description));
        }
        task.status(TaskStatus.PLANNING, null);
        Subtask plan = factory.newSubtask(task, PLAN_KEY, Role.LEAD, SubtaskKind.PLAN, "Plan the task",
                planInstructions(task, List.of()), List.of());
        TaskGraph graph = new TaskGraph(task, List.of(plan));
        return subtasks.persist(plan).chain(() -> dispatcher.dispatch(graph, plan, "planning"));
    }

    /** Applies an agent event once. Heartbeats and progress only renew the lease of the current attempt. */
    public Uni<Void> onAgentEvent(AgentEvent event) {
        UUID taskId = UUID.fromString(event.taskId());
        if (event instanceof AgentThrottled throttled) {
            // A provider is overloaded: no new work for the model, on every replica, while the worker waits to call
            // again. Pausing twice is harmless; nothing of the task changes.
            Duration pause = ModelAdmission.pause(throttled.retryAfterSeconds(), admissionConfig);
            return admissionConfig.enabled()
                    ? Panache.withTransaction(() -> admission.overloaded(throttled.model(), pause, throttled.reason()))
                    : Uni.createFrom().voidItem();
        }
        if (event instanceof AgentHeartbeat || event instanceof AgentProgress || event instanceof AgentToolCalled) {
            // The most frequent events: one conditional update of the current attempt's row, without locking the
            // task or loading its graph. Anything else (an older attempt, an unknown task or subtask) takes the
            // general path. Renewing a lease twice is harmless, so these are not recorded as processed.
            // A tool call shows the attempt at work like a heartbeat, with the tool as its phase.
            AgentProgress progress = event instanceof AgentProgress p ? p : null;
            String phase = event instanceof AgentToolCalled tool ? "tool " + tool.tool()
                    : progress == null ? null : progress.phase();
            return Panache.withTransaction(() -> subtasks.renewLease(taskId, UUID.fromString(event.subtaskId()),
                            event.attempt(), leaseToken(event), clock.now().plus(config.leaseTtl()),
                            progress == null ? null : progress.tokens(), phase)
                    .flatMap(renewed -> renewed == 1 ? Uni.createFrom().voidItem()
                            : graphs.withRecordGraph(taskId, null, graph -> apply(graph, event))));
        }
        // Anything else takes effect once: the event is recorded as applied in the transaction of its change.
        String eventId = event.eventId();
        return Panache.withTransaction(() -> {
            if (event instanceof AgentStarted) {
                // A start changes its own subtask only: the task and that one row, whatever the size of the graph.
                return graphs.withRecordSubtask(taskId, eventId, UUID.fromString(event.subtaskId()),
                        graph -> apply(graph, event));
            }
            if (event instanceof AgentCompleted done && changesOnlyAround(done)) {
                // A piece of work done: itself and what it makes ready, whatever the size of the graph.
                return graphs.withRecordPart(taskId, eventId, (task, outline) ->
                                task.statusValue() != TaskStatus.RUNNING || reachesBudget(task, done.usage()) ? null
                                        : TaskGraph.aroundCompletion(outline, UUID.fromString(done.subtaskId()),
                                                done.attempt()),
                        graph -> apply(graph, event));
            }
            return graphs.withRecordGraph(taskId, eventId, graph -> apply(graph, event));
        });
    }

    /**
     * Whether an agent event may be applied together with others of its task ({@link #onAgentEvents}): every report
     * of an attempt, not a provider's overload, which changes no task.
     */
    public static boolean appliesTogether(AgentEvent event) {
        return !(event instanceof AgentThrottled);
    }

    /**
     * Applies agent events of one task, in order, in one transaction: the same changes as {@link #onAgentEvent} one
     * by one, with the task locked once and the subtasks they change loaded once. Starts, heartbeats and completions
     * that change only their surroundings load those; anything else the whole graph. A failure rolls back all of them.
     */
    public Uni<Void> onAgentEvents(List<AgentEvent> batch) {
        if (batch.size() == 1) {
            return onAgentEvent(batch.get(0));
        }
        UUID taskId = UUID.fromString(batch.get(0).taskId());
        for (AgentEvent event : batch) {
            if (!appliesTogether(event) || !event.taskId().equals(batch.get(0).taskId())) {
                return Uni.createFrom().failure(new IllegalArgumentException("not one task's reports to apply "
                        + "together: " + event.type() + " of task " + event.taskId()));
            }
        }
        return Panache.withTransaction(() -> graphs.withRecordsPart(taskId, batch,
                // Heartbeats, progress and tool calls are harmless to repeat, as on their own.
                event -> event instanceof AgentHeartbeat || event instanceof AgentProgress
                        || event instanceof AgentToolCalled ? null : event.eventId(),
                OrchestrationService::partFor,
                (graph, fresh) -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (AgentEvent event : fresh) {
                        chain = chain.chain(() -> apply(graph, event));
                    }
                    return chain;
                }));
    }

    /** The subtasks agent events of one task change, with what their completions make ready; null: the whole graph. */
    private static Set<UUID> partFor(Task task, List<SubtaskOutline> outline, List<AgentEvent> events) {
        Set<UUID> named = new LinkedHashSet<>();
        Map<UUID, Integer> completing = new LinkedHashMap<>();
        BigDecimal cost = BigDecimal.ZERO;
        for (AgentEvent event : events) {
            UUID subtaskId = UUID.fromString(event.subtaskId());
            if (event instanceof AgentCompleted done) {
                if (!changesOnlyAround(done) || completing.containsKey(subtaskId)) {
                    return null;
                }
                completing.put(subtaskId, done.attempt());
                cost = cost.add(done.usage() == null || done.usage().costUsd() == null ? BigDecimal.ZERO
                        : done.usage().costUsd());
            } else if (event instanceof AgentStarted || event instanceof AgentHeartbeat
                    || event instanceof AgentProgress || event instanceof AgentToolCalled) {
                named.add(subtaskId);
            } else {
                return null;
            }
        }
        if (!completing.isEmpty()) {
            if (task.statusValue() != TaskStatus.RUNNING
                    || task.budgetUsd != null && task.costUsd.add(cost).compareTo(task.budgetUsd) >= 0) {
                return null;
            }
            Set<UUID> around = TaskGraph.aroundCompletions(outline, completing);
            if (around == null) {
                return null;
            }
            named.addAll(around);
        }
        return named;
    }

    /**
     * Reclaims attempts whose lease expired, dispatches again what no worker started by its deadline, and
     * dispatches retries whose back-off has passed. {@code now} is the database's time; {@code reclaimBefore} the
     * time up to which every agent event has been applied (null: nothing may be reclaimed now). A lease or deadline
     * counts as passed only when it ended before that: a heartbeat or start that is still unread keeps it.
     */
    public Uni<Void> sweep(Instant now, Instant reclaimBefore) {
        Instant expiredBefore = reclaimBefore == null ? null : reclaimBefore.isBefore(now) ? reclaimBefore : now;
        boolean reclaim = expiredBefore != null;
        return Panache.withSession(() -> (reclaim ? subtasks.tasksWithExpiredLeases(expiredBefore, 100)
                        : Uni.createFrom().item(List.<UUID>of()))
                        .flatMap(expired -> subtasks.tasksWithDueRetries(now, 100)
                                .map(due -> java.util.stream.Stream.concat(expired.stream(), due.stream())
                                        .distinct().toList())))
                .onItem().transformToMulti(ids -> Multi.createFrom().iterable(ids))
                .onItem().transformToUniAndConcatenate(taskId ->
                        Panache.withTransaction(() -> graphs.withGraph(taskId, graph -> sweep(graph, expiredBefore))))
                .collect().last().replaceWithVoid();
    }

    public Uni<Task> cancel(UUID taskId, String by, String reason) {
        return Panache.withTransaction(() -> tasks.lock(taskId).flatMap(task -> {
            if (task == null || task.finished()) {
                return Uni.createFrom().item(task);
            }
            return subtasks.byTask(taskId)
                    .flatMap(list -> finishOpenSubtasks(new TaskGraph(task, list), SubtaskStatus.CANCELLED, "task cancelled"))
                    .invoke(() -> task.status(TaskStatus.CANCELLED, reason == null ? "cancelled by " + by : reason))
                    .call(() -> events.publish(new TaskCancelled(task.id.toString(), by, reason)))
                    .replaceWith(task);
        }));
    }

    /**
     * Fails a task that is still open, with a reason and a reference to what caused it (a dead letter, an outbox row
     * set aside). Call inside a transaction.
     */
    public Uni<Void> failTask(UUID taskId, String reason, String reference) {
        return graphs.withGraph(taskId, graph -> {
            if (graph.task().finished()) {
                return Uni.createFrom().voidItem();
            }
            graph.task().status(TaskStatus.FAILED, reason);
            return finishOpenSubtasks(graph, SubtaskStatus.SKIPPED, "task failed")
                    .call(() -> events.publish(new TaskFailed(graph.task().id.toString(), reason, reference)));
        });
    }

    /** Fails the task a dead-lettered record belonged to, if its key names one that is still open. */
    public Uni<Void> failForDeadLetter(String key, String deadLetter, String reason) {
        UUID taskId;
        try {
            taskId = key == null ? null : UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            taskId = null;
        }
        if (taskId == null) {
            return Uni.createFrom().voidItem();
        }
        UUID id = taskId;
        return Panache.withTransaction(() -> failTask(id, "an event of this task could not be applied and was "
                + "dead-lettered (" + deadLetter + "): " + reason, deadLetter));
    }


    /**
     * A result that changes nothing but its subtask and what that makes ready: no messages or conflicts to apply,
     * and no failed check to start a fix round.
     */
    private static boolean changesOnlyAround(AgentCompleted done) {
        return done.messages().isEmpty() && done.conflicts().isEmpty()
                && (done.verification() == null || done.verification().passed());
    }

    /** Whether the task's spending reaches its budget with this usage added (then the task pauses). */
    private static boolean reachesBudget(Task task, Usage usage) {
        if (task.budgetUsd == null) {
            return false;
        }
        BigDecimal cost = usage == null || usage.costUsd() == null ? BigDecimal.ZERO : usage.costUsd();
        return task.costUsd.add(cost).compareTo(task.budgetUsd) >= 0;
    }

    private Uni<Void> apply(TaskGraph graph, AgentEvent event) {
        Subtask subtask = graph.byId(UUID.fromString(event.subtaskId())).orElse(null);
        if (subtask == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("task " + event.taskId() + " has no subtask "
                    + event.subtaskId()));
        }
        String leaseToken = leaseToken(event);
        boolean current = subtask.inFlight() && subtask.attempt == event.attempt()
                && (leaseToken == null || leaseToken.equals(subtask.leaseToken));
        if (!current && event instanceof AgentCompleted done && !graph.task().finished()
                && subtask.statusValue() == SubtaskStatus.DISPATCHED && done.attempt() < subtask.attempt) {
            return attempts.find(subtask.id, done.attempt()).flatMap(old -> old != null && "expired".equals(old.outcome)
                    && old.leaseToken.equals(done.leaseToken())
                    ? adoptEarlierResult(graph, subtask, done) : stale(graph, subtask, event));
        }
        if (!current || graph.task().finished()) {
            return stale(graph, subtask, event);
        }
        if (event instanceof AgentStarted started) {
            return started(subtask, started);
        } else if (event instanceof AgentCompleted completed) {
            return completed(graph, subtask, completed);
        } else if (event instanceof AgentFailed failed) {
            Duration pause = ModelAdmission.overloadPause(failed.failure(), failed.reason(), admissionConfig);
            return (pause == null || failed.model() == null ? Uni.createFrom().voidItem()
                    : admission.overloaded(failed.model(), pause, failed.reason()))
                    .call(() -> failed(graph, subtask, failed.failure(), failed.reason(), failed.usage()));
        }
        if (event instanceof AgentProgress progress) {
            subtask.progressTokens = progress.tokens();
            subtask.phase = progress.phase();
        }
        if (event instanceof AgentToolCalled tool) {
            subtask.phase = "tool " + tool.tool();
        }
        return renewLease(subtask);
    }

    /**
     * The result of an attempt whose lease was reclaimed arrived before its replacement started: the work is done, so
     * it counts, and the replacement is cancelled before any worker spends tokens on it.
     */
    private Uni<Void> adoptEarlierResult(TaskGraph graph, Subtask subtask, AgentCompleted done) {
        int replacement = subtask.attempt;
        Log.infof("Task %s: attempt %d of '%s' finished after its lease was reclaimed, before attempt %d started; "
                + "its result is used", graph.task().id, done.attempt(), subtask.planKey, replacement);
        return attempts.find(subtask.id, replacement).invoke(a -> {
            if (a != null) {
                a.outcome = "cancelled";
                a.failureKind = FailureKind.CANCELLED.id();
                a.reason = "not needed: attempt " + done.attempt() + " finished before this attempt started";
                a.finishedAt = Instant.now();
            }
        }).chain(() -> {
            subtask.attempt = done.attempt();
            subtask.leaseToken = done.leaseToken();
            subtask.failedAttempts = Math.max(0, subtask.failedAttempts - 1);
            subtask.status(SubtaskStatus.RUNNING);
            return completed(graph, subtask, done);
        });
    }

    private Uni<Void> started(Subtask subtask, AgentStarted started) {
        boolean first = subtask.statusValue() == SubtaskStatus.DISPATCHED;
        subtask.status(SubtaskStatus.RUNNING);
        subtask.progressTokens = 0;
        subtask.phase = "starting";
        subtask.leaseExpiresAt = clock.now().plus(config.leaseTtl());
        subtask.agentId = started.agentId();
        subtask.provider = started.model().provider().id();
        subtask.model = started.model().model();
        subtask.waitingFor = null;
        if (subtask.startedAt == null) {
            subtask.startedAt = Instant.now();
        }
        return attempts.find(subtask.id, subtask.attempt).flatMap(attempt -> {
            if (attempt != null) {
                attempt.outcome = "running";
                attempt.agentId = started.agentId();
                attempt.provider = subtask.provider;
                attempt.model = subtask.model;
                attempt.startedAt = Instant.now();
            }
            // A second agent.started for the same attempt is a redelivery to another worker: same state.
            Uni<Boolean> learned = subtask.requestedModel != null ? Uni.createFrom().item(false)
                    : admission.learn(subtask.role, dispatcher.escalates(subtask), started.model());
            return learned.invoke(news -> {
                if (news) {
                    // Subtasks held back until the role's model was known may go now.
                    slotFreed.fire(new ModelSlotFreed(started.model().provider().id(), started.model().model()));
                }
            }).replaceWithVoid().call(() -> first ? events.subtaskChanged(subtask, "running on " + started.model())
                    : Uni.createFrom().voidItem());
        });
    }

    private Uni<Void> renewLease(Subtask subtask) {
        if (subtask.statusValue() == SubtaskStatus.RUNNING) {
            subtask.leaseExpiresAt = clock.now().plus(config.leaseTtl());
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> completed(TaskGraph graph, Subtask subtask, AgentCompleted done) {
        Task task = graph.task();
        addUsage(task, subtask, done.usage());
        subtask.output = done.output();
        subtask.summaryJson = json(done.summary());
        subtask.verificationJson = done.verification() == null ? null : json(done.verification());
        subtask.artifactRefs(done.artifacts().stream().map(a -> a.key() + "@" + a.version()).toList());
        return finishAttempt(subtask, "completed", null, null, done.usage())
                .call(() -> cooperation.fromAgent(graph, subtask, done.messages()))
                .call(() -> cooperation.fromAgent(graph, done.conflicts()))
                .call(() -> switch (subtask.kindValue()) {
            case PLAN -> planned(graph, subtask, done.output());
            case SUMMARY -> summarised(graph, subtask, done);
            case ANSWER -> cooperation.answered(graph, subtask, done).call(() -> workDone(graph, subtask));
            default -> fixRound(graph, subtask, done).call(() -> workDone(graph, subtask));
        }).call(() -> enforceBudget(graph));
    }

    private Uni<Void> planned(TaskGraph graph, Subtask planSubtask, String planJson) {
        Task task = graph.task();
        task.planAttempts++;
        PlanValidator.Result plan = PlanValidator.validateJson(planJson, task.roleList(), config.maxPlanSubtasks());
        if (!plan.valid()) {
            String errors = String.join("; ", plan.errors());
            planSubtask.failedAttempts++;
            planSubtask.lastFailure = "invalid plan: " + errors;
            if (task.planAttempts <= config.planSendBacks()) {
                Log.infof("Task %s: plan %d is invalid, sending it back to the lead: %s", task.id, task.planAttempts, errors);
                planSubtask.instructions = planInstructions(task, plan.errors());
                return dispatcher.dispatch(graph, planSubtask, "plan sent back: " + errors);
            }
            planSubtask.status(SubtaskStatus.FAILED);
            planSubtask.finishedAt = Instant.now();
            planSubtask.failureReason = errors;
            return events.subtaskChanged(planSubtask, errors)
                    .call(() -> failTask(graph, "the lead's plan was still invalid after " + task.planAttempts
                            + " tries: " + errors));
        }
        planSubtask.status(SubtaskStatus.DONE);
        planSubtask.finishedAt = Instant.now();
        return events.subtaskChanged(planSubtask, "plan accepted").call(() -> adoptPlan(graph, plan.subtasks()));
    }

    /** Adds the subtasks of an accepted plan; then waits for approval or starts the work. */
    Uni<Void> adoptPlan(TaskGraph graph, List<PlannedSubtask> plan) {
        Task task = graph.task();
        List<Subtask> created = plan.stream().map(p -> factory.fromPlan(task, p)).toList();
        created.forEach(graph::add);
        Uni<Void> persisted = subtasks.persist(created)
                .call(() -> events.publish(new TaskPlanned(task.id.toString(), plan, task.planAttempts)));
        if (task.approvalModeValue() == ApprovalMode.MANUAL) {
            task.status(TaskStatus.AWAITING_APPROVAL, "the plan waits for approval");
            return persisted.chain(() -> estimates.estimate(plan)).chain(estimate -> events.publish(
                    new TaskAwaitingApproval(task.id.toString(), plan, estimate.total(), estimate.perSubtask())));
        }
        task.status(TaskStatus.RUNNING, null);
        return persisted.call(() -> ready.dispatchReady(graph));
    }

    /**
     * The verify loop: a check that failed in the sandbox sends its output to the authors of what it checked, and
     * adds their fix subtasks and a new check after them ({@link VerifyRounds}); subtasks that waited for the check
     * wait for the new one too.
     */
    private Uni<Void> fixRound(TaskGraph graph, Subtask check, AgentCompleted done) {
        Verification verification = done.verification();
        VerifyRounds.Round round = VerifyRounds.after(graph, check, verification, config.maxFixRounds(),
                (key, role, kind, title, instructions, dependsOn) -> factory.newSubtask(graph.task(), key, role, kind, title,
                        instructions, dependsOn));
        if (round == null) {
            if (verification != null && !verification.passed()) {
                Log.infof("Task %s: the check of '%s' failed (%s exited %d); no further fix round (at most %d)",
                        graph.task().id, check.planKey, verification.command(), verification.exitCode(),
                        config.maxFixRounds());
            }
            return Uni.createFrom().voidItem();
        }
        List<Subtask> added = new ArrayList<>(round.fixes());
        added.add(round.recheck());
        for (Subtask dependent : graph.dependents(check)) {
            if (dependent.statusValue() == SubtaskStatus.PENDING && !added.contains(dependent)) {
                List<String> deps = new ArrayList<>(dependent.dependsOnKeys());
                deps.add(round.recheck().planKey);
                dependent.dependsOnKeys(deps);
            }
        }
        String why = "fix round " + round.number() + ": `" + verification.command() + "` exited "
                + verification.exitCode();
        Log.infof("Task %s: the check of '%s' failed; %s adds %s", graph.task().id, check.planKey, why,
                added.stream().map(s -> s.planKey).toList());
        Uni<Void> chain = subtasks.persist(added).replaceWithVoid();
        for (Subtask s : added) {
            chain = chain.call(() -> events.subtaskChanged(s, why));
        }
        for (VerifyRounds.Notice notice : round.notices()) {
            AgentMessage message = new AgentMessage(graph.task().id.toString(), Participant.agent(done.agentId()),
                    Participant.role(notice.to()), MessageKind.NOTE, notice.text(), check.id.toString(), null);
            chain = chain.call(() -> cooperation.accept(graph, message, true));
        }
        return chain;
    }

    private Uni<Void> workDone(TaskGraph graph, Subtask subtask) {
        subtask.status(SubtaskStatus.DONE);
        subtask.finishedAt = Instant.now();
        return events.subtaskChanged(subtask, null).call(() -> ready.dispatchReady(graph));
    }

    private Uni<Void> summarised(TaskGraph graph, Subtask subtask, AgentCompleted done) {
        Task task = graph.task();
        subtask.status(SubtaskStatus.DONE);
        subtask.finishedAt = Instant.now();
        String summary = done.output() != null && !done.output().isBlank() ? done.output()
                : String.join("\n", done.summary().keyPoints());
        // The whole summary is in the context store; the task and its event carry a bounded copy.
        task.summary = summary.length() <= MAX_SUMMARY ? summary
                : summary.substring(0, MAX_SUMMARY) + "\n\n… (cut at " + MAX_SUMMARY + " characters; the full summary "
                + "is the artifact 'summary')";
        String checked = lastCheck(graph);
        if (checked != null) {
            task.summary = task.summary + "\n\n" + checked;
        }
        task.status(TaskStatus.COMPLETED, null);
        Usage total = new Usage(task.promptTokens, task.completionTokens, task.costUsd, null);
        return events.subtaskChanged(subtask, null)
                .call(() -> events.publish(new TaskCompleted(task.id.toString(), task.summary, total)));
    }

    /**
     * The task's last check in the sandbox as the worker saw it run, whatever the lead's summary says: the line the
     * task's summary ends with; null when nothing was checked.
     */
    private static String lastCheck(TaskGraph graph) {
        Subtask last = graph.work().stream().filter(s -> s.verificationJson != null && s.finishedAt != null)
                .max(java.util.Comparator.comparing((Subtask s) -> s.finishedAt)).orElse(null);
        if (last == null) {
            return null;
        }
        try {
            Verification v = EventCodec.mapper().readValue(last.verificationJson, Verification.class);
            long rounds = graph.work().stream().filter(s -> s.planKey.contains("-recheck-")).count();
            return "Checks: `" + v.command() + "` " + (v.passed() ? "passed" : "failed (exit " + v.exitCode()
                    + (v.timedOut() ? ", timed out" : "") + ")") + " in " + last.planKey
                    + (rounds == 0 ? "" : ", after " + rounds + " fix round" + (rounds == 1 ? "" : "s")) + ".";
        } catch (java.io.IOException e) {
            return null;
        }
    }


    private Uni<Void> failed(TaskGraph graph, Subtask subtask, FailureKind kind, String reason, Usage usage) {
        addUsage(graph.task(), subtask, usage);
        return finishAttempt(subtask, "failed", kind, reason, usage)
                .call(() -> retryOrFail(graph, subtask, reason, backoff(subtask.attempt)))
                .call(() -> enforceBudget(graph));
    }

    private Uni<Void> retryOrFail(TaskGraph graph, Subtask subtask, String reason, Duration wait) {
        subtask.failedAttempts++;
        subtask.lastFailure = reason;
        if (subtask.attempt < subtask.maxAttempts && subtask.kindValue() != SubtaskKind.PLAN
                || subtask.kindValue() == SubtaskKind.PLAN && subtask.attempt < subtask.maxAttempts + config.planSendBacks()) {
            subtask.status(SubtaskStatus.PENDING);
            subtask.leaseExpiresAt = null;
            subtask.retryAt = clock.now().plus(wait);
            return events.subtaskChanged(subtask, "attempt " + subtask.attempt + " failed, retrying in "
                    + wait.toMillis() + " ms: " + reason);
        }
        subtask.status(SubtaskStatus.FAILED);
        subtask.finishedAt = Instant.now();
        subtask.failureReason = reason;
        String why = "subtask '" + subtask.planKey + "' (" + subtask.role + ") failed after " + subtask.attempt
                + " attempts: " + reason;
        return events.subtaskChanged(subtask, reason).call(() -> failTask(graph, why));
    }

    private Uni<Void> sweep(TaskGraph graph, Instant expiredBefore) {
        if (graph.task().finished()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Subtask subtask : graph.subtasks()) {
            if (expiredBefore == null || !subtask.inFlight() || subtask.leaseExpiresAt == null
                    || !subtask.leaseExpiresAt.isBefore(expiredBefore)) {
                continue;
            }
            if (subtask.statusValue() == SubtaskStatus.DISPATCHED) {
                // Never started: the record was lost on the way (delivery limit, a failed dead-letter send,
                // retention). Not the model's fault, so it uses up no attempt.
                String reason = "no worker started attempt " + subtask.attempt + " within "
                        + config.dispatchDeadline().toSeconds() + " s; dispatching it again";
                Log.infof("Task %s: '%s': %s", graph.task().id, subtask.planKey, reason);
                workloadMetrics.reclaimed(subtask.role, "start");
                subtask.maxAttempts++;
                chain = chain.call(() -> finishAttempt(subtask, "expired", FailureKind.STALLED, reason, null))
                        .call(() -> dispatcher.dispatch(graph, subtask, reason));
                continue;
            }
            String reason = "no heartbeat from " + subtask.agentId + " for " + config.leaseTtl().toSeconds()
                    + " s; lease of attempt " + subtask.attempt + " reclaimed";
            Log.infof("Task %s: %s", graph.task().id, reason);
            workloadMetrics.reclaimed(subtask.role, "heartbeat");
            chain = chain.call(() -> finishAttempt(subtask, "expired", FailureKind.STALLED, reason, null))
                    .call(() -> retryOrFail(graph, subtask, reason, Duration.ZERO));
        }
        return chain.call(() -> {
            Uni<Void> retries = Uni.createFrom().voidItem();
            ModelAdmission.Round round = new ModelAdmission.Round();
            Instant now = clock.now();
            for (Subtask subtask : graph.subtasks()) {
                if (subtask.statusValue() == SubtaskStatus.PENDING && subtask.retryAt != null
                        && !subtask.retryAt.isAfter(now)) {
                    String why = subtask.waitingFor != null ? "its model has room" : "retry";
                    retries = retries.call(() -> dispatcher.dispatch(graph, subtask, why, round));
                }
            }
            return retries;
        });
    }

    Uni<Void> failTask(TaskGraph graph, String reason) {
        Task task = graph.task();
        task.status(TaskStatus.FAILED, reason);
        return finishOpenSubtasks(graph, SubtaskStatus.SKIPPED, "task failed")
                .call(() -> events.publish(new TaskFailed(task.id.toString(), reason, null)));
    }

    /** Ends every subtask that has not finished: in-flight ones cancelled, the others {@code status}. */
    public Uni<Void> finishOpenSubtasks(TaskGraph graph, SubtaskStatus status, String reason) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Subtask s : graph.subtasks()) {
            if (!s.finished()) {
                SubtaskStatus next = s.inFlight() ? SubtaskStatus.CANCELLED : status;
                s.status(next);
                s.finishedAt = Instant.now();
                s.leaseExpiresAt = null;
                s.retryAt = null;
                chain = chain.call(() -> events.subtaskChanged(s, reason));
            }
        }
        return chain;
    }

    private Uni<Void> stale(TaskGraph graph, Subtask subtask, AgentEvent event) {
        // Tokens spent by a stale attempt were spent all the same: they count, the result does not.
        Usage usage = event instanceof AgentCompleted c ? c.usage() : event instanceof AgentFailed f ? f.usage() : null;
        if (usage != null) {
            addUsage(graph.task(), subtask, usage);
        }
        if (event instanceof AgentCompleted || event instanceof AgentFailed) {
            Log.infof("Task %s: ignoring %s of attempt %d of '%s' (current attempt %d, %s)", event.taskId(),
                    event.type(), event.attempt(), subtask.planKey, subtask.attempt, subtask.status);
            return attempts.find(subtask.id, event.attempt()).invoke(a -> {
                // A cancelled attempt keeps the reason it was cancelled for (a pause, a person's stop).
                if (a != null && !"cancelled".equals(a.outcome)) {
                    a.outcome = "stale";
                    a.reason = "its " + event.type() + " arrived after attempt " + subtask.attempt
                            + " took over, and was rejected";
                    if (a.finishedAt == null) {
                        a.finishedAt = Instant.now();
                    }
                }
            }).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    Uni<Void> finishAttempt(Subtask subtask, String outcome, FailureKind kind, String reason, Usage usage) {
        // A slot on its model is free: subtasks held back for it need not wait for the next sweep.
        slotFreed.fire(new ModelSlotFreed(subtask.provider, subtask.model));
        return attempts.finish(subtask.id, subtask.attempt, outcome, kind == null ? null : kind.id(), reason,
                Instant.now(), usage == null ? 0 : usage.promptTokens(), usage == null ? 0 : usage.completionTokens(),
                usage == null || usage.costUsd() == null ? BigDecimal.ZERO : usage.costUsd()).replaceWithVoid();
    }

    private Duration backoff(int attempt) {
        long base = config.retryBackoff().toMillis() << Math.min(attempt - 1, 16);
        long capped = Math.min(base, config.maxRetryBackoff().toMillis());
        long jitter = capped == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 4 + 1);
        return Duration.ofMillis(capped + jitter);
    }


    private String planInstructions(Task task, List<String> previousErrors) {
        List<Role> team = task.roleList().isEmpty()
                ? java.util.Arrays.stream(Role.values()).filter(r -> r != Role.LEAD).toList() : task.roleList();
        StringBuilder text = new StringBuilder("Break the task into subtasks for your team: ")
                .append(String.join(", ", team.stream().map(Role::id).toList()))
                .append(". Give each an id, a role, a title, instructions, the ids it depends on, and the artifact keys "
                        + "it reads and writes. Subtasks that do not depend on each other run in parallel.");
        if (!previousErrors.isEmpty()) {
            text.append("\n\nYour previous plan was rejected. Fix these problems:\n- ")
                    .append(String.join("\n- ", previousErrors));
        }
        return text.toString();
    }

    /** Pauses the task when its spending reached its budget; call after adding usage. */
    Uni<Void> enforceBudget(TaskGraph graph) {
        Task task = graph.task();
        if (task.budgetUsd == null || task.costUsd.compareTo(task.budgetUsd) < 0
                || task.statusValue() != TaskStatus.RUNNING) {
            return Uni.createFrom().voidItem();
        }
        return pause(graph, "budget of $" + task.budgetUsd.stripTrailingZeros().toPlainString() + " reached (spent $"
                + task.costUsd.stripTrailingZeros().toPlainString() + ")");
    }

    /** Stops dispatching; attempts in flight are cancelled and run again, without counting as failures, on resume. */
    public Uni<Void> pause(TaskGraph graph, String reason) {
        Task task = graph.task();
        task.status(TaskStatus.PAUSED, reason);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Subtask s : graph.subtasks()) {
            if (s.inFlight()) {
                s.status(SubtaskStatus.PENDING);
                s.leaseExpiresAt = null;
                s.maxAttempts++;
                chain = chain.call(() -> finishAttempt(s, "cancelled", FailureKind.CANCELLED, "task paused", null))
                        .call(() -> events.subtaskChanged(s, "task paused"));
            }
        }
        return chain.call(() -> events.publish(new dev.cohort.contracts.event.TaskPaused(task.id.toString(), reason)));
    }

    /**
     * A person stopped a subtask's attempt in flight. The attempt ends as cancelled, and the state change that says
     * so tells its worker to close the model call; anything the attempt reports later is stale. With {@code retry}
     * the subtask runs again at once as a new attempt; a stop is not a failure, so it uses up no attempt and does not
     * escalate. Without, the subtask is cancelled and the pending work that depends on it is skipped, as it would be
     * after a failure, while the rest of the team carries on.
     */
    public Uni<Void> stop(TaskGraph graph, Subtask subtask, String why, boolean retry) {
        int attempt = subtask.attempt;
        subtask.leaseExpiresAt = null;
        Uni<Void> cancelled = finishAttempt(subtask, "cancelled", FailureKind.CANCELLED, why, null);
        if (retry) {
            subtask.status(SubtaskStatus.PENDING);
            subtask.maxAttempts++;
            return cancelled.call(() -> events.subtaskChanged(subtask, "attempt " + attempt + " " + why))
                    .call(() -> dispatcher.dispatch(graph, subtask, "running again after attempt " + attempt
                            + " was stopped"));
        }
        subtask.status(SubtaskStatus.CANCELLED);
        subtask.finishedAt = Instant.now();
        subtask.failureReason = why;
        Uni<Void> chain = cancelled.call(() -> events.subtaskChanged(subtask, "attempt " + attempt + " " + why
                + "; not retried"));
        for (Subtask dependent : graph.dependents(subtask)) {
            if (!dependent.finished() && !dependent.inFlight()) {
                dependent.status(SubtaskStatus.SKIPPED);
                dependent.finishedAt = Instant.now();
                dependent.retryAt = null;
                dependent.failureReason = "depends on '" + subtask.planKey + "', which was stopped";
                chain = chain.call(() -> events.subtaskChanged(dependent, dependent.failureReason));
            }
        }
        return chain.call(() -> ready.dispatchReady(graph));
    }

    private static void addUsage(Task task, Subtask subtask, Usage usage) {
        if (usage == null) {
            return;
        }
        subtask.addUsage(usage);
        task.promptTokens += usage.promptTokens();
        task.completionTokens += usage.completionTokens();
        if (usage.costUsd() != null) {
            task.costUsd = task.costUsd.add(usage.costUsd());
        }
    }

    private static String leaseToken(AgentEvent event) {
        if (event instanceof AgentStarted e) {
            return e.leaseToken();
        } else if (event instanceof AgentCompleted e) {
            return e.leaseToken();
        } else if (event instanceof AgentFailed e) {
            return e.leaseToken();
        } else if (event instanceof AgentHeartbeat e) {
            return e.leaseToken();
        } else if (event instanceof AgentProgress e) {
            return e.leaseToken();
        } else if (event instanceof AgentToolCalled e) {
            return e.leaseToken();
        }
        return null;
    }

    private static String json(Object summary) {
        try {
            return EventCodec.mapper().writeValueAsString(summary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
