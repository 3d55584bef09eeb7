package dev.cohort.orchestrator.service;

import dev.cohort.contracts.Failures;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.repository.TaskRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The team's workload as metrics, read from the database every {@code cohort.orchestrator.metrics-interval}:
 * {@code cohort.orchestrator.tasks} by status and {@code cohort.orchestrator.subtasks} handed to workers by role and
 * status ({@code dispatched}: waiting for a worker of the role, {@code running}). They count what the database holds,
 * so every orchestrator replica reports the same figures; dashboards take their maximum, not their sum. A status
 * that no longer occurs reads 0 rather than keeping its last value.
 *
 * <p>Decisions are counted where they are made: {@code cohort.orchestrator.dispatches} (tags role, escalated) and
 * {@code cohort.orchestrator.leases.reclaimed} (tags role, reason: heartbeat or start).
 */
@ApplicationScoped
public class WorkloadMetrics {

    private final TaskRepository tasks;
    private final SubtaskRepository subtasks;
    private final MeterRegistry registry;
    private final Map<Tags, AtomicLong> taskGauges = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicLong> subtaskGauges = new ConcurrentHashMap<>();
    private volatile boolean failing;

    public WorkloadMetrics(TaskRepository tasks, SubtaskRepository subtasks, MeterRegistry registry) {
        this.tasks = tasks;
        this.subtasks = subtasks;
        this.registry = registry;
    }

    /** A dispatch decided: a first attempt, a retry, or an escalation to the role's stronger model. */
    public void dispatched(String role, boolean escalated) {
        registry.counter("cohort.orchestrator.dispatches", "role", role, "escalated", Boolean.toString(escalated))
                .increment();
    }

    /** An attempt taken back from its worker: no heartbeat within the lease, or no start by the deadline. */
    public void reclaimed(String role, String reason) {
        registry.counter("cohort.orchestrator.leases.reclaimed", "role", role, "reason", reason).increment();
    }

    @Scheduled(every = "${cohort.orchestrator.metrics-interval:15s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sample() {
        return Panache.withSession(() -> tasks.countByStatus()
                        .flatMap(byStatus -> subtasks.activeByRoleAndStatus().invoke(byRole -> {
                            Map<Tags, Long> taskCounts = new HashMap<>();
                            byStatus.forEach(row -> taskCounts.put(Tags.of("status", String.valueOf(row[0])),
                                    ((Number) row[1]).longValue()));
                            Map<Tags, Long> subtaskCounts = new HashMap<>();
                            byRole.forEach(row -> subtaskCounts.put(Tags.of("role", String.valueOf(row[0]),
                                    "status", String.valueOf(row[1])), ((Number) row[2]).longValue()));
                            update(taskGauges, taskCounts, value -> Gauge.builder("cohort.orchestrator.tasks",
                                    value, AtomicLong::get).description("Tasks by status"));
                            update(subtaskGauges, subtaskCounts, value -> Gauge.builder("cohort.orchestrator.subtasks",
                                    value, AtomicLong::get).description("Subtasks handed to workers, by role and "
                                    + "status (dispatched: waiting for a worker)"));
                        })))
                .invoke(() -> {
                    if (failing) {
                        failing = false;
                        Log.info("Workload metrics are read again");
                    }
                })
                .onFailure().invoke(e -> {
                    if (!failing) {
                        failing = true;
                        Log.warnf("Workload metrics not read, keeping the last figures: %s", Failures.describe(e));
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void update(Map<Tags, AtomicLong> gauges, Map<Tags, Long> counts,
                        Function<AtomicLong, Gauge.Builder<AtomicLong>> gauge) {
        Set<Tags> seen = new HashSet<>();
        counts.forEach((tags, count) -> {
            seen.add(tags);
            gauges.computeIfAbsent(tags, t -> {
                AtomicLong value = new AtomicLong();
                gauge.apply(value).tags(t).register(registry);
                return value;
            }).set(count);
        });
        gauges.forEach((tags, value) -> {
            if (!seen.contains(tags)) {
                value.set(0);
            }
        });
    }
}
