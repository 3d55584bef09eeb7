package dev.cohort.worker.model;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lets whoever started a model call stop it (a cancelled task, a lost lease). Cancelling closes the HTTP
 * connection, so the provider stops generating too, and the call fails with {@code cancelled}.
 */
public final class Cancellation {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile String reason;

    public static Cancellation none() {
        return new Cancellation();
    }

    public void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why == null ? "cancelled" : why;
        }
        listeners.forEach(Runnable::run);
    }

    public boolean isCancelled() {
        return reason != null;
    }

    public String reason() {
        return reason;
    }

    /** Runs {@code listener} on cancellation (at once if already cancelled); the returned handle unregisters it. */
    public Runnable onCancel(Runnable listener) {
        listeners.add(listener);
        if (isCancelled()) {
            listener.run();
        }
        return () -> listeners.remove(listener);
    }
}
