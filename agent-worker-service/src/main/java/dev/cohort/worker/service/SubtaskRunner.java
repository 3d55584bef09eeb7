package dev.cohort.worker.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEscalated;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentHeartbeat;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.AgentProgress;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.ConflictRef;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.Usage;
import dev.cohort.worker.config.RoleProfile;
import dev.cohort.worker.config.RoleProfiles;
import dev.cohort.worker.config.WorkerConfig;
import dev.cohort.worker.context.ContextStoreClient;
import dev.cohort.worker.context.OrchestratorClient;
import dev.cohort.worker.context.ContextStoreClient.Stored;
import dev.cohort.worker.context.ContextStoreClient.Writer;
import dev.cohort.worker.context.ContextStoreClient.Written;
import dev.cohort.worker.messaging.AgentEventPublisher;
import dev.cohort.worker.model.Cancellation;
import dev.cohort.worker.model.ModelCallException;
import dev.cohort.worker.model.ModelCalls;
import dev.cohort.worker.model.ModelRequest;
import dev.cohort.worker.model.ModelResponse;
import dev.cohort.worker.model.SubtaskPrompts;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.ShutdownEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one attempt of a subtask on the calling (worker) thread: announce it, read what it needs from the context
 * store, call the role's model with streaming while reporting progress and heartbeats, write the artifacts with the
 * versions it read, and report the result. Returns only after the result is on Kafka, so the caller may then
 * acknowledge the dispatch.
 */
