package dev.cohort.worker.service;

import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.worker.model.Cancellation;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The attempts this process is running, so that a pause, a cancel or a reclaimed lease can stop them. */
@ApplicationScoped
public class RunningAttempts {

    record Running(String taskId, String subtaskId, int attempt, Cancellation cancellation) {
    }

    /** How many attempts whose model this process called, and how many stops, are remembered. */
    private static final int REMEMBERED = 4096;

    private final Map<String, Running> bySubtask = new ConcurrentHashMap<>();
    /**
     * Attempts whose model this process called. The share group may deliver a dispatch again after its run here
     * ended, when the acknowledgement did not reach the broker (a broker restart, a lock that ran out); the
     * orchestrator may then still show it running under this worker's name, which would read as "run it".
     */
    private final Map<String, Boolean> modelCalled = remembered();

    /**
     * Tasks stopped (paused, cancelled, failed), with when the orchestrator stopped them, and attempts it stopped: a
     * dispatch of theirs decided before the stop and delivered after it is not run.
     */
    private final Map<String, Instant> stoppedTasks = remembered();
    private final Map<String, Boolean> stoppedAttempts = remembered();

    private static <V> Map<String, V> remembered() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    /** Why a dispatch no longer runs, as far as the task events this process read say; null when they say nothing. */
    synchronized String stopped(SubtaskDispatch d) {
        if (stoppedAttempts.containsKey(key(d.subtaskId(), d.attempt()))) {
            return "the orchestrator ended this attempt";
        }
        Instant stopped = stoppedTasks.get(d.taskId());
        if (stopped != null && !d.occurredAt().isAfter(stopped)) {
            return "the task was stopped after this dispatch was decided";
        }
        return null;
    }

    /** Registers an attempt about to run; null when this process is running it or has called its model already. */
    synchronized Cancellation register(String taskId, String subtaskId, int attempt) {
        Running current = bySubtask.get(subtaskId);
        if ((current != null && current.attempt() == attempt) || modelCalled.containsKey(key(subtaskId, attempt))) {
            return null;
        }
        Cancellation cancellation = new Cancellation();
        bySubtask.put(subtaskId, new Running(taskId, subtaskId, attempt, cancellation));
        return cancellation;
    }

    /** The attempt ended here; {@code calledModel} keeps a later delivery of the same dispatch from running again. */
    synchronized void remove(String subtaskId, int attempt, boolean calledModel) {
        bySubtask.computeIfPresent(subtaskId, (k, r) -> r.attempt() == attempt ? null : r);
        if (calledModel) {
            modelCalled.put(key(subtaskId, attempt), Boolean.TRUE);
        }
    }

    private static String key(String subtaskId, int attempt) {
        return subtaskId + "#" + attempt;
    }

    /**
     * The orchestrator stopped the task at {@code at} (its clock): cancels every attempt of it running here, and
     * dispatches of it decided until then no longer run.
     */
    public int cancelTask(String taskId, Instant at, String why) {
        synchronized (this) {
            stoppedTasks.merge(taskId, at, (a, b) -> a.isAfter(b) ? a : b);
        }
        int n = 0;
        for (Running r : bySubtask.values()) {
            if (r.taskId().equals(taskId)) {
                r.cancellation().cancel(why);
                n++;
            }
        }
        return n;
    }

    /**
     * The orchestrator ended an attempt (cancelled, reclaimed, failed): cancels it if it is the one running here, and
     * its dispatch no longer runs.
     */
    public boolean cancelAttempt(String subtaskId, int attempt, String why) {
        synchronized (this) {
            stoppedAttempts.put(key(subtaskId, attempt), Boolean.TRUE);
        }
        Running r = bySubtask.get(subtaskId);
        if (r != null && r.attempt() == attempt) {
            r.cancellation().cancel(why);
            return true;
        }
        return false;
    }

    public int count() {
        return bySubtask.size();
    }
}
