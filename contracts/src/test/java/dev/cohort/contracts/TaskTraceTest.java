package dev.cohort.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskTraceTest {

    static final String TASK = "3f2b8c1e-9d4a-4c7e-8a51-0b6f2e9d7c13";

    @Test
    void aTasksTraceAndRootSpanComeFromItsId() {
        assertEquals("3f2b8c1e9d4a4c7e8a510b6f2e9d7c13", TaskTrace.traceId(TASK));
        assertEquals("8a510b6f2e9d7c13", TaskTrace.rootSpanId(TASK));
        SpanContext root = TaskTrace.root(TASK);
        assertTrue(root.isValid() && root.isRemote() && root.isSampled());
        assertEquals("00-3f2b8c1e9d4a4c7e8a510b6f2e9d7c13-8a510b6f2e9d7c13-01",
                TaskTrace.traceparent(Context.root().with(Span.wrap(root))));
    }

    @Test
    void idsThatAreNotUuidsHaveNoTrace() {
        for (String id : new String[] {null, "demo", "", "3f2b8c1e9d4a4c7e8a510b6f2e9d7c13",
                "00000000-0000-0000-0000-000000000000"}) {
            assertNull(TaskTrace.traceId(id), id);
            assertNull(TaskTrace.root(id), id);
        }
        assertSame(Context.current(), TaskTrace.parent("demo"));
    }

    @Test
    void newWorkGoesUnderTheCurrentSpanOfTheTasksTraceElseUnderItsRoot() {
        assertEquals(TaskTrace.rootSpanId(TASK), spanId(TaskTrace.parent(TASK)), "nothing current: the root");

        SpanContext inTask = SpanContext.create(TaskTrace.traceId(TASK), "1111111111111111", TraceFlags.getSampled(),
                TraceState.getDefault());
        try (Scope ignored = Context.root().with(Span.wrap(inTask)).makeCurrent()) {
            assertEquals("1111111111111111", spanId(TaskTrace.parent(TASK)), "the task's work in progress");
        }
        SpanContext elsewhere = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "2222222222222222",
                TraceFlags.getSampled(), TraceState.getDefault());
        try (Scope ignored = Context.root().with(Span.wrap(elsewhere)).makeCurrent()) {
            assertEquals(TaskTrace.rootSpanId(TASK), spanId(TaskTrace.parent(TASK)),
                    "a request of another trace (a command, a sweep) joins the task's root");
        }
    }

    @Test
    void aStoredOrCarriedTraceparentIsReadBackElseTheRoot() {
        String stored = "00-3f2b8c1e9d4a4c7e8a510b6f2e9d7c13-1111111111111111-01";
        assertEquals("1111111111111111", spanId(TaskTrace.fromTraceparent(stored, TASK)));
        assertEquals(stored, TaskTrace.traceparent(TaskTrace.fromTraceparent(stored, null)));
        assertEquals("1111111111111111", spanId(TaskTrace.fromHeaders(
                List.of(Map.entry("other", "x"), Map.entry("traceparent", stored)), TASK)));
        assertEquals(TaskTrace.rootSpanId(TASK), spanId(TaskTrace.fromTraceparent("not a traceparent", TASK)));
        assertEquals(TaskTrace.rootSpanId(TASK), spanId(TaskTrace.fromHeaders(List.of(), TASK)));
        assertTrue(!Span.fromContext(TaskTrace.fromTraceparent(null, "demo")).getSpanContext().isValid());
        assertNull(TaskTrace.traceparent(Context.root()));
    }

    private static String spanId(Context context) {
        return Span.fromContext(context).getSpanContext().getSpanId();
    }
}
