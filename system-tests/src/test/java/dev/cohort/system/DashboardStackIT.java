package dev.cohort.system;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.model.Role;
import dev.cohort.testsupport.Browser;
import dev.cohort.testsupport.ServiceProcess;
import dev.cohort.testsupport.TestTokens;
import dev.cohort.testsupport.TopicReader;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dashboard on the whole stack: a person submits a task from the page in a real headless Chromium, approves the
 * plan, and watches the team finish it on the model simulator; a second dashboard instance sees every event too.
 */
class DashboardStackIT {

    static CohortStack stack;
    static ServiceProcess first;
    static ServiceProcess second;
    /** Every service of the stack exports its spans and metrics here. */
    static OtlpReceiver otlp;

    @BeforeAll
    static void start() {
        otlp = new OtlpReceiver();
        stack = new CohortStack("page", 2, List.of(), Map.of(), otlp.serviceEnv());
        first = stack.startDashboard("dashboard-1");
        second = stack.startDashboard("dashboard-2");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (otlp != null) {
            otlp.close();
        }
    }

    /**
     * One task, one trace: its id names the trace, and the spans every service exported for it (the orchestrator's
     * root and events, the workers' attempts and model calls, the context store's writes, the dashboards' reads of the
     * events) form one tree, every span's parent among them. Model calls carry the GenAI attributes and no prompt or
     * completion; the GenAI metrics arrive too.
     */
    @Test
    void aTasksSpansAcrossEveryServiceFormOneConnectedTrace() {
        String taskId = given().baseUri(stack.orchestrator.url()).contentType(ContentType.JSON)
                .body(Map.of("description", "Build a notes REST API with a web front end"))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> "completed".equals(
                given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + taskId).then().extract().path("status")));
        String traceId = given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + taskId).then().extract()
                .path("traceId");
        assertEquals(taskId.replace("-", ""), traceId, "the task names its trace");
        int doneSubtasks = given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + taskId).then().extract()
                .jsonPath().getList("subtasks.findAll { it.status == 'done' }").size();

        Set<String> services = Set.of("cohort-orchestrator", "cohort-agent-worker", "cohort-context-store",
                "cohort-dashboard");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<OtlpReceiver.ExportedSpan> spans = otlp.spans(traceId);
            Set<String> seen = new java.util.TreeSet<>();
            spans.forEach(span -> seen.add(span.service()));
            assertTrue(seen.containsAll(services), "spans from every service: " + seen + "; all received: "
                    + otlp.summary());
            Set<String> ids = new java.util.HashSet<>();
            spans.forEach(span -> ids.add(span.spanId()));
            List<OtlpReceiver.ExportedSpan> roots = spans.stream().filter(span -> span.parentSpanId().isEmpty()).toList();
            assertEquals(List.of("cohort.task"), roots.stream().map(OtlpReceiver.ExportedSpan::name).toList(),
                    "one root, the task's");
            List<String> orphans = spans.stream().filter(span -> !span.parentSpanId().isEmpty()
                            && !ids.contains(span.parentSpanId()))
                    .map(span -> span.service() + " " + span.name() + " (parent " + span.parentSpanId() + ")").toList();
            assertEquals(List.of(), orphans, "every span's parent is in the trace");
            long chats = spans.stream().filter(span -> span.name().startsWith("chat ")).count();
            assertTrue(chats >= doneSubtasks, "a model-call span per call at least: " + chats + " for " + doneSubtasks
                    + " subtasks");
            assertTrue(spans.stream().anyMatch(span -> span.service().equals("cohort-dashboard")
                    && span.name().contains(Topics.AGENT_EVENTS)), "the dashboard read the agents' events in the trace");
            assertTrue(spans.stream().anyMatch(span -> span.service().equals("cohort-context-store")
                    && span.kind() == 2 && span.name().startsWith("POST") && span.name().contains("artifacts")),
                    "the context store's writes (server spans)");
        });
        Map<String, Long> perService = new java.util.TreeMap<>();
        otlp.spans(traceId).forEach(span -> perService.merge(span.service(), 1L, Long::sum));
        System.out.println("Trace " + traceId + " of a task with " + doneSubtasks + " subtasks: "
                + otlp.spans(traceId).size() + " spans, per service " + perService);
        for (OtlpReceiver.ExportedSpan chat : otlp.spans(traceId).stream()
                .filter(span -> span.name().startsWith("chat ")).toList()) {
            Map<String, String> a = chat.attributes();
            assertEquals("chat", a.get("gen_ai.operation.name"), chat.toString());
            assertTrue(Set.of("ollama", "openrouter").contains(a.get("gen_ai.provider.name")), chat.toString());
            assertEquals(chat.name(), "chat " + a.get("gen_ai.request.model"));
            assertTrue(a.containsKey("gen_ai.response.model") || a.containsKey("error.type"), chat.toString());
            if (!a.containsKey("error.type")) {
                assertTrue(Long.parseLong(a.get("gen_ai.usage.input_tokens")) > 0, chat.toString());
                assertTrue(Long.parseLong(a.get("gen_ai.usage.output_tokens")) > 0, chat.toString());
            }
            assertFalse(a.containsKey("gen_ai.input.messages") || a.containsKey("gen_ai.output.messages"),
                    "no prompt or completion unless switched on: " + chat);
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            List<OtlpReceiver.ExportedMetric> tokens = otlp.metrics("gen_ai.client.token.usage");
            assertFalse(tokens.isEmpty(), "gen_ai.client.token.usage exported");
            assertEquals("{token}", tokens.get(0).unit());
            Set<String> types = new java.util.TreeSet<>();
            tokens.forEach(m -> m.points().forEach(p -> types.add(p.get("gen_ai.token.type"))));
            assertEquals(Set.of("input", "output"), types);
            List<OtlpReceiver.ExportedMetric> durations = otlp.metrics("gen_ai.client.operation.duration");
            assertFalse(durations.isEmpty(), "gen_ai.client.operation.duration exported");
            assertEquals("s", durations.get(0).unit());
            assertTrue(durations.get(0).points().stream().allMatch(p -> p.containsKey("gen_ai.request.model")
                    && p.containsKey("gen_ai.provider.name")), durations.toString());
        });
    }

    @Test
    void aTaskSubmittedFromThePageRunsToTheEndWhileBothDashboardsShowEveryEvent() {
        assumeTrue(Browser.available(), "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
        try (Browser browser = new Browser()) {
            // The local run's sign-in link: the page takes the token from the fragment and removes it.
            browser.open(first.url() + "/#login=" + TestTokens.operator());
            browser.find("#f-title").sendKeys("Todo API");
            browser.find("#f-description").sendKeys("Build a todo REST API with a web front end");
            browser.find("#f-manual").click();
            browser.find("#f-submit").click();

            browser.waitFor("the plan to approve", d -> !d.findElements(By.id("p-approve")).isEmpty());
            browser.screenshot("stack-01-plan-to-approve");
            browser.find("#p-approve").click();

            browser.waitFor("every node of the graph done", d -> {
                List<String> states = browser.attributes("#t-graph .node", "data-status");
                return states.size() >= 5 && states.stream().allMatch("done"::equals);
            });
            // The task's own status, not the word anywhere on the page (the timeline says "completed" per attempt).
            browser.waitFor("the task completed", d -> browser.text("#t-status").contains("completed"));
            String page = browser.text("main");
            browser.screenshot("stack-02-completed");
            String shownTrace = browser.text("#t-trace");
            assertTrue(shownTrace.matches("[0-9a-f]{32}"), "the task's trace id, to copy (no tracing UI configured): "
                    + shownTrace);
            assertTrue(page.contains("local") && page.contains("cloud"), "provider badges on the agents: " + page);
            assertTrue(page.contains("sim-backend") && page.contains("sim-lead"), "model names on the agents: " + page);
        }

        String taskId = given().baseUri(stack.orchestrator.url()).get("/api/tasks").then().extract().path("[0].id");
        assertEquals("completed", given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + taskId)
                .then().extract().path("status"));
        await().atMost(Duration.ofSeconds(30)).until(() -> completed(eventIds(first, taskId))
                && completed(eventIds(second, taskId)));
        List<String> seenByFirst = eventIds(first, taskId);
        List<String> seenBySecond = eventIds(second, taskId);
        // Kafka orders the records of one partition, not the topics among themselves: each instance interleaves the
        // topics as they arrive, so the two lists hold the same events, each partition in offset order.
        assertEquals(new java.util.TreeSet<>(seenByFirst), new java.util.TreeSet<>(seenBySecond),
                "both instances get every event, with the same ids");
        assertEquals(seenByFirst.size(), seenBySecond.size(), "and each once");
        assertEquals(byPartition(seenByFirst), byPartition(seenBySecond), "in the same order within each partition");
        byPartition(seenByFirst).forEach((partition, offsets) -> assertEquals(offsets.stream().sorted().toList(), offsets,
                partition + " in offset order"));
        assertTrue(seenByFirst.size() > 20, "a whole task's events: " + seenByFirst.size());
    }

    /**
     * A whole run with a recognisable OpenRouter key in every worker (the simulator's OpenAI endpoints demand it): the
     * key is in no record of any topic, no line of any Cohort service's log, no SSE frame and no API answer; and no
     * lease token, which only the dispatch records carry, is in an SSE frame or an API answer.
     */
    @Test
    void aWholeRunLeaksNeitherTheProviderKeyNorALeaseToken() throws Exception {
        String key = CohortStack.FAKE_OPENROUTER_KEY;
        String operator = TestTokens.bearer(TestTokens.operator());
        String taskId = given().baseUri(stack.orchestrator.url()).header("Authorization", operator)
                .contentType(ContentType.JSON).body(Map.of("description", "Build a bookmarks REST API with a web front end"))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> "completed".equals(
                given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + taskId).then().extract().path("status")));
        List<String> calls = given().baseUri(stack.simulator.url()).get("/sim/calls").then().extract().jsonPath()
                .getList("model");
        assertTrue(calls.contains("sim-lead"), "the lead ran on the OpenRouter protocol, with the key: " + calls);

        Map<String, String> places = new java.util.LinkedHashMap<>();
        Set<String> leaseTokens = new java.util.HashSet<>();
        List<String> topics = new java.util.ArrayList<>(List.of(Topics.TASK_EVENTS, Topics.AGENT_EVENTS,
                Topics.ARTIFACT_EVENTS, Topics.AGENT_MESSAGES, Topics.DEAD_LETTER));
        for (Role role : Role.values()) {
            topics.add(Topics.dispatch(role));
        }
        for (String topic : topics) {
            StringBuilder all = new StringBuilder();
            for (var record : TopicReader.readAll(topic)) {
                all.append(record.key()).append(' ').append(record.value()).append('\n');
                record.headers().forEach(h -> all.append(h.key()).append('=')
                        .append(new String(h.value(), StandardCharsets.UTF_8)).append('\n'));
                if (topic.startsWith(Topics.DISPATCH_PREFIX) && record.value().contains(taskId)) {
                    leaseTokens.add(EventCodec.mapper().readTree(record.value()).path("leaseToken").asText());
                }
            }
            places.put("topic " + topic, all.toString());
        }
        assertFalse(leaseTokens.isEmpty(), "the run's dispatches carry lease tokens");
        try (var logs = Files.list(Path.of("target", "system-logs"))) {
            for (Path log : logs.filter(l -> l.getFileName().toString().startsWith("page-")
                    && !l.getFileName().toString().contains("simulator")).toList()) {
                places.put("log " + log.getFileName(), Files.readString(log));
            }
        }
        Map<String, String> answers = new java.util.LinkedHashMap<>();
        for (String path : List.of("/api/tasks", "/api/tasks/" + taskId, "/api/tasks/" + taskId + "/messages",
                "/api/workload")) {
            answers.put("orchestrator " + path, given().baseUri(stack.orchestrator.url()).get(path).asString());
        }
        String artifacts = given().baseUri(stack.contextStore.url()).get("/api/tasks/" + taskId + "/artifacts").asString();
        answers.put("context store artifacts", artifacts);
        for (String artifactKey : io.restassured.path.json.JsonPath.from(artifacts).<String>getList("key")) {
            answers.put("context store " + artifactKey, given().baseUri(stack.contextStore.url())
                    .get("/api/tasks/" + taskId + "/history/" + artifactKey).asString());
        }
        answers.put("context store conflicts", given().baseUri(stack.contextStore.url())
                .get("/api/tasks/" + taskId + "/conflicts").asString());
        answers.put("dashboard task", given().baseUri(first.url()).get("/api/tasks/" + taskId).asString());
        answers.put("dashboard events", given().baseUri(first.url()).queryParam("taskId", taskId)
                .queryParam("limit", 1000).get("/api/events").asString());
        answers.put("dashboard SSE", sse(first.url() + "/api/tasks/" + taskId + "/stream", operator));
        places.put("exported spans", otlp.allSpans().toString());
        assertTrue(answers.get("dashboard SSE").contains("task.completed"), "the stream replayed the whole task");
        places.putAll(answers);

        for (Map.Entry<String, String> place : places.entrySet()) {
            assertFalse(place.getValue().contains(key), "the OpenRouter key leaked into " + place.getKey());
            assertFalse(place.getValue().contains(key.substring("sk-or-v1-".length())),
                    "part of the OpenRouter key leaked into " + place.getKey());
        }
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            for (String lease : leaseTokens) {
                assertFalse(answer.getValue().contains(lease), "a lease token is in " + answer.getKey());
            }
        }
    }

    /** The SSE frames of a stream until the task's end arrives, or 20 s. */
    private static String sse(String url, String authorization) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", authorization).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        StringBuilder frames = new StringBuilder();
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            var done = reader.submit(() -> {
                String line;
                while ((line = in.readLine()) != null) {
                    frames.append(line).append('\n');
                    if (line.contains("task.completed")) {
                        return null;
                    }
                }
                return null;
            });
            try {
                done.get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                done.cancel(true);
            }
        } finally {
            reader.shutdownNow();
        }
        return frames.toString();
    }

    /** Event ids ("topic:partition:offset type") grouped by topic and partition, offsets in the order seen. */
    private static java.util.Map<String, List<Long>> byPartition(List<String> events) {
        java.util.Map<String, List<Long>> result = new java.util.TreeMap<>();
        for (String event : events) {
            String id = event.substring(0, event.indexOf(' '));
            int last = id.lastIndexOf(':');
            result.computeIfAbsent(id.substring(0, last), k -> new java.util.ArrayList<>())
                    .add(Long.parseLong(id.substring(last + 1)));
        }
        return result;
    }

    /** A task's events as one dashboard instance saw them: "id type", in order. */
    private static List<String> eventIds(ServiceProcess dashboard, String taskId) {
        io.restassured.path.json.JsonPath events = given().baseUri(dashboard.url()).queryParam("taskId", taskId)
                .queryParam("limit", 1000).get("/api/events").then().statusCode(200).extract().jsonPath();
        List<String> ids = events.getList("id");
        List<String> types = events.getList("type");
        return java.util.stream.IntStream.range(0, ids.size()).mapToObj(i -> ids.get(i) + " " + types.get(i)).toList();
    }

    private static boolean completed(List<String> events) {
        return events.stream().anyMatch(e -> e.endsWith(" task.completed"));
    }
}
