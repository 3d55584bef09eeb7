package dev.cohort.orchestrator.telemetry;

import dev.cohort.contracts.TaskTrace;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * Starts a task's trace: its root span, named {@code cohort.task}, with the ids {@link TaskTrace} derives from the
 * task id and a link to the request that submitted it (REST, MCP or A2A), which has a trace of its own.
 */
@ApplicationScoped
public class TaskSpans {

    private final Tracer tracer;

    public TaskSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Records the root span of a task just submitted. */
    public void submitted(UUID taskId, String createdBy) {
        String id = taskId.toString();
        Span request = Span.current();
        SpanContext requestContext = request.getSpanContext();
        Span root = TaskRootIds.asRootOf(id, () -> {
            var builder = tracer.spanBuilder("cohort.task").setNoParent().setSpanKind(SpanKind.INTERNAL)
                    .setAttribute(TaskTrace.TASK_ID_ATTRIBUTE, id)
                    .setAttribute("cohort.task.created_by", createdBy == null ? "" : createdBy);
            if (requestContext.isValid()) {
                builder.addLink(requestContext);
            }
            return builder.startSpan();
        });
        root.end();
        if (requestContext.isValid()) {
            request.setAttribute(TaskTrace.TASK_ID_ATTRIBUTE, id);
        }
    }
}
