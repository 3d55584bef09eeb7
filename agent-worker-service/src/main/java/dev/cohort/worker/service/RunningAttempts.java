package dev.cohort.worker.service;

import dev.cohort.worker.model.Cancellation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The attempts this process is running, so that a pause, a cancel or a reclaimed lease can stop them. */
@ApplicationScoped
public class RunningAttempts {

    record Running(String taskId, String subtaskId, int attempt, Cancellation cancellation) {
    }

    private final Map<String, Running> bySubtask = new ConcurrentHashMap<>();

    Cancellation register(String taskId, String subtaskId, int attempt) {
        Cancellation cancellation = new Cancellation();
        bySubtask.put(subtaskId, new Running(taskId, subtaskId, attempt, cancellation));
        return cancellation;
    }

    void remove(String subtaskId, int attempt) {
        bySubtask.computeIfPresent(subtaskId, (k, r) -> r.attempt() == attempt ? null : r);
    }

    /** Cancels every attempt of a task. */
    public int cancelTask(String taskId, String why) {
        int n = 0;
        for (Running r : bySubtask.values()) {
            if (r.taskId().equals(taskId)) {
                r.cancellation().cancel(why);
                n++;
            }
        }
        return n;
    }

    /** Cancels one attempt, if it is the one running here. */
    public boolean cancelAttempt(String subtaskId, int attempt, String why) {
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