@ApplicationScoped
public class SubtaskRunner {

    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);

    private final ModelCalls models;
    private final RoleProfiles profiles;
    private final ContextStoreClient store;
    private final AgentEventPublisher events;
    private final RunningAttempts running;
    private final WorkerConfig config;
    private final OrchestratorClient orchestrator;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "cohort-heartbeats");
        t.setDaemon(true);
        return t;
    });

    public SubtaskRunner(ModelCalls models, RoleProfiles profiles, ContextStoreClient store, AgentEventPublisher events,
                         RunningAttempts running, WorkerConfig config, OrchestratorClient orchestrator) {
        this.orchestrator = orchestrator;
        this.models = models;
        this.profiles = profiles;
        this.store = store;
        this.events = events;
        this.running = running;
        this.config = config;
    }

    void shutdown(@Observes ShutdownEvent event) {
        timers.shutdownNow();
    }

    public String agentId(SubtaskDispatch d) {
        return WorkerIdentity.name(config) + "/" + d.role().id();
    }

    /** Runs the attempt and reports its outcome; throws only when the outcome could not be reported. */
    public void run(SubtaskDispatch d) {
        String agentId = agentId(d);
        if (!orchestrator.stillCurrent(d)) {
            Log.infof("%s: skipping %s attempt %d of task %s: no longer the current attempt", agentId, d.title(),
                    d.attempt(), d.taskId());
            return;
        }
        Cancellation cancellation = running.register(d.taskId(), d.subtaskId(), d.attempt());
        ModelRef model = null;
        ScheduledFuture<?> heartbeat = null;
        try {
            RoleProfile profile = profiles.profile(d.role());
            Map<String, Stored> read = readInputs(d);
            String context = context(d, read);
            ModelRequest request = models.request(d, context, cancellation);
            model = request.model();
            if (d.escalate() && !model.equals(profile.modelFor(d.model()))) {
                events.sendAndWait(new AgentEscalated(d.taskId(), d.subtaskId(), d.attempt(), d.role(),
                        profile.modelFor(d.model()), model, d.escalationReason()), REPORT_TIMEOUT);
            }
            events.sendAndWait(new AgentStarted(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), agentId,
                    d.role(), model), REPORT_TIMEOUT);
            heartbeat = timers.scheduleAtFixedRate(
                    () -> events.send(new AgentHeartbeat(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), agentId)),
                    config.heartbeatInterval().toMillis(), config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);

            ModelResponse response = models.call(request, profile.maxAttempts(), progress(d, agentId))
                    .await().indefinitely();
            progress(d, agentId, "writing artifacts", response.usage().completionTokens());
            AgentCompleted completed = finish(d, agentId, response, read);
            heartbeat.cancel(false);
            events.sendAndWait(completed, REPORT_TIMEOUT);
            Log.infof("%s finished %s attempt %d of task %s on %s (%d tokens)", agentId, d.title(), d.attempt(),
                    d.taskId(), response.answeredBy(), response.usage().totalTokens());
        } catch (ModelCallException e) {
            FailureKind kind = cancellation.isCancelled() ? FailureKind.CANCELLED : e.kind();
            fail(d, agentId, model, kind, e.getMessage(), heartbeat);
        } catch (ContextStoreClient.ContextStoreException e) {
            fail(d, agentId, model, FailureKind.INTERNAL, e.getMessage(), heartbeat);
        } catch (RuntimeException e) {
            if (cancellation.isCancelled()) {
                fail(d, agentId, model, FailureKind.CANCELLED, "cancelled: " + cancellation.reason(), heartbeat);
            } else if (isReportFailure(e)) {
                throw e;
            } else {
                Log.errorf(e, "%s failed on %s of task %s", agentId, d.title(), d.taskId());
                fail(d, agentId, model, FailureKind.INTERNAL, "the worker failed: " + e, heartbeat);
            }
        } finally {
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            running.remove(d.subtaskId(), d.attempt());
        }
    }

    private Map<String, Stored> readInputs(SubtaskDispatch d) {
        Set<String> keys = new LinkedHashSet<>(d.reads());
        keys.addAll(d.writes());
        Map<String, Stored> read = new LinkedHashMap<>();
        for (String key : keys) {
            store.read(d.taskId(), key).ifPresent(s -> read.put(key, s));
        }
        return read;
    }

    private String context(SubtaskDispatch d, Map<String, Stored> read) {
        StringBuilder text = new StringBuilder();
        for (String key : d.reads()) {
            Stored s = read.get(key);
            text.append("\n--- ").append(key).append(s == null ? " (does not exist yet)\n" : " (version " + s.version() + ")\n");
            if (s != null) {
                text.append(s.content()).append('\n');
            }
        }
        if (d.kind() == SubtaskKind.MERGE && d.conflictId() != null) {
            JsonNode conflict = store.conflict(d.taskId(), d.conflictId());
            String key = conflict.path("key").asText();
            text.append("\nMerge these three versions of ").append(key)
                    .append(" into one file that keeps every change of both writers. Answer with the merged file in ")
                    .append("one fenced block with path=").append(key).append(".\n");
            SubtaskPrompts.quoteFile(text, "The base both writers started from (version "
                    + conflict.path("baseVersion").asLong() + ")", key, conflict.path("baseContent").asText(""));
            SubtaskPrompts.quoteFile(text, "The current version (version " + conflict.path("currentVersion").asLong()
                    + ")", key, conflict.path("currentContent").asText(""));
            SubtaskPrompts.quoteFile(text, "The conflicting write by " + conflict.path("author").path("role").asText(),
                    key, conflict.path("content").asText(""));
        }
        return text.toString();
    }

    private AgentCompleted finish(SubtaskDispatch d, String agentId, ModelResponse response, Map<String, Stored> read) {
        Writer writer = new Writer(d.role().id(), agentId, response.answeredBy().provider().id(),
                response.answeredBy().model(), d.subtaskId(), d.attempt(), d.leaseToken());
        List<ArtifactRef> artifacts = new ArrayList<>();
        List<ConflictRef> conflicts = new ArrayList<>();
        List<AgentMessage> messages = new ArrayList<>();
        StructuredSummary summary;
        String output = null;
        if (d.kind() == SubtaskKind.PLAN) {
            output = response.jsonText();
            artifacts.add(write(d, "plan", ArtifactKind.PLAN, "application/json", output, read, writer, new ArrayList<>(),
                    conflicts));
            summary = new StructuredSummary("planned", List.of("proposed a plan"), null);
        } else {
            Answer answer = Answer.parse(response.text(), d.role());
            List<String> notes = new ArrayList<>(answer.summary().keyPoints());
            if (d.kind() == SubtaskKind.MERGE && d.conflictId() != null) {
                JsonNode conflict = store.conflict(d.taskId(), d.conflictId());
                String key = conflict.path("key").asText();
                String merged = answer.files().stream().filter(f -> f.path().equals(key)).findFirst()
                        .or(() -> answer.files().stream().findFirst()).map(Answer.File::content)
                        .orElse(response.text());
                ArtifactKind kind = ArtifactKind.fromId(conflict.path("kind").asText("code"));
                artifacts.add(store.resolve(d.taskId(), d.conflictId(), key, kind, merged, writer));
            } else {
                for (Answer.File f : answer.files()) {
                    artifacts.add(write(d, f.path(), f.kind(), f.mediaType(), f.content(), read, writer, notes,
                            conflicts));
                }
            }
            if (d.kind() == SubtaskKind.SUMMARY || d.kind() == SubtaskKind.ANSWER) {
                output = answer.prose();
            }
            if (d.kind() == SubtaskKind.SUMMARY) {
                artifacts.add(write(d, "summary", ArtifactKind.SUMMARY, "text/markdown", answer.prose(), read, writer,
                        notes, conflicts));
            }
            for (Answer.Message m : answer.messages()) {
                messages.add(new AgentMessage(d.taskId(), Participant.agent(agentId), m.to(), m.kind(), m.text(),
                        d.subtaskId(), null));
            }
            summary = new StructuredSummary(answer.summary().status(), notes, answer.summary().recommendation());
        }
        artifacts.removeIf(java.util.Objects::isNull);
        return new AgentCompleted(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), agentId, d.role(),
                response.answeredBy(), summary, artifacts, response.usage(), output, messages, conflicts);
    }

    /**
     * Writes with the version read before the model ran; a conflict is kept by the store and noted, not fatal. The
     * completion names the conflict, so the orchestrator adds the lead's merge before it dispatches the readers.
     */
    private ArtifactRef write(SubtaskDispatch d, String key, ArtifactKind kind, String mediaType, String content,
                              Map<String, Stored> read, Writer writer, List<String> notes, List<ConflictRef> conflicts) {
        long base = Optional.ofNullable(read.get(key)).map(Stored::version).orElse(0L);
        Written written = store.write(d.taskId(), key, kind, mediaType, content, base, writer);
        if (written.conflicted()) {
            notes.add("my change to " + key + " conflicted with another agent's; kept as conflict "
                    + written.conflictId() + " for the lead to merge");
            conflicts.add(new ConflictRef(key, written.conflictId(), base, written.ref().version()));
            return null;
        }
        return written.ref();
    }

    private dev.cohort.worker.model.TokenListener progress(SubtaskDispatch d, String agentId) {
        AtomicLong lastSent = new AtomicLong();
        long gap = config.progressInterval().toNanos();
        return (text, tokens) -> {
            long now = System.nanoTime();
            long last = lastSent.get();
            if ((last == 0 || now - last >= gap) && lastSent.compareAndSet(last, now)) {
                events.send(new AgentProgress(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), agentId,
                        "generating", tokens));
            }
        };
    }

    private void progress(SubtaskDispatch d, String agentId, String phase, long tokens) {
        events.send(new AgentProgress(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), agentId, phase, tokens));
    }

    private void fail(SubtaskDispatch d, String agentId, ModelRef model, FailureKind kind, String reason,
                      ScheduledFuture<?> heartbeat) {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        Log.warnf("%s: attempt %d of %s (task %s) failed: %s %s", agentId, d.attempt(), d.title(), d.taskId(),
                kind.id(), reason);
        events.sendAndWait(new AgentFailed(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), agentId, d.role(),
                model, kind, reason, Usage.NONE), REPORT_TIMEOUT);
    }

    private static boolean isReportFailure(RuntimeException e) {
        return e instanceof io.smallrye.mutiny.TimeoutException
                || e.getCause() instanceof org.apache.kafka.common.KafkaException;
    }
}
