package dev.cohort.worker.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.model.ModelRef;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Model calls as the OpenTelemetry GenAI semantic conventions describe them: one {@code chat <model>} client span per
 * HTTP call with {@code gen_ai.*} attributes (operation, provider, request and response model, token usage, finish
 * reasons, {@code error.type}), and the histograms {@code gen_ai.client.token.usage} and
 * {@code gen_ai.client.operation.duration}. Prompts and completions go on the span only when {@code captureContent}
 * is on.
 */
public final class GenAiTelemetry {

    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    public static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    public static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    public static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    public static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    public static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    public static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");

    /** Bucket boundaries the conventions advise for the two histograms. */
    private static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L,
            262144L, 1048576L, 4194304L, 16777216L, 67108864L);
    private static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
            2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    /** Longest prompt or completion text put on a span when content capture is on. */
    private static final int MAX_CONTENT = 16_000;

    public static final GenAiTelemetry NONE = new GenAiTelemetry(OpenTelemetry.noop(), false);

    private final Tracer tracer;
    private final LongHistogram tokens;
    private final DoubleHistogram duration;
    private final boolean captureContent;

    public GenAiTelemetry(OpenTelemetry telemetry, boolean captureContent) {
        this.tracer = telemetry.getTracer("dev.cohort.worker.model");
        Meter meter = telemetry.getMeter("dev.cohort.worker.model");
        this.tokens = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Tokens used per model call, by gen_ai.token.type (input, output)")
                .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
        this.duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("Duration of a model call (one HTTP request)")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        this.captureContent = captureContent;
    }

    /** One model call in progress. */
    public final class Call {

        private final Span span;
        private final ModelRef model;
        private final long startedNanos = System.nanoTime();
        private boolean ended;

        private Call(Span span, ModelRef model) {
            this.span = span;
            this.model = model;
        }

        public synchronized void succeeded(ModelResponse response) {
            if (ended) {
                return;
            }
            ended = true;
            ModelRef answeredBy = response.answeredBy() == null ? model : response.answeredBy();
            span.setAttribute(RESPONSE_MODEL, answeredBy.model());
            long input = response.usage() == null ? 0 : response.usage().promptTokens();
            long output = response.usage() == null ? 0 : response.usage().completionTokens();
            span.setAttribute(INPUT_TOKENS, input);
            span.setAttribute(OUTPUT_TOKENS, output);
            if (response.doneReason() != null) {
                span.setAttribute(FINISH_REASONS, List.of(response.doneReason()));
            }
            if (captureContent) {
                span.setAttribute(OUTPUT_MESSAGES, cut(json(List.of(Map.of("role", "assistant",
                        "content", response.text() == null ? "" : response.text(),
                        "tool_calls", response.toolCalls().stream().map(ToolCall::name).toList())))));
            }
            Attributes common = common(model, answeredBy.model(), null);
            tokens.record(input, common.toBuilder().put(TOKEN_TYPE, "input").build());
            tokens.record(output, common.toBuilder().put(TOKEN_TYPE, "output").build());
            duration.record(seconds(), common);
            span.end();
        }

        public synchronized void failed(ModelCallException failure) {
            if (ended) {
                return;
            }
            ended = true;
            String type = failure.kind().id();
            span.setAttribute(ERROR_TYPE, type);
            span.setStatus(StatusCode.ERROR, failure.getMessage() == null ? type : failure.getMessage());
            duration.record(seconds(), common(model, null, type));
            span.end();
        }

        private double seconds() {
            return (System.nanoTime() - startedNanos) / 1e9;
        }
    }

    /** One tool call in progress: its span is current until closed, so the requests it makes go under it. */
    public final class ToolSpan implements AutoCloseable {

        private final Span span;
        private final io.opentelemetry.context.Scope scope;

        private ToolSpan(Span span) {
            this.span = span;
            this.scope = span.makeCurrent();
        }

        /** How the call ended for the model: {@code ok}, or the kind of answer it got instead. */
        public void outcome(String outcome) {
            span.setAttribute("cohort.tool.outcome", outcome);
            if (!"ok".equals(outcome)) {
                span.setAttribute(ERROR_TYPE, outcome);
            }
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }

    /** Starts the span of a tool the model called ({@code execute_tool <name>}) under the current one. */
    public ToolSpan tool(String name, String callId) {
        var builder = tracer.spanBuilder("execute_tool " + name).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "execute_tool")
                .setAttribute("gen_ai.tool.name", name);
        if (callId != null) {
            builder.setAttribute("gen_ai.tool.call.id", callId);
        }
        return new ToolSpan(builder.startSpan());
    }

    /** Starts the span of one HTTP call to {@code request}'s model, under {@code parent}. */
    public Call start(ModelRequest request, Context parent) {
        ModelRef model = request.model();
        var builder = tracer.spanBuilder("chat " + model.model()).setSpanKind(SpanKind.CLIENT)
                .setParent(parent == null ? Context.current() : parent)
                .setAttribute(OPERATION, "chat")
                .setAttribute(PROVIDER, model.provider().id())
                .setAttribute(REQUEST_MODEL, model.model());
        if (request.temperature() != null) {
            builder.setAttribute(TEMPERATURE, request.temperature());
        }
        if (request.maxTokens() != null) {
            builder.setAttribute(MAX_TOKENS, request.maxTokens().longValue());
        }
        if (captureContent) {
            List<Map<String, String>> messages = new ArrayList<>();
            for (ChatMessage m : request.messages()) {
                messages.add(Map.of("role", m.role(), "content", m.content()));
            }
            builder.setAttribute(INPUT_MESSAGES, cut(json(messages)));
        }
        return new Call(builder.startSpan(), model);
    }

    private static Attributes common(ModelRef model, String responseModel, String errorType) {
        AttributesBuilder attributes = Attributes.builder()
                .put(OPERATION, "chat")
                .put(PROVIDER, model.provider().id())
                .put(REQUEST_MODEL, model.model());
        if (responseModel != null) {
            attributes.put(RESPONSE_MODEL, responseModel);
        }
        if (errorType != null) {
            attributes.put(ERROR_TYPE, errorType);
        }
        return attributes.build();
    }

    private static String json(Object value) {
        try {
            return EventCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_CONTENT ? text : text.substring(0, MAX_CONTENT);
    }
}
