package dev.cohort.orchestrator.service;

import dev.cohort.contracts.model.Estimate;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import dev.cohort.orchestrator.config.OrchestratorConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a plan is expected to cost before it runs: per role, the average tokens, cost and duration of completed
 * attempts (the costs came from the providers or the workers' price table); defaults where a role has no history.
 * Time is the longest path through the graph, since independent subtasks run in parallel.
 */
@ApplicationScoped
public class EstimateService {

    private final OrchestratorConfig config;

    public EstimateService(OrchestratorConfig config) {
        this.config = config;
    }

    public record PlanEstimate(Estimate total, Map<String, Estimate> perSubtask) {
    }

    record History(double tokens, BigDecimal cost, double seconds) {
    }

    public Uni<PlanEstimate> estimate(List<PlannedSubtask> plan) {
        return Panache.getSession().flatMap(session -> session.createNativeQuery("""
                        SELECT s.role, avg(a.prompt_tokens + a.completion_tokens), avg(a.cost_usd),
                               avg(extract(epoch FROM (a.finished_at - a.started_at)))
                        FROM attempt a JOIN subtask s ON s.id = a.subtask_id
                        WHERE a.outcome = 'completed' AND a.started_at IS NOT NULL
                        GROUP BY s.role""", Object[].class).getResultList())
                .map(rows -> {
                    Map<String, History> history = new HashMap<>();
                    for (Object[] row : rows) {
                        history.put((String) row[0], new History(number(row[1]), decimal(row[2]), number(row[3])));
                    }
                    return estimate(plan, history);
                });
    }

    PlanEstimate estimate(List<PlannedSubtask> plan, Map<String, History> history) {
        Map<String, Estimate> per = new LinkedHashMap<>();
        long tokens = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (PlannedSubtask s : plan) {
            Estimate e = forRole(s.role(), history.get(s.role().id()));
            per.put(s.id(), e);
            tokens += e.tokens();
            cost = cost.add(e.costUsd());
        }
        Map<String, Long> finish = new HashMap<>();
        long longest = 0;
        for (PlannedSubtask s : plan) {
            longest = Math.max(longest, finishTime(s, plan, per, finish));
        }
        return new PlanEstimate(new Estimate(tokens, cost, longest), per);
    }

    private Estimate forRole(Role role, History h) {
        if (h == null) {
            BigDecimal cost = config.estimateUsdPerMillionTokens().multiply(BigDecimal.valueOf(config.estimateTokens()))
                    .divide(BigDecimal.valueOf(1_000_000), 6, RoundingMode.HALF_UP);
            return new Estimate(config.estimateTokens(), cost, config.estimateSeconds());
        }
        return new Estimate(Math.round(h.tokens()), h.cost().setScale(6, RoundingMode.HALF_UP),
                Math.max(1, Math.round(h.seconds())));
    }

    private static long finishTime(PlannedSubtask s, List<PlannedSubtask> plan, Map<String, Estimate> per,
                                   Map<String, Long> memo) {
        Long known = memo.get(s.id());
        if (known != null) {
            return known;
        }
        long start = 0;
        for (String dep : s.dependsOn()) {
            PlannedSubtask d = plan.stream().filter(p -> p.id().equals(dep)).findFirst().orElse(null);
            if (d != null) {
                start = Math.max(start, finishTime(d, plan, per, memo));
            }
        }
        long end = start + per.get(s.id()).seconds();
        memo.put(s.id(), end);
        return end;
    }

    private static double number(Object value) {
        return value == null ? 0 : ((Number) value).doubleValue();
    }

    private static BigDecimal decimal(Object value) {
        return value == null ? BigDecimal.ZERO : new BigDecimal(value.toString());
    }
}
