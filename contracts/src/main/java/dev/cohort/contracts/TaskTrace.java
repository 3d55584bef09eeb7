package dev.cohort.contracts;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One trace per task. A task's trace id is its id (the UUID's 32 hex digits), and its root span's id is the last 16 of
 * them, so every service can name the task's trace and attach to it from the task id alone: work started by a timer (a
 * lease sweep, a retry) or a record without trace headers joins its task's trace under the root instead of starting
 * a trace of its own. Work that arrives with the task's trace context (a Kafka header, an HTTP header) stays under
 * the span that caused it.
 */
public final class TaskTrace {

    /** The W3C header that carries a span's context on Kafka records, outbox rows and HTTP requests. */
    public static final String TRACEPARENT = "traceparent";

    /** The span attribute that names the task a span's work is for. */
    public static final String TASK_ID_ATTRIBUTE = "cohort.task.id";

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TaskTrace() {
    }

    /** The task's trace id, or null when {@code taskId} is not a UUID. */
    public static String traceId(String taskId) {
        UUID id = uuid(taskId);
        if (id == null || id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0) {
            return null;
        }
        return id.toString().replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** The id of the task's root span, or null when {@code taskId} is not a UUID. */
    public static String rootSpanId(String taskId) {
        String traceId = traceId(taskId);
        if (traceId == null) {
            return null;
        }
        String spanId = traceId.substring(16);
        return spanId.equals("0000000000000000") ? "0000000000000001" : spanId;
    }

    /** The task's root span as a parent, or null when {@code taskId} is not a UUID. */
    public static SpanContext root(String taskId) {
        String traceId = traceId(taskId);
        return traceId == null ? null
                : SpanContext.createFromRemoteParent(traceId, rootSpanId(taskId), TraceFlags.getSampled(),
                        TraceState.getDefault());
    }

    /**
     * The context new work of the task belongs under: the current one when it is in the task's trace, else the task's
     * root span; the current one, whatever it is, when {@code taskId} is not a UUID.
     */
    public static Context parent(String taskId) {
        String traceId = traceId(taskId);
        Context current = Context.current();
        if (traceId == null) {
            return current;
        }
        SpanContext span = Span.fromContext(current).getSpanContext();
        if (span.isValid() && span.getTraceId().equals(traceId)) {
            return current;
        }
        return Context.root().with(Span.wrap(root(taskId)));
    }

    /** The W3C {@code traceparent} of a context's span, or null when it has none. */
    public static String traceparent(Context context) {
        if (context == null || !Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** The context a stored {@code traceparent} names; the task's root when it is missing or unreadable. */
    public static Context fromTraceparent(String traceparent, String taskId) {
        if (traceparent != null && !traceparent.isBlank()) {
            Context extracted = W3CTraceContextPropagator.getInstance()
                    .extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP);
            if (Span.fromContext(extracted).getSpanContext().isValid()) {
                return extracted;
            }
        }
        SpanContext root = root(taskId);
        return root == null ? Context.root() : Context.root().with(Span.wrap(root));
    }

    /** The context carried by headers (W3C), or the task's root when they carry none. */
    public static Context fromHeaders(List<Map.Entry<String, String>> headers, String taskId) {
        String traceparent = null;
        for (Map.Entry<String, String> header : headers) {
            if (TRACEPARENT.equalsIgnoreCase(header.getKey())) {
                traceparent = header.getValue();
            }
        }
        return fromTraceparent(traceparent, taskId);
    }

    private static UUID uuid(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
