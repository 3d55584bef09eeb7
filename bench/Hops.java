import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Coordination overhead of a running Cohort, read from the task views of tasks it runs: the hop from a subtask's last
 * dependency finishing to the subtask starting, the wait from submit to the lead's first attempt starting, and the
 * makespan efficiency (the critical path of the subtasks' own durations over the task's makespan).
 *
 * <p>Usage (on a running stack, e.g. deploy/local/run.sh): bench/hops.sh [tasks] [at-once]
 */
public class Hops {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        String url = System.getenv().getOrDefault("COHORT_ORCHESTRATOR_URL", "http://localhost:8080");
        String token = System.getenv().getOrDefault("COHORT_TOKEN",
                Files.readString(Path.of(System.getenv().getOrDefault("COHORT_HOME", ".cohort"), "token")).strip());
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 34;
        int atOnce = args.length > 1 ? Integer.parseInt(args[1]) : 4;

        List<Double> hops = new ArrayList<>();
        List<Double> firstStart = new ArrayList<>();
        List<Double> efficiency = new ArrayList<>();
        Instant began = Instant.now();
        for (int done = 0; done < tasks; ) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < atOnce && done + i < tasks; i++) {
                ids.add(submit(url, token, "Build a todo REST API with a web front end"));
            }
            for (String id : ids) {
                JsonNode task = awaitEnd(url, token, id);
                if (!task.path("status").asText().equals("completed")) {
                    throw new IllegalStateException("task " + id + " ended " + task.path("status"));
                }
                measure(task, hops, firstStart, efficiency);
            }
            done += ids.size();
        }
        Duration took = Duration.between(began, Instant.now());

        ObjectNode result = JSON.createObjectNode();
        result.put("date", Instant.now().toString());
        result.put("tasks", tasks);
        result.put("atOnce", atOnce);
        result.put("seconds", took.toMillis() / 1000.0);
        summary(result.putObject("hopMs"), hops);
        summary(result.putObject("submitToFirstStartMs"), firstStart);
        summary(result.putObject("makespanEfficiency"), efficiency);
        Path out = Path.of("bench", "target", "hops-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.println("written to " + out);
    }

    /** Hops per subtask with dependencies (the lead's plan counts as every root's dependency), and the task's figures. */
    static void measure(JsonNode task, List<Double> hops, List<Double> firstStart, List<Double> efficiency) {
        Map<String, JsonNode> byKey = new HashMap<>();
        task.path("subtasks").forEach(s -> byKey.put(s.path("key").asText(), s));
        Instant created = Instant.parse(task.path("createdAt").asText());
        JsonNode plan = byKey.get("plan");
        firstStart.add(ms(created, Instant.parse(plan.path("startedAt").asText())));
        Map<String, Double> finishPath = new HashMap<>();
        for (JsonNode s : task.path("subtasks")) {
            longestPath(s, byKey, finishPath);
        }
        for (JsonNode s : task.path("subtasks")) {
            if (s.path("key").asText().equals("plan")) {
                continue;
            }
            Instant lastDependency = null;
            for (String dep : dependencies(s)) {
                Instant f = Instant.parse(byKey.get(dep).path("finishedAt").asText());
                lastDependency = lastDependency == null || f.isAfter(lastDependency) ? f : lastDependency;
            }
            hops.add(ms(lastDependency, Instant.parse(s.path("startedAt").asText())));
        }
        double critical = Collections.max(finishPath.values());
        double makespan = ms(created, Instant.parse(task.path("finishedAt").asText()));
        efficiency.add(critical / makespan);
    }

    static List<String> dependencies(JsonNode s) {
        List<String> deps = new ArrayList<>();
        s.path("dependsOn").forEach(d -> deps.add(d.asText()));
        if (deps.isEmpty() && !s.path("key").asText().equals("plan")) {
            deps.add("plan");
        }
        return deps;
    }

    /** The longest chain of own durations (started to finished) that ends with this subtask. */
    static double longestPath(JsonNode s, Map<String, JsonNode> byKey, Map<String, Double> memo) {
        String key = s.path("key").asText();
        Double known = memo.get(key);
        if (known != null) {
            return known;
        }
        double before = 0;
        for (String dep : dependencies(s)) {
            before = Math.max(before, longestPath(byKey.get(dep), byKey, memo));
        }
        double own = ms(Instant.parse(s.path("startedAt").asText()), Instant.parse(s.path("finishedAt").asText()));
        memo.put(key, before + own);
        return before + own;
    }

    static double ms(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    static void summary(ObjectNode node, List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        node.put("n", sorted.size());
        node.put("p50", round(sorted.get((int) Math.floor(0.50 * (sorted.size() - 1)))));
        node.put("p99", round(sorted.get((int) Math.floor(0.99 * (sorted.size() - 1)))));
        node.put("max", round(sorted.get(sorted.size() - 1)));
        node.put("mean", round(sorted.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static String submit(String url, String token, String description) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/tasks"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"description\": \"" + description + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("id").asText();
    }

    static JsonNode awaitEnd(String url, String token, String id) throws Exception {
        while (true) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/tasks/" + id))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode task = JSON.readTree(r.body());
            String status = task.path("status").asText();
            if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
                return task;
            }
            Thread.sleep(250);
        }
    }
}
