package dev.cohort.orchestrator.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.domain.Attempt;
import dev.cohort.orchestrator.domain.Subtask;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** One node of a task's graph with its attempts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubtaskView(String id, String key, Role role, SubtaskKind kind, String title, String instructions,
                          SubtaskStatus status, int attempt, int maxAttempts, List<String> dependsOn,
                          List<String> reads, List<String> writes, String agentId, String provider, String model,
                          String waitingFor, @JsonRawValue String summary, @JsonRawValue String verification,
                          List<String> artifacts,
                          String failureReason,
                          long progressTokens, String phase, long promptTokens, long completionTokens,
                          BigDecimal costUsd, Instant startedAt,
                          Instant finishedAt, List<AttemptView> attempts) {

    static SubtaskView of(Subtask s, List<Attempt> attempts) {
        return new SubtaskView(s.id.toString(), s.planKey, s.roleValue(), s.kindValue(), s.title, s.instructions,
                s.statusValue(), s.attempt, s.maxAttempts, s.dependsOnKeys(), s.readKeys(), s.writeKeys(), s.agentId,
                s.provider, s.model, s.waitingFor, s.summaryJson, s.verificationJson, s.artifactRefs(), s.failureReason, s.progressTokens, s.phase,
                s.promptTokens,
                s.completionTokens, s.costUsd, s.startedAt, s.finishedAt,
                attempts.stream().map(AttemptView::of).toList());
    }

    /** One attempt: who ran it on which model and how it ended. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(int attempt, String outcome, String agentId, String provider, String model,
                              String failureKind, String reason, long promptTokens, long completionTokens,
                              BigDecimal costUsd, Instant dispatchedAt, Instant startedAt, Instant finishedAt) {

        static AttemptView of(Attempt a) {
            return new AttemptView(a.key.attempt(), a.outcome, a.agentId, a.provider, a.model, a.failureKind, a.reason,
                    a.promptTokens, a.completionTokens, a.costUsd, a.dispatchedAt, a.startedAt, a.finishedAt);
        }
    }
}
