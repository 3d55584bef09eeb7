package dev.cohort.simulator.service;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The generation slots of one model: at most {@code maxConcurrent} calls generate, up to {@code maxQueue} more
 * wait in arrival order, and any further call is turned away (the caller answers 503), as Ollama does with
 * {@code OLLAMA_NUM_PARALLEL} and {@code OLLAMA_MAX_QUEUE}.
 */
public final class ModelGate {

    /** What happened to an offered call. */
    public enum Admission { ADMITTED, QUEUED, REJECTED }

    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private int active;
    private int maxConcurrent;

    /**
     * Offers a call. {@code onAdmit} runs now (ADMITTED, on the caller's thread) or later when a slot frees
     * (QUEUED, on the releasing thread); never for REJECTED.
     */
    public Admission offer(int maxConcurrent, int maxQueue, Runnable onAdmit) {
        synchronized (this) {
            this.maxConcurrent = maxConcurrent;
            if (maxConcurrent > 0 && active >= maxConcurrent) {
                if (waiting.size() >= maxQueue) {
                    return Admission.REJECTED;
                }
                waiting.addLast(onAdmit);
                return Admission.QUEUED;
            }
            active++;
        }
        onAdmit.run();
        return Admission.ADMITTED;
    }

    /** Frees a slot and admits the next waiting call, if any. */
    public void release() {
        Runnable next;
        synchronized (this) {
            active = Math.max(0, active - 1);
            if (waiting.isEmpty() || (maxConcurrent > 0 && active >= maxConcurrent)) {
                return;
            }
            next = waiting.pollFirst();
            active++;
        }
        next.run();
    }

    /** Removes a call that gave up while waiting; true if it was still waiting. */
    public synchronized boolean withdraw(Runnable onAdmit) {
        return waiting.remove(onAdmit);
    }

    public synchronized int waiting() {
        return waiting.size();
    }
}
