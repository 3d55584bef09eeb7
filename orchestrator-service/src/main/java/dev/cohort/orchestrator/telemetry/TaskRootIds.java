package dev.cohort.orchestrator.telemetry;

import dev.cohort.contracts.TaskTrace;
import io.opentelemetry.sdk.trace.IdGenerator;
import jakarta.inject.Singleton;
import java.util.function.Supplier;

/**
 * The OpenTelemetry SDK's id generator: random ids, except for a task's root span, whose trace and span ids are the
 * ones {@link TaskTrace} derives from the task id, so that every service can attach work to the task's trace.
 */
@Singleton
public class TaskRootIds implements IdGenerator {

    private static final ThreadLocal<String> ROOT_OF = new ThreadLocal<>();
    private static final IdGenerator RANDOM = IdGenerator.random();

    /** Runs {@code start} (which starts a span without a parent) so that the span gets the task's root ids. */
    static <T> T asRootOf(String taskId, Supplier<T> start) {
        ROOT_OF.set(taskId);
        try {
            return start.get();
        } finally {
            ROOT_OF.remove();
        }
    }

    @Override
    public String generateSpanId() {
        String taskId = ROOT_OF.get();
        return taskId == null ? RANDOM.generateSpanId() : TaskTrace.rootSpanId(taskId);
    }

    @Override
    public String generateTraceId() {
        String taskId = ROOT_OF.get();
        return taskId == null ? RANDOM.generateTraceId() : TaskTrace.traceId(taskId);
    }
}
