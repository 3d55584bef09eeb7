import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What an agent's reads before it starts cost the context store of a running stack (deploy/local/run.sh), measured
 * two ways in turn: one GET per key, side by side, and one POST /latest for all of them. Blocks of each alternate, so
 * the machine's drift falls on both alike. Reports the latency of a read-set and the context store's CPU per read-set
 * (from /proc). Usage: bench/reads.sh TASK_ID KEY[,KEY...] [rounds, default 1000]
 */
public class Reads {

    static final String URL = System.getenv().getOrDefault("CONTEXT_STORE_URL", "http://localhost:8081");

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: bench/reads.sh TASK_ID KEY[,KEY...] [rounds]");
            System.exit(2);
        }
        String task = args[0];
        List<String> keys = Arrays.asList(args[1].split(","));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        String home = System.getenv().getOrDefault("COHORT_HOME", ".cohort");
        String token = Files.readString(Path.of(home, "token")).strip();
        long pid = Long.parseLong(Files.readString(Path.of(home, "pids", "context-store.pid")).strip());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"keys\":[" + keys.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(",")) + "]}";

        Supplier<Void> perKey = () -> {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (String key : keys) {
                all.add(http.sendAsync(HttpRequest.newBuilder(URI.create(URL + "/api/tasks/" + task + "/artifacts/"
                                + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/")))
                        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()));
            }
            all.forEach(r -> ok(r.join()));
            return null;
        };
        Supplier<Void> one = () -> {
            ok(http.sendAsync(HttpRequest.newBuilder(URI.create(URL + "/api/tasks/" + task + "/latest"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).join());
            return null;
        };
        Map<String, Supplier<Void>> ways = new LinkedHashMap<>();
        ways.put("one GET per key, side by side", perKey);
        ways.put("one POST /latest", one);
        for (int i = 0; i < Math.max(100, rounds / 3); i++) {
            ways.values().forEach(Supplier::get);
        }
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        ways.keySet().forEach(w -> {
            millis.put(w, new ArrayList<>());
            cpu.put(w, 0.0);
        });
        int block = 25;
        for (int b = 0; b < Math.max(2, rounds / block); b++) {
            List<String> order = new ArrayList<>(ways.keySet());
            if (b % 2 == 1) {
                Collections.reverse(order);
            }
            for (String way : order) {
                double before = cpuSeconds(pid);
                for (int i = 0; i < block; i++) {
                    long t = System.nanoTime();
                    ways.get(way).get();
                    millis.get(way).add((System.nanoTime() - t) / 1e6);
                }
                cpu.merge(way, cpuSeconds(pid) - before, Double::sum);
            }
        }
        System.out.printf("%d keys of task %s, %s%n", keys.size(), task, URL);
        for (String way : ways.keySet()) {
            List<Double> v = millis.get(way);
            Collections.sort(v);
            System.out.printf("%-32s n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  context store CPU %.2f ms per read%n",
                    way, v.size(), v.get(v.size() / 2), v.get(v.size() * 9 / 10), v.get(v.size() * 99 / 100),
                    1000 * cpu.get(way) / v.size());
        }
    }

    static void ok(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /** User and system time of the process, from /proc (clock ticks of 10 ms). */
    static double cpuSeconds(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }
}
