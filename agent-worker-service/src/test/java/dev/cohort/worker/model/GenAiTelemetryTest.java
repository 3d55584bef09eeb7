package dev.cohort.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.worker.config.RoleProfiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Model calls over real HTTP to the simulator, as the OpenTelemetry GenAI conventions want them seen: a client span
 * per HTTP call under the caller's span, with the gen_ai attributes, errors typed, no prompt or completion unless
 * content capture is on; and the two GenAI histograms.
 */
@QuarkusTest
@QuarkusTestResource(SimulatorTestResource.class)
class GenAiTelemetryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ModelProviders providers;

    @Inject
    RoleProfiles profiles;

    InMemorySpanExporter spans;
    InMemoryMetricReader metrics;
    OpenTelemetrySdk sdk;

    @BeforeEach
    void setUp() {
        SimulatorTestResource.reset();
        spans = InMemorySpanExporter.create();
        metrics = InMemoryMetricReader.create();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
    }

    @AfterEach
    void tearDown() {
        sdk.close();
    }

    private ModelCalls calls(boolean captureContent) {
        return new ModelCalls(providers, profiles,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1), 0.5),
                new SimpleMeterRegistry(), new GenAiTelemetry(sdk, captureContent));
    }

    @Test
    void eachHttpCallIsAChatSpanUnderTheCallersSpanWithTheGenAiAttributes() {
        SimulatorTestResource.fault("{\"model\":\"sim-backend\",\"action\":\"fail\",\"status\":500,\"times\":1}");
        ModelCalls calls = calls(false);
        ModelRequest request = calls.request(Role.BACKEND, SubtaskKind.WORK, null, "Task: Build a todo REST API",
                null, null);
        Span attempt = sdk.getTracer("test").spanBuilder("attempt").startSpan();
        try (Scope ignored = attempt.makeCurrent()) {
            calls.call(request, 3, TokenListener.NONE).await().atMost(WAIT);
        } finally {
            attempt.end();
        }

        List<SpanData> chats = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat ")).toList();
        assertEquals(2, chats.size(), "one span per HTTP call, the failed one too: " + chats);
        for (SpanData chat : chats) {
            assertEquals("chat sim-backend", chat.getName());
            assertEquals(SpanKind.CLIENT, chat.getKind());
            assertEquals(attempt.getSpanContext().getSpanId(), chat.getParentSpanId(), "under the caller's span");
            assertEquals("chat", chat.getAttributes().get(GenAiTelemetry.OPERATION));
            assertEquals("ollama", chat.getAttributes().get(GenAiTelemetry.PROVIDER));
            assertEquals("sim-backend", chat.getAttributes().get(GenAiTelemetry.REQUEST_MODEL));
            assertNull(chat.getAttributes().get(GenAiTelemetry.INPUT_MESSAGES), "no prompt unless switched on");
            assertNull(chat.getAttributes().get(GenAiTelemetry.OUTPUT_MESSAGES), "no completion unless switched on");
        }
        SpanData failed = chats.get(0);
        assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
        assertEquals("server-error", failed.getAttributes().get(GenAiTelemetry.ERROR_TYPE));
        SpanData answered = chats.get(1);
        assertEquals(StatusCode.UNSET, answered.getStatus().getStatusCode());
        assertNull(answered.getAttributes().get(GenAiTelemetry.ERROR_TYPE));
        assertEquals("sim-backend", answered.getAttributes().get(GenAiTelemetry.RESPONSE_MODEL));
        assertTrue(answered.getAttributes().get(GenAiTelemetry.INPUT_TOKENS) > 0);
        assertTrue(answered.getAttributes().get(GenAiTelemetry.OUTPUT_TOKENS) > 0);
        assertFalse(answered.getAttributes().get(GenAiTelemetry.FINISH_REASONS).isEmpty());

        List<MetricData> exported = List.copyOf(metrics.collectAllMetrics());
        MetricData tokens = metric(exported, "gen_ai.client.token.usage");
        assertEquals("{token}", tokens.getUnit());
        Set<String> types = new TreeSet<>();
        for (HistogramPointData point : tokens.getHistogramData().getPoints()) {
            types.add(point.getAttributes().get(GenAiTelemetry.TOKEN_TYPE));
            assertEquals("sim-backend", point.getAttributes().get(GenAiTelemetry.RESPONSE_MODEL));
            assertEquals(1, point.getCount());
        }
        assertEquals(Set.of("input", "output"), types);
        MetricData duration = metric(exported, "gen_ai.client.operation.duration");
        assertEquals("s", duration.getUnit());
        Set<String> errors = new TreeSet<>();
        for (HistogramPointData point : duration.getHistogramData().getPoints()) {
            Attributes a = point.getAttributes();
            errors.add(String.valueOf(a.get(GenAiTelemetry.ERROR_TYPE)));
            assertEquals("chat", a.get(GenAiTelemetry.OPERATION));
            assertTrue(point.getSum() > 0);
        }
        assertEquals(Set.of("server-error", "null"), errors, "the failed call typed, the answered one not");
    }

    @Test
    void promptAndCompletionGoOnTheSpanOnlyWhenContentCaptureIsOn() throws Exception {
        ModelCalls calls = calls(true);
        ModelRequest request = calls.request(Role.BACKEND, SubtaskKind.WORK, null, "Task: Build a todo REST API",
                null, null);
        ModelResponse response = calls.call(request, 1, TokenListener.NONE).await().atMost(WAIT);

        SpanData chat = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat ")).findFirst()
                .orElseThrow();
        assertTrue(chat.getAttributes().get(GenAiTelemetry.INPUT_MESSAGES).contains("Build a todo REST API"));
        String output = chat.getAttributes().get(GenAiTelemetry.OUTPUT_MESSAGES);
        var message = EventCodec.mapper().readTree(output).get(0);
        assertEquals("assistant", message.get("role").asText());
        assertEquals(response.text(), message.get("content").asText());
    }

    private static MetricData metric(List<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not among " + all.stream().map(MetricData::getName).toList()));
    }
}
