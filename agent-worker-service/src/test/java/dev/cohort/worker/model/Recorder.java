package dev.cohort.worker.model;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A token listener that keeps what it was told. */
class Recorder implements TokenListener {

    final List<String> pieces = new CopyOnWriteArrayList<>();
    final List<ModelCallException> retries = new CopyOnWriteArrayList<>();

    @Override
    public void onToken(String text, long chunks) {
        pieces.add(text);
    }

    @Override
    public void onRetry(int failedAttempt, ModelCallException failure, Duration delay) {
        retries.add(failure);
        pieces.clear();
    }

    String text() {
        return String.join("", pieces);
    }
}
