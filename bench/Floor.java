import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The physical floor of Cohort's figures: the same plans on the same model simulator, run in-process with plain Java
 * concurrency (asynchronous HTTP calls chained by CompletableFutures), with no Kafka, no database, no context store
 * and no orchestrator. Each task is what Cohort's would be: the lead's plan call (OpenAI wire, JSON asked for), one
 * model call per planned subtask once its dependencies are done (lead and reviewer on the OpenAI wire, the other
 * roles on Ollama's, as the workers' default configuration), then the lead's summary call. Optionally at most N calls
 * of one role at a time, like N worker slots of that role.
 *
 * <p>Usage: java -cp <jackson jars> bench/Floor.java --sim http://localhost:18090 --spec spec.json --out out.json
 * <br>spec: {"scenarios": [{"name", "mode": "sequential"|"closed", "phrase": "[plan: chain 5]", "latencyMs",
 * "tasks" (sequential), "inFlight", "slotsPerRole" (0 = no limit), "warmupS", "windowS" (closed)}]}
 * <br>or one scenario from arguments: --phrase "[plan: fan-out 8]" --latency 0 --tasks 3 (one task at a time).
 * <br>--warmup N: N fan-out-8 tasks at latency 0 first, not measured (default 6).
 */
public class Floor {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ExecutorService POOL = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "floor");
        t.setDaemon(true);
        return t;
    });
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(POOL)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final List<String> OPENAI_ROLES = List.of("lead", "reviewer");
    static final List<String> EXTRA_MODELS = List.of("sim-architect-large", "sim-backend-large", "sim-frontend-large",
            "sim-tester-large");
    static final AtomicLong SEQ = new AtomicLong();

    static String sim;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        sim = opts.getOrDefault("sim", "http://localhost:18090");
        JsonNode spec;
        if (opts.containsKey("spec")) {
            spec = JSON.readTree(Files.readString(Path.of(opts.get("spec"))));
        } else {
            ObjectNode one = JSON.createObjectNode();
            one.put("name", "floor").put("mode", "sequential").put("phrase", opts.getOrDefault("phrase", ""))
                    .put("latencyMs", Long.parseLong(opts.getOrDefault("latency", "0")))
                    .put("tasks", Integer.parseInt(opts.getOrDefault("tasks", "3")));
            spec = JSON.createObjectNode().set("scenarios", JSON.createArrayNode().add(one));
        }
        // A warm-up (not measured): the simulator's and this JVM's code paths compiled, connections open.
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "6"));
        if (warmup > 0) {
            setLatency(0);
            List<CompletableFuture<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < warmup; i++) {
                tasks.add(new FloorTask("[plan: fan-out 8]", Map.of()).run());
            }
            CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode scenarios = out.putObject("scenarios");
        for (JsonNode s : spec.path("scenarios")) {
            setLatency(s.path("latencyMs").asLong());
            long began = System.nanoTime();
            ObjectNode result = s.path("mode").asText("sequential").equals("closed") ? closed(s) : sequential(s);
            result.put("seconds", round((System.nanoTime() - began) / 1e9));
            scenarios.set(s.path("name").asText(), result);
            System.err.printf("floor %-24s %s%n", s.path("name").asText(), brief(result));
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        if (opts.containsKey("out")) {
            Files.writeString(Path.of(opts.get("out")), text);
        } else {
            System.out.println(text);
        }
        System.exit(0);
    }

    static String brief(ObjectNode r) {
        if (r.has("subtasksPerSecond")) {
            return "subtasks/s " + r.get("subtasksPerSecond");
        }
        return "E p50 " + r.path("efficiency").path("p50") + ", makespan p50 " + r.path("makespanMs").path("p50") + " ms";
    }

    // ---- scenarios ----

    /** Tasks one at a time: makespan, efficiency, hops, submit to first call. */
    static ObjectNode sequential(JsonNode s) throws Exception {
        List<Double> makespans = new ArrayList<>(), efficiency = new ArrayList<>(), hops = new ArrayList<>(),
                firstCall = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < s.path("tasks").asInt(3); i++) {
            try {
                FloorTask t = new FloorTask(s.path("phrase").asText(""), Map.of());
                t.run().get(10, TimeUnit.MINUTES);
                makespans.add(t.makespanMs());
                efficiency.add(t.criticalPathMs() / t.makespanMs());
                hops.addAll(t.hopsMs());
                firstCall.add((t.plan.start - t.start) / 1e6);
            } catch (Exception e) {
                failed++;
                System.err.println("floor task failed: " + e);
            }
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("tasks", makespans.size()).put("failedTasks", failed);
        summary(r.putObject("makespanMs"), makespans);
        summary(r.putObject("efficiency"), efficiency);
        summary(r.putObject("hopMs"), hops);
        summary(r.putObject("submitToFirstCallMs"), firstCall);
        return r;
    }

    /** {@code inFlight} tasks at all times; subtasks (model calls) completed per second in the window after warm-up. */
    static ObjectNode closed(JsonNode s) throws Exception {
        int inFlight = s.path("inFlight").asInt(16);
        int slots = s.path("slotsPerRole").asInt(0);
        Map<String, Limiter> limiters = new HashMap<>();
        if (slots > 0) {
            for (String role : List.of("lead", "architect", "backend", "frontend", "reviewer", "tester", "researcher",
                    "optimizer")) {
                limiters.put(role, new Limiter(slots));
            }
        }
        long start = System.nanoTime();
        long windowStart = start + (long) (s.path("warmupS").asDouble(3) * 1e9);
        long windowEnd = windowStart + (long) (s.path("windowS").asDouble(10) * 1e9);
        Queue<Long> callEnds = new ConcurrentLinkedQueue<>();
        Queue<Long> taskEnds = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        CompletableFuture<Void> drained = new CompletableFuture<>();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (System.nanoTime() >= windowEnd) {
                if (running.get() == 0) {
                    drained.complete(null);
                }
                return;
            }
            running.incrementAndGet();
            FloorTask t = new FloorTask(s.path("phrase").asText(""), limiters);
            t.callEnds = callEnds;
            t.run().whenComplete((ok, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                } else {
                    taskEnds.add(System.nanoTime());
                }
                running.decrementAndGet();
                next[0].run();
            });
        };
        for (int i = 0; i < inFlight; i++) {
            next[0].run();
        }
        drained.get(10, TimeUnit.MINUTES);
        long calls = callEnds.stream().filter(t -> t >= windowStart && t < windowEnd).count();
        long tasks = taskEnds.stream().filter(t -> t >= windowStart && t < windowEnd).count();
        double seconds = (windowEnd - windowStart) / 1e9;
        ObjectNode r = JSON.createObjectNode();
        r.put("inFlight", inFlight).put("slotsPerRole", slots).put("windowS", round(seconds));
        r.put("subtasksCompleted", calls).put("subtasksPerSecond", round(calls / seconds));
        r.put("tasksCompleted", tasks).put("tasksPerSecond", round(tasks / seconds));
        r.put("failedTasks", failed.get());
        return r;
    }

    // ---- one task ----

    static final class Call {
        final String key;
        final String role;
        final String kind;
        final List<String> deps;
        final JsonNode planned;
        long start;
        long end;

        Call(String key, String role, String kind, List<String> deps, JsonNode planned) {
            this.key = key;
            this.role = role;
            this.kind = kind;
            this.deps = deps;
            this.planned = planned;
        }
    }

    static final class FloorTask {
        final String title = "Floor todo #" + SEQ.incrementAndGet();
        final String description;
        final Map<String, Limiter> limiters;
        final Map<String, Call> calls = new LinkedHashMap<>();
        Queue<Long> callEnds;
        Call plan;
        Call summary;
        long start;

        FloorTask(String phrase, Map<String, Limiter> limiters) {
            this.description = "Build a todo REST API with a web front end " + phrase;
            this.limiters = limiters;
        }

        CompletableFuture<Void> run() {
            start = System.nanoTime();
            plan = new Call("plan", "lead", "plan", List.of(), null);
            return call(plan).thenCompose(planText -> {
                JsonNode subtasks;
                try {
                    subtasks = JSON.readTree(planText).path("subtasks");
                } catch (Exception e) {
                    throw new IllegalStateException("the plan is not JSON: " + planText, e);
                }
                Map<String, CompletableFuture<String>> done = new HashMap<>();
                for (JsonNode p : subtasks) {
                    List<String> deps = new ArrayList<>();
                    p.path("dependsOn").forEach(d -> deps.add(d.asText()));
                    calls.put(p.path("id").asText(), new Call(p.path("id").asText(), p.path("role").asText(), "work",
                            deps.isEmpty() ? List.of("plan") : deps, p));
                }
                for (Call c : calls.values()) {
                    schedule(c, done);
                }
                summary = new Call("summary", "lead", "summary", List.copyOf(calls.keySet()), null);
                return CompletableFuture.allOf(done.values().toArray(CompletableFuture[]::new))
                        .thenCompose(v -> call(summary)).thenApply(text -> null);
            });
        }

        private CompletableFuture<String> schedule(Call c, Map<String, CompletableFuture<String>> done) {
            CompletableFuture<String> known = done.get(c.key);
            if (known != null) {
                return known;
            }
            List<CompletableFuture<String>> before = new ArrayList<>();
            for (String dep : c.deps) {
                before.add(dep.equals("plan") ? CompletableFuture.completedFuture("") : schedule(calls.get(dep), done));
            }
            CompletableFuture<String> f = CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
                    .thenCompose(v -> call(c));
            done.put(c.key, f);
            return f;
        }

        private CompletableFuture<String> call(Call c) {
            Limiter limiter = limiters.get(c.role);
            Supplier<CompletableFuture<String>> send = () -> {
                c.start = System.nanoTime();
                return chat(c, this).whenComplete((text, e) -> {
                    c.end = System.nanoTime();
                    if (e == null && callEnds != null) {
                        callEnds.add(c.end);
                    }
                });
            };
            return limiter == null ? send.get() : limiter.submit(send);
        }

        double makespanMs() {
            return (summary.end - start) / 1e6;
        }

        /** The longest chain of the calls' own durations, plan and summary included. */
        double criticalPathMs() {
            Map<String, Double> memo = new HashMap<>();
            double longest = 0;
            for (Call c : calls.values()) {
                longest = Math.max(longest, path(c, memo));
            }
            return (plan.end - plan.start) / 1e6 + longest + (summary.end - summary.start) / 1e6;
        }

        private double path(Call c, Map<String, Double> memo) {
            Double known = memo.get(c.key);
            if (known != null) {
                return known;
            }
            double before = 0;
            for (String dep : c.deps) {
                if (!dep.equals("plan")) {
                    before = Math.max(before, path(calls.get(dep), memo));
                }
            }
            double total = before + (c.end - c.start) / 1e6;
            memo.put(c.key, total);
            return total;
        }

        /** From the last dependency's call ending to the dependent's call starting, for every call after the plan. */
        List<Double> hopsMs() {
            List<Double> hops = new ArrayList<>();
            for (Call c : calls.values()) {
                long last = 0;
                for (String dep : c.deps) {
                    last = Math.max(last, dep.equals("plan") ? plan.end : calls.get(dep).end);
                }
                hops.add((c.start - last) / 1e6);
            }
            long last = calls.values().stream().mapToLong(c -> c.end).max().orElse(plan.end);
            hops.add((summary.start - last) / 1e6);
            return hops;
        }
    }

    /** At most {@code permits} calls at once; the others wait in arrival order, without holding a thread. */
    static final class Limiter {
        private final Queue<Runnable> waiting = new ArrayDeque<>();
        private int free;

        Limiter(int permits) {
            this.free = permits;
        }

        <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> work) {
            CompletableFuture<T> result = new CompletableFuture<>();
            Runnable go = () -> work.get().whenComplete((v, e) -> {
                release();
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(v);
                }
            });
            boolean now;
            synchronized (this) {
                now = free > 0;
                if (now) {
                    free--;
                } else {
                    waiting.add(go);
                }
            }
            if (now) {
                go.run();
            }
            return result;
        }

        private void release() {
            Runnable next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    free++;
                }
            }
            if (next != null) {
                next.run();
            }
        }
    }

    // ---- the wire, as the workers use it ----

    static CompletableFuture<String> chat(Call c, FloorTask task) {
        boolean openai = OPENAI_ROLES.contains(c.role);
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "sim-" + c.role);
        body.put("stream", true);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "Cohort-Role: " + c.role + "\nCohort-Subtask-Kind: "
                + c.kind + "\n\nYou are the " + c.role + " of a software team.\n");
        messages.addObject().put("role", "user").put("content", userMessage(c, task));
        if (c.kind.equals("plan")) {
            if (openai) {
                body.putObject("response_format").put("type", "json_object");
            } else {
                body.put("format", "json");
            }
        }
        if (openai) {
            body.putObject("stream_options").put("include_usage", true);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim + (openai ? "/v1/chat/completions" : "/api/chat")))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("sim-" + c.role + " answered " + r.statusCode() + ": " + r.body());
            }
            return c.kind.equals("plan") ? text(r.body(), openai) : "";
        });
    }

    /** The user message of a subtask, laid out as the worker's (SubtaskPrompts). */
    static String userMessage(Call c, FloorTask task) {
        StringBuilder text = new StringBuilder("Task: ").append(task.title).append('\n').append(task.description)
                .append('\n');
        if (c.planned != null) {
            text.append("\nSubtask: ").append(c.planned.path("title").asText()).append('\n')
                    .append(c.planned.path("instructions").asText()).append('\n');
            list(text, "Reads", c.planned.path("reads"));
            list(text, "Writes", c.planned.path("writes"));
        } else {
            text.append("\nSubtask: ").append(c.kind.equals("plan") ? "Plan the work" : "Summarise the result")
                    .append('\n');
        }
        return text.toString();
    }

    private static void list(StringBuilder text, String label, JsonNode values) {
        if (values.isArray() && !values.isEmpty()) {
            List<String> all = new ArrayList<>();
            values.forEach(v -> all.add(v.asText()));
            text.append(label).append(": ").append(String.join(", ", all)).append('\n');
        }
    }

    /** The answer's text from a streamed body: OpenAI SSE deltas or Ollama NDJSON messages. */
    static String text(String body, boolean openai) {
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\n")) {
            try {
                if (openai) {
                    if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                        JsonNode choice = JSON.readTree(line.substring(6)).path("choices").path(0);
                        text.append(choice.path("delta").path("content").asText(""));
                    }
                } else if (!line.isBlank()) {
                    text.append(JSON.readTree(line).path("message").path("content").asText(""));
                }
            } catch (Exception e) {
                throw new IllegalStateException("unreadable answer line: " + line, e);
            }
        }
        return text.toString().replaceAll("(?s)^```(?:json)?\\s*|\\s*```\\s*$", "");
    }

    // ---- the simulator's latency ----

    /** Latency L for every model: the whole answer after L ms, no generation time, no concurrency limit. */
    static void setLatency(long latencyMs) throws Exception {
        HttpResponse<String> models = HTTP.send(HttpRequest.newBuilder(URI.create(sim + "/sim/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> names = new ArrayList<>();
        JSON.readTree(models.body()).fieldNames().forEachRemaining(names::add);
        EXTRA_MODELS.stream().filter(m -> !names.contains(m)).forEach(names::add);
        String settings = "{\"timeToFirstTokenMs\": " + latencyMs
                + ", \"tokensPerSecond\": 0, \"maxConcurrent\": 0, \"maxQueue\": 100000}";
        for (String name : names) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sim + "/sim/models/" + name))
                            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(settings))
                            .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("PUT /sim/models/" + name + " answered " + r.statusCode() + ": " + r.body());
            }
        }
    }

    // ---- figures ----

    static void summary(ObjectNode node, List<Double> values) {
        node.put("n", values.size());
        if (values.isEmpty()) {
            return;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        node.put("p50", round(rank(sorted, 0.50)));
        node.put("p90", round(rank(sorted, 0.90)));
        node.put("p99", round(rank(sorted, 0.99)));
        node.put("max", round(sorted.get(sorted.size() - 1)));
        node.put("mean", round(sorted.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    }

    /** Nearest rank: the smallest value with at least {@code p} of the values at or below it. */
    static double rank(List<Double> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
