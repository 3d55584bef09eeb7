package dev.cohort.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A collector for the tests: takes OTLP/HTTP protobuf exports ({@code /v1/traces}, {@code /v1/metrics}) from the
 * services and keeps the spans and metrics, each with the service that sent it.
 */
final class OtlpReceiver implements AutoCloseable {

    /** A span as exported, ids in hex, attribute values as strings. */
    record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name, int kind,
                        Map<String, String> attributes) {
    }

    /** A metric as exported, with the attributes of each of its data points. */
    record ExportedMetric(String service, String name, String unit, List<Map<String, String>> points) {
    }

    private final HttpServer server;
    private final List<ExportedSpan> spans = new ArrayList<>();
    private final List<ExportedMetric> metrics = new ArrayList<>();
    private int requests;
    private final List<String> unreadable = new ArrayList<>();

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/traces",
                exchange -> answer(exchange, body -> traces(ExportTraceServiceRequest.parseFrom(body))));
        server.createContext("/v1/metrics",
                exchange -> answer(exchange, body -> metrics(ExportMetricsServiceRequest.parseFrom(body))));
        server.start();
    }

    /** The environment that has a service export here, often. */
    Map<String, String> serviceEnv() {
        return Map.of("COHORT_OTLP_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort(),
                "COHORT_OTLP_PROTOCOL", "http/protobuf",
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms",
                "QUARKUS_OTEL_METRIC_EXPORT_INTERVAL", "1s");
    }

    synchronized List<ExportedSpan> spans(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    synchronized List<ExportedMetric> metrics(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).toList();
    }

    /** What arrived, for a failure message: spans per service and trace, with a few names. */
    synchronized String summary() {
        Map<String, List<String>> byTrace = new java.util.TreeMap<>();
        for (ExportedSpan span : spans) {
            byTrace.computeIfAbsent(span.service() + " " + span.traceId(), k -> new ArrayList<>()).add(span.name());
        }
        StringBuilder out = new StringBuilder(spans.size() + " spans, " + requests + " requests, unreadable: "
                + unreadable);
        byTrace.forEach((k, names) -> out.append("\n  ").append(k).append(": ").append(names.size()).append(' ')
                .append(names.stream().distinct().limit(6).toList()));
        return out.toString();
    }

    synchronized List<ExportedSpan> allSpans() {
        return List.copyOf(spans);
    }

    private synchronized void traces(ExportTraceServiceRequest request) {
        requests++;
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = attributes(resource.getResource().getAttributesList()).get("service.name");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (var span : scope.getSpansList()) {
                    spans.add(new ExportedSpan(service, hex.formatHex(span.getTraceId().toByteArray()),
                            hex.formatHex(span.getSpanId().toByteArray()),
                            hex.formatHex(span.getParentSpanId().toByteArray()), span.getName(), span.getKindValue(),
                            attributes(span.getAttributesList())));
                }
            }
        }
    }

    private synchronized void metrics(ExportMetricsServiceRequest request) {
        for (ResourceMetrics resource : request.getResourceMetricsList()) {
            String service = attributes(resource.getResource().getAttributesList()).get("service.name");
            for (ScopeMetrics scope : resource.getScopeMetricsList()) {
                for (Metric metric : scope.getMetricsList()) {
                    List<Map<String, String>> points = new ArrayList<>();
                    if (metric.hasHistogram()) {
                        metric.getHistogram().getDataPointsList().forEach(p -> points.add(attributes(p.getAttributesList())));
                    }
                    if (metric.hasSum()) {
                        metric.getSum().getDataPointsList().forEach(p -> points.add(attributes(p.getAttributesList())));
                    }
                    if (metric.hasGauge()) {
                        metric.getGauge().getDataPointsList().forEach(p -> points.add(attributes(p.getAttributesList())));
                    }
                    metrics.add(new ExportedMetric(service, metric.getName(), metric.getUnit(), points));
                }
            }
        }
    }

    private static Map<String, String> attributes(List<KeyValue> list) {
        Map<String, String> map = new HashMap<>();
        for (KeyValue kv : list) {
            map.put(kv.getKey(), value(kv.getValue()));
        }
        return map;
    }

    private static String value(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream().map(OtlpReceiver::value).toList().toString();
            default -> value.toString();
        };
    }

    private interface Export {
        void take(byte[] body) throws IOException;
    }

    /** Takes one export; an export it cannot read is answered 400 and counted, so a test sees it. */
    private void answer(HttpExchange exchange, Export export) throws IOException {
        try {
            export.take(read(exchange.getRequestBody(), exchange.getRequestHeaders().getFirst("Content-Encoding")));
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        } catch (Throwable e) {
            synchronized (this) {
                unreadable.add(e.toString());
            }
            exchange.sendResponseHeaders(400, -1);
        } finally {
            exchange.close();
        }
    }

    private static byte[] read(InputStream body, String encoding) throws IOException {
        try (InputStream in = "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(body) : body) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
