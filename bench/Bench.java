import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.cli.LocalIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Cohort's benchmark suite (issue 14), driven by bench/run.sh, which provides Kafka and PostgreSQL and the services'
 * jars. This program starts the services on ports of their own, changes what each configuration needs (worker
 * processes, orchestrator replicas, the simulator's latency), runs the measurements and writes the results:
 * bench/target/results-<date>.json and .md, and the scale-out chart. The figures are defined in
 * docs/performance.md#benchmark-suite.
 *
 * <p>Sections: hops (a), efficiency (b), floor (e, bench/Floor.java in a process of its own), sse (d), growth (3),
 * saturation (c, with memory and CPU per service). Usage: bench/run.sh [--quick] [--only LIST] [--slots N]
 * [--serial-gc] [--saturation O:W,...] [--scale-out W,...|none].
 */
public class Bench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of(env("BENCH_ROOT", ".")).toAbsolutePath().normalize();
    static final Path HOME = Path.of(env("BENCH_HOME", ROOT.resolve("bench/target/home").toString()));
    static final Path APPS = Path.of(env("BENCH_APPS", ROOT.resolve("bench/target/apps").toString()));
    static final Path TARGET = ROOT.resolve("bench/target");
    static final Path LOGS = HOME.resolve("logs");
    static final Path PIDS = HOME.resolve("pids");
    static final String KAFKA = "localhost:" + env("KAFKA_PORT", "19092");
    static final String PG = env("POSTGRES_PORT", "15433");
    static final int[] ORCHESTRATOR_PORTS = {18080, 18083};
    static final int CONTEXT_PORT = 18081;
    static final int DASHBOARD_PORT = 18082;
    static final int SIM_PORT = 18090;
    static final int WORKER_BASE_PORT = 18100;
    static final String SIM = "http://localhost:" + SIM_PORT;
    static final List<String> ALL_SECTIONS = List.of("hops", "efficiency", "floor", "sse", "growth", "saturation",
            "admission");
    static final List<String> EXTRA_MODELS = List.of("sim-architect-large", "sim-backend-large", "sim-frontend-large",
            "sim-tester-large");
    static String STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC)
            .format(Instant.now());
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final long CLK_TCK = 100;
    static final AtomicLong SEQ = new AtomicLong();

    static boolean quick;
    static Set<String> sections = new LinkedHashSet<>(ALL_SECTIONS);
    static int slots = 2;
    /** --saturation and --scale-out: the configurations of section c instead of the profile's; null: the profile's. */
    static List<int[]> saturationConfigs;
    static List<Integer> scaleOut;
    static boolean serialGc;
    /** More JVM options for every service (--jvm). */
    static List<String> jvmOptions = List.of();
    /** The dashboard's own JVM option: a pause goal that keeps its collections short while it feeds many browsers. */
    static final String DASHBOARD_JVM = System.getenv().getOrDefault("BENCH_DASHBOARD_JVM", "-XX:MaxGCPauseMillis=20");
    static Profile profile;
    static LocalIssuer issuer;
    static String operatorToken;
    static Watcher watcher;
    static final ObjectNode RESULTS = JSON.createObjectNode();
    static final ArrayNode FAILED_TASKS = JSON.createArrayNode();
    static long currentLatency = -1;

    // ---- the stack ----
    static Service simulator;
    static Service contextStore;
    static Service dashboard;
    static final List<Service> orchestrators = new ArrayList<>();
    static final List<Service> workers = new ArrayList<>();
    static final List<Service> started = Collections.synchronizedList(new ArrayList<>());
    /** Helper processes (the floor, the reference SSE client), ended with the services. */
    static final List<Process> helpers = Collections.synchronizedList(new ArrayList<>());

    /** How much of everything a run does. */
    record Profile(int warmupTasks, double warmupMaxS, double idleS, int hopTasks, List<Integer> latencies, int efficiencyTasks,
                   int sseTasks, List<Integer> sseClients, int growthTasks, List<Integer> growthWidths,
                   double saturationWarmupS, double saturationMaxWarmupS, double saturationWindowS,
                   List<int[]> saturationZero, List<Integer> scaleOutWorkers, double floorWarmupS, double floorWindowS) {
    }

    static final Profile FULL = new Profile(6, 420, 10, 34, List.of(1000, 100, 0), 3, 2, List.of(1, 100, 1000), 2,
            List.of(10, 30, 100), 15, 75, 20,
            List.of(new int[]{1, 1}, new int[]{1, 2}, new int[]{1, 4}, new int[]{1, 8}, new int[]{2, 8},
                    new int[]{2, 4}, new int[]{2, 2}, new int[]{2, 1}),
            List.of(1, 2, 4), 4, 12);
    /** A smoke run of every section: fewer tasks, latencies, widths and configurations, shorter windows. */
    static final Profile QUICK = new Profile(6, 60, 5, 6, List.of(100, 0), 1, 1, List.of(1, 100, 1000), 1,
            List.of(10, 30), 4, 10, 6,
            List.of(new int[]{1, 1}, new int[]{2, 1}), List.of(1, 2), 1, 4);

    /** "1:2,1:1" = (1 orchestrator, 2 workers), then (1, 1), in that order; "none" = no configuration. */
    static List<int[]> saturationConfigs(String spec) {
        if (spec.equals("none")) {
            return List.of();
        }
        List<int[]> configs = new ArrayList<>();
        for (String c : spec.split(",")) {
            String[] ow = c.split(":");
            if (ow.length != 2) {
                throw new IllegalArgumentException("--saturation takes orchestrators:workers pairs, e.g. 1:2,1:1; got " + c);
            }
            configs.add(new int[]{Integer.parseInt(ow[0]), Integer.parseInt(ow[1])});
        }
        return configs;
    }

    /** {@code p} with section c's configurations from --saturation and --scale-out, where given. */
    static Profile withSaturationConfigs(Profile p) {
        if (saturationConfigs == null && scaleOut == null) {
            return p;
        }
        return new Profile(p.warmupTasks(), p.warmupMaxS(), p.idleS(), p.hopTasks(), p.latencies(),
                p.efficiencyTasks(), p.sseTasks(), p.sseClients(), p.growthTasks(), p.growthWidths(),
                p.saturationWarmupS(), p.saturationMaxWarmupS(), p.saturationWindowS(),
                saturationConfigs != null ? saturationConfigs : p.saturationZero(),
                scaleOut != null ? scaleOut : p.scaleOutWorkers(), p.floorWarmupS(), p.floorWindowS());
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--report")) {
            rereport(Path.of(args[1]));
            return;
        }
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--serial-gc" -> serialGc = true;
                case "--jvm" -> jvmOptions = List.of(args[++i].trim().split("\\s+"));
                case "--only" -> sections = new LinkedHashSet<>(List.of(args[++i].split(",")));
                case "--slots" -> slots = Integer.parseInt(args[++i]);
                case "--saturation" -> saturationConfigs = saturationConfigs(args[++i]);
                case "--scale-out" -> scaleOut = args[++i].equals("none") ? List.of()
                        : java.util.Arrays.stream(args[i].split(",")).map(Integer::valueOf).toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String s : sections) {
            if (!ALL_SECTIONS.contains(s)) {
                throw new IllegalArgumentException("unknown section '" + s + "'; sections: " + ALL_SECTIONS);
            }
        }
        profile = withSaturationConfigs(quick ? QUICK : FULL);
        quietKafkaLogs();
        Files.createDirectories(LOGS);
        Files.createDirectories(PIDS);
        Runtime.getRuntime().addShutdownHook(new Thread(Bench::stopEverything, "bench-stop"));
        Instant began = Instant.now();
        RESULTS.put("date", began.toString());
        RESULTS.put("mode", quick ? "quick" : "full");
        RESULTS.putArray("sections").addAll(sections.stream().map(JSON.getNodeFactory()::textNode).toList());
        machine(RESULTS.putObject("machine"));
        settings(RESULTS.putObject("settings"));
        try {
            run();
        } catch (Throwable e) {
            RESULTS.put("error", String.valueOf(e));
            log("FAILED: " + e);
            e.printStackTrace();
        } finally {
            RESULTS.set("failedTasks", FAILED_TASKS);
            RESULTS.put("seconds", Duration.between(began, Instant.now()).toSeconds());
            report();
        }
        System.exit(RESULTS.has("error") ? 1 : 0);
    }

    static void run() throws Exception {
        issuer = LocalIssuer.inDirectory(HOME.resolve("keys"));
        operatorToken = issuer.mint("bench", Duration.ofHours(12), List.of("operator"));
        log("Starting the services (logs in " + LOGS + ")...");
        simulator = new Service("simulator", "model-simulator", SIM_PORT, "256m", Map.of(
                "COHORT_SIMULATOR_DEFAULTS_TIME_TO_FIRST_TOKEN_MS", "0",
                "COHORT_SIMULATOR_DEFAULTS_TOKENS_PER_SECOND", "0",
                "COHORT_SIMULATOR_DEFAULTS_MAX_CONCURRENT", "0",
                "COHORT_SIMULATOR_DEFAULTS_MAX_QUEUE", "100000"));
        contextStore = new Service("context-store", "context-store-service", CONTEXT_PORT, "512m", db("cohort_context"));
        dashboard = new Service("dashboard", "dashboard-service", DASHBOARD_PORT, "512m", Map.of(
                "COHORT_DASHBOARD_ORCHESTRATOR_URL", "http://localhost:" + ORCHESTRATOR_PORTS[0],
                "COHORT_DASHBOARD_CONTEXT_STORE_URL", "http://localhost:" + CONTEXT_PORT,
                "COHORT_DASHBOARD_MAX_STREAMS_PER_PRINCIPAL", "5000",
                "COHORT_DASHBOARD_MAX_STREAMS", "5000",
                // As every launcher of the dashboard runs it (deploy/local/run.sh, its Dockerfile).
                "JDK_JAVA_OPTIONS", DASHBOARD_JVM));
        Service first = orchestrator(0);
        // Everything at once: the workers and the dashboard need only Kafka to start; the rest waits for readiness.
        List<Service> initial = new ArrayList<>(List.of(simulator, contextStore, first, dashboard));
        orchestrators.add(first);
        String urls = Arrays.stream(ORCHESTRATOR_PORTS).mapToObj(p -> "http://localhost:" + p)
                .collect(Collectors.joining(","));
        for (int i = 1; i <= 2; i++) {
            Service w = worker(i, urls);
            workers.add(w);
            initial.add(w);
        }
        startAll(initial);
        log("   stack: 1 orchestrator, 2 workers with " + slots + " slot(s) per role");
        Thread.sleep(3000); // share-group and consumer-group memberships settle
        latency(0);
        watcher = new Watcher();
        watcher.start();
        Thread.sleep(3000);
        ObjectNode memory = RESULTS.putObject("memory");
        memory.set("restKb", rss());
        warmup();
        Thread.sleep(3000);
        memory.set("afterWarmupKb", rss());
        // What the stack costs doing nothing: polling consumers, health checks, timers.
        Map<String, Long> a = cpu();
        long idleStart = System.nanoTime();
        Thread.sleep((long) (profile.idleS() * 1000));
        Map<String, Long> b = cpu();
        RESULTS.set("idleCores", cores(a, b, (System.nanoTime() - idleStart) / 1e9));
        log("   idle: " + RESULTS.get("idleCores"));

        if (sections.contains("hops")) {
            hops();
        }
        if (sections.contains("efficiency")) {
            efficiency();
        }
        if (sections.contains("floor")) {
            floor();
        }
        if (sections.contains("sse")) {
            sse();
        }
        if (sections.contains("growth")) {
            growth();
        }
        if (sections.contains("saturation")) {
            saturation();
        }
        if (sections.contains("admission")) {
            admission();
        }
    }

    // ================================================================================================
    // Sections
    // ================================================================================================

    /** The JIT's share of the services' CPU below which their code counts as compiled (steady state). */
    static final double JIT_SETTLED = 0.10;
    /** The shortest stretch over which that share is judged. */
    static final long JIT_SPAN_MS = 15_000;

    /**
     * Not measured: the services' code paths compiled, pools and connections open, every dispatch topic made. Rounds
     * of tasks (diamonds and fan-outs, {@code warmupTasks} at once, latency 0) run until the JIT compilers' share of
     * the services' CPU over the last rounds is under {@link #JIT_SETTLED}, or {@code warmupMaxS} has passed: a JVM
     * compiles a service's code for minutes after it starts, and on two cores that compiling is CPU the stack's own
     * work waits for. Measuring right after start would measure the JIT, not Cohort.
     */
    static void warmup() throws Exception {
        log("Warm-up: rounds of " + profile.warmupTasks() + " tasks at latency 0 until the JIT's share of the "
                + "services' CPU is under " + Math.round(JIT_SETTLED * 100) + " % (at most " + profile.warmupMaxS()
                + " s)");
        latency(0);
        long start = System.currentTimeMillis();
        JitGauge jit = new JitGauge();
        int tasks = 0;
        while (System.currentTimeMillis() - start < profile.warmupMaxS() * 1000) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < profile.warmupTasks(); i++) {
                ids.add(submit("warmup", i % 2 == 0 ? "" : "[plan: fan-out 8]"));
            }
            for (String id : ids) {
                awaitEnd(id, "warmup", Duration.ofMinutes(3));
            }
            tasks += ids.size();
            if (jit.judge()) {
                log(String.format("   warm-up %.0f s, %d tasks: JIT %.0f %% of the services' CPU",
                        (System.currentTimeMillis() - start) / 1000.0, tasks, jit.share() * 100));
                if (jit.settled()) {
                    break;
                }
            }
        }
        RESULTS.putObject("warmup").put("seconds", round((System.currentTimeMillis() - start) / 1000.0))
                .put("tasks", tasks).put("jitShareAtEnd", Double.isNaN(jit.share()) ? null : round(jit.share()))
                .put("settled", jit.settled());
    }

    /**
     * CPU ticks of the JIT compiler threads of every service process, by process and thread (the JVM starts and ends
     * compiler threads as the work needs them), and of those processes altogether.
     */
    record JitTicks(Map<String, Long> compilerThreads, long services) {

        static JitTicks now() {
            List<Service> all;
            synchronized (started) {
                all = new ArrayList<>(started);
            }
            Map<String, Long> threads = new HashMap<>();
            long services = 0;
            for (Service s : all) {
                long pid = s.pid();
                services += ticks(pid);
                try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                    for (Path thread : tasks.toList()) {
                        String stat = Files.readString(thread.resolve("stat"));
                        if (stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).contains("CompilerThre")) {
                            threads.put(pid + "/" + thread.getFileName(), parseStat(stat)[1]);
                        }
                    }
                } catch (Exception e) {
                    // the process ended: its ticks are not counted
                }
            }
            return new JitTicks(threads, services);
        }

        /** The compilers' share of the services' CPU since {@code from}; a thread that ended counts up to then. */
        double shareSince(JitTicks from) {
            long compiler = 0;
            for (Map.Entry<String, Long> e : compilerThreads.entrySet()) {
                compiler += e.getValue() - from.compilerThreads.getOrDefault(e.getKey(), 0L);
            }
            return (double) compiler / Math.max(1, services - from.services);
        }
    }

    /** The JIT's share of the services' CPU over the last stretch of at least {@link #JIT_SPAN_MS}. */
    static final class JitGauge {
        private JitTicks from = JitTicks.now();
        private long since = System.currentTimeMillis();
        private double share = Double.NaN;

        /** Judges the stretch since the last judgement if it is long enough; whether it did. */
        boolean judge() {
            if (System.currentTimeMillis() - since < JIT_SPAN_MS) {
                return false;
            }
            JitTicks to = JitTicks.now();
            share = to.shareSince(from);
            from = to;
            since = System.currentTimeMillis();
            return true;
        }

        /** The share over the last judged stretch; NaN before the first. */
        double share() {
            return share;
        }

        boolean settled() {
            return share < JIT_SETTLED;
        }
    }

    /** a. Hop overhead: diamonds one at a time at latency 100 ms. */
    static void hops() throws Exception {
        log("a. Hops: " + profile.hopTasks() + " diamond tasks one at a time, latency 100 ms");
        latency(100);
        deleteCalls();
        Figures f = new Figures();
        List<JsonNode> views = new ArrayList<>();
        for (int i = 0; i < profile.hopTasks(); i++) {
            JsonNode view = runOne("hops", "");
            if (view != null) {
                views.add(view);
            }
        }
        watcher.sync();
        Map<String, List<SimCall>> calls = calls();
        views.forEach(v -> measure(v, calls, f));
        ObjectNode out = RESULTS.putObject("hops");
        out.put("tasks", profile.hopTasks()).put("completed", views.size()).put("latencyMs", 100)
                .put("workers", workers.size()).put("orchestrators", orchestrators.size()).put("shape", "diamond");
        f.write(out);
        log("   hop (Kafka) p50 " + out.path("hopKafkaMs").path("p50") + " ms, p99 "
                + out.path("hopKafkaMs").path("p99") + " ms over " + out.path("hopKafkaMs").path("n") + " edges");
    }

    static final List<String[]> SHAPES = List.of(new String[]{"chain-5", "[plan: chain 5]"},
            new String[]{"diamond", ""}, new String[]{"fan-out-8", "[plan: fan-out 8]"});

    /** b. Makespan efficiency per shape and model latency, tasks one at a time. */
    static void efficiency() throws Exception {
        log("b. Efficiency: chain 5, diamond, fan-out 8 at " + profile.latencies() + " ms, "
                + profile.efficiencyTasks() + " task(s) each");
        ArrayNode rows = RESULTS.putArray("efficiency");
        for (int latency : profile.latencies()) {
            latency(latency);
            for (String[] shape : SHAPES) {
                deleteCalls();
                List<JsonNode> views = new ArrayList<>();
                for (int i = 0; i < profile.efficiencyTasks(); i++) {
                    JsonNode view = runOne("eff-" + shape[0] + "-" + latency, shape[1]);
                    if (view != null) {
                        views.add(view);
                    }
                }
                watcher.sync();
                Map<String, List<SimCall>> calls = calls();
                Figures f = new Figures();
                views.forEach(v -> measure(v, calls, f));
                ObjectNode row = rows.addObject();
                row.put("shape", shape[0]).put("latencyMs", latency).put("tasks", profile.efficiencyTasks())
                        .put("completed", views.size());
                f.write(row);
                log(String.format(Locale.ROOT, "   %-9s %4d ms: E p50 %s, makespan p50 %s ms", shape[0], latency,
                        row.path("efficiency").path("p50"), row.path("makespanMs").path("p50")));
            }
        }
    }

    /** e. The in-process floor on the same simulator: bench/Floor.java, in a process of its own. */
    static void floor() throws Exception {
        log("e. Floor: the same plans in-process on the same simulator (bench/Floor.java)");
        ArrayNode scenarios = JSON.createArrayNode();
        if (sections.contains("hops") && !sections.contains("efficiency")) {
            scenarios.addObject().put("name", "diamond-100").put("mode", "sequential").put("phrase", "")
                    .put("latencyMs", 100).put("tasks", 5);
        }
        if (sections.contains("efficiency") || sections.contains("hops")) {
            for (int latency : profile.latencies()) {
                for (String[] shape : SHAPES) {
                    if (!sections.contains("efficiency") && !(shape[0].equals("diamond") && latency == 100)) {
                        continue;
                    }
                    scenarios.addObject().put("name", shape[0] + "-" + latency).put("mode", "sequential")
                            .put("phrase", shape[1]).put("latencyMs", latency)
                            // at 1000 ms the floor is the plan's depth in seconds to within milliseconds: one task
                            .put("tasks", latency == 1000 ? 1
                                    : Math.max(profile.efficiencyTasks(), shape[0].equals("diamond") ? 3 : 1));
                }
            }
        }
        if (sections.contains("saturation")) {
            scenarios.addObject().put("name", "saturation-0").put("mode", "closed").put("phrase", "[plan: fan-out 8]")
                    .put("latencyMs", 0).put("inFlight", inFlight(0, 1)).put("slotsPerRole", 0)
                    .put("warmupS", profile.floorWarmupS()).put("windowS", profile.floorWindowS());
            for (int w : profile.scaleOutWorkers()) {
                scenarios.addObject().put("name", "saturation-1000-w" + w).put("mode", "closed")
                        .put("phrase", "[plan: fan-out 8]").put("latencyMs", 1000).put("inFlight", inFlight(1000, w))
                        .put("slotsPerRole", w * slots).put("warmupS", profile.floorWarmupS() + 4)
                        .put("windowS", profile.floorWindowS());
            }
        }
        Path spec = TARGET.resolve("floor-spec-" + STAMP + ".json");
        Path out = TARGET.resolve("floor-" + STAMP + ".json");
        Files.writeString(spec, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                JSON.createObjectNode().set("scenarios", scenarios)));
        Process p = new ProcessBuilder("java", "-Xmx512m", "-cp", env("BENCH_CP", System.getProperty("java.class.path")),
                ROOT.resolve("bench/Floor.java").toString(), "--sim", SIM, "--spec", spec.toString(), "--out",
                out.toString(), "--warmup", quick ? "2" : "6").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        helpers.add(p);
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("bench/Floor.java failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
                    + ")");
        }
        RESULTS.set("floor", JSON.readTree(Files.readString(out)).path("scenarios"));
        currentLatency = -1; // the floor changed the simulator's settings
    }

    /** d. SSE fan-out: N clients on the dashboard's stream of every task while tasks run. */
    static void sse() throws Exception {
        log("d. SSE: " + profile.sseClients() + " clients, " + profile.sseTasks() + " diamond task(s) each, latency 100 ms");
        latency(100);
        // The warm-up ran tasks without browsers: the dashboard's path to many connections is compiled by a round
        // at the largest client count first, which is not measured, as every other section measures warm. It runs
        // three times the tasks of a measured round: the fan-out's methods run once per event and loop over every
        // browser, and after one round's worth the JIT was still compiling them during the measured round.
        int most = profile.sseClients().stream().max(Integer::compare).orElse(0);
        if (most > 1) {
            ObjectNode warm = sseRun(most, 3 * profile.sseTasks());
            log(String.format(Locale.ROOT, "   %4d clients, not measured (warm-up): latency p50 %s ms, p99 %s ms", most,
                    warm.path("latencyKafkaMs").path("p50"), warm.path("latencyKafkaMs").path("p99")));
        }
        ArrayNode rows = RESULTS.putArray("sse");
        for (int clients : profile.sseClients()) {
            rows.add(sseRun(clients, profile.sseTasks()));
            ObjectNode r = (ObjectNode) rows.get(rows.size() - 1);
            log(String.format(Locale.ROOT, "   %4d clients: latency p50 %s ms, p99 %s ms, lost %s; per event, first client"
                            + " p50/p99 %s/%s ms, last client %s/%s ms", clients,
                    r.path("latencyKafkaMs").path("p50"), r.path("latencyKafkaMs").path("p99"), r.path("lostEvents"),
                    r.at("/perEvent/firstClientMs/p50"), r.at("/perEvent/firstClientMs/p99"),
                    r.at("/perEvent/lastClientMs/p50"), r.at("/perEvent/lastClientMs/p99")));
            log(String.format(Locale.ROOT, "         in the dashboard: Kafka to the hand-over mean %s ms, p99 at most %s;"
                            + " hand-over to the write mean %s ms, p99 at most %s",
                    r.at("/dashboard/handedOverMs/mean"), r.at("/dashboard/handedOverMs/p99AtMost").asText("–"),
                    r.at("/dashboard/writtenMs/mean"), r.at("/dashboard/writtenMs/p99AtMost").asText("–")));
        }
    }

    /**
     * Waits until the dashboard is quiet after its clients connected, at most 30 s; how long that took. The clients
     * connect within a second or two, and the dashboard's request path (authentication, tracing, the JIT compiling what
     * the requests made hot: 1.2 s of compilation in one recording of the round) goes on working for them for a while.
     * Section d measures what a browser waits for an event with the others connected, not that aftermath.
     */
    static double settle() throws InterruptedException {
        long start = System.nanoTime();
        long quietSince = -1;
        long before = cpu().getOrDefault("dashboard", 0L);
        while (System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(500);
            long now = cpu().getOrDefault("dashboard", 0L);
            // Under a twentieth of a core over the half second, for a whole second.
            boolean quiet = (now - before) / (double) CLK_TCK / 0.5 < 0.05;
            before = now;
            if (!quiet) {
                quietSince = -1;
            } else if (quietSince < 0) {
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= Duration.ofSeconds(1).toNanos()) {
                break;
            }
        }
        return round((System.nanoTime() - start) / 1e9);
    }

    /** How long after the tasks' end the clients may take to receive every event before the rest counts as lost. */
    static final Duration SSE_DRAIN = Duration.ofSeconds(60);

    static ObjectNode sseRun(int count, int tasks) throws Exception {
        // Two selector threads: one alone fell behind a burst to 1000 connections.
        List<SseWire> wires = List.of(new SseWire(), new SseWire());
        List<SseClient> clients = new ArrayList<>();
        long connectStart = System.nanoTime();
        for (int i = 0; i < count; i++) {
            SseClient c = new SseClient(wires.get(i % wires.size()), "http://localhost:" + DASHBOARD_PORT
                    + "/api/stream", operatorToken);
            clients.add(c);
            c.connect();
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("clients", count);
        // One more client in a process of its own (curl), not counted among the N: a check that the figures are
        // the dashboard's and not this JVM's (its HTTP client, its share of the CPU).
        ReferenceClient reference = ReferenceClient.start("http://localhost:" + DASHBOARD_PORT + "/api/stream");
        try {
            CompletableFuture.allOf(clients.stream().map(c -> c.connected).toArray(CompletableFuture[]::new))
                    .get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            row.put("notConnected", clients.stream().filter(c -> !c.connected.isDone()).count());
        }
        row.put("connectSeconds", round((System.nanoTime() - connectStart) / 1e9));
        row.put("settleSeconds", settle());
        List<String> ids = new ArrayList<>();
        Map<String, Map<Double, Double>> delaysBefore = dashboardDelays();
        Map<String, Long> cpuBefore = cpu();
        long cpuFrom = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            ids.add(submit("sse-" + count, ""));
        }
        int completed = 0;
        for (String id : ids) {
            if (awaitEnd(id, "sse-" + count, Duration.ofMinutes(5)) != null) {
                completed++;
            }
        }
        long tasksEnded = System.nanoTime();
        Thread.sleep(1000);
        watcher.sync();
        Map<String, Ev> events = new HashMap<>(); // by _id
        for (String id : ids) {
            for (Ev e : watcher.trace(id).events) {
                events.put(e.id, e);
            }
        }
        // Every client gets until a deadline to receive every event of the tasks; what it has not by then is lost.
        long deadline = tasksEnded + SSE_DRAIN.toNanos();
        while (System.nanoTime() < deadline && !clients.stream().allMatch(c -> c.hasAll(events.keySet()))) {
            Thread.sleep(250);
        }
        row.put("drainSeconds", round((System.nanoTime() - tasksEnded) / 1e9));
        // Who used the cores while the events went out: the dashboard, or the clients' own JVM ("bench").
        row.set("coresBusy", cores(cpuBefore, cpu(), (System.nanoTime() - cpuFrom) / 1e9));
        Map<String, Map<Double, Double>> delaysAfter = dashboardDelays();
        clients.forEach(SseClient::close);
        for (SseWire wire : wires) {
            wire.close();
        }
        if (reference != null) {
            Map<String, Long> got = reference.stop();
            List<Double> latency = new ArrayList<>();
            for (Ev e : events.values()) {
                Long at = got.get(e.id());
                if (at != null) {
                    latency.add((at - e.ts() * 1000) / 1000.0);
                }
            }
            ObjectNode ref = row.putObject("referenceClient");
            ref.put("client", "curl, a process of its own").put("received", latency.size());
            summary(ref.putObject("latencyKafkaMs"), latency);
        }
        List<Double> kafkaLatency = new ArrayList<>();
        List<Double> occurredLatency = new ArrayList<>();
        long lost = 0;
        int clientsWithLoss = 0;
        long duplicates = 0;
        long resumes = 0;
        long errors = 0;
        for (SseClient c : clients) {
            long missing = 0;
            synchronized (c) {
                for (Ev e : events.values()) {
                    long[] got = c.received.get(e.id());
                    if (got == null) {
                        missing++;
                        continue;
                    }
                    kafkaLatency.add((got[0] - e.ts() * 1000) / 1000.0);
                    occurredLatency.add((got[0] - e.occurredMicros()) / 1000.0);
                }
                duplicates += c.duplicates;
                resumes += c.resumes;
                errors += c.errors;
            }
            lost += missing;
            clientsWithLoss += missing > 0 ? 1 : 0;
        }
        row.put("tasks", ids.size()).put("completed", completed).put("eventsPerClient", events.size());
        row.put("delivered", kafkaLatency.size()).put("lostEvents", lost).put("clientsWithLoss", clientsWithLoss);
        row.put("duplicates", duplicates).put("resumes", resumes).put("errors", errors);
        summary(row.putObject("latencyKafkaMs"), kafkaLatency);
        summary(row.putObject("latencyOccurredMs"), occurredLatency);
        perEvent(row, events, clients);
        ObjectNode inside = row.putObject("dashboard");
        delays(inside.putObject("handedOverMs"), delaysBefore, delaysAfter, "cohort_dashboard_events_delay_seconds");
        delays(inside.putObject("writtenMs"), delaysBefore, delaysAfter, "cohort_dashboard_streams_write_delay_seconds");
        Thread.sleep(2000); // the dashboard releases the streams
        return row;
    }

    /**
     * Where a late event was late: per event, the first and the last client to receive it, and when this benchmark's
     * own Kafka reader saw it (all against the record's Kafka timestamp). A first client that is late too means the
     * event reached the dashboard's browsers late as a whole (reading Kafka, a pause); a last client far behind the
     * first, the fan-out to the connections. The latest events are listed with their type and when they were sent.
     */
    static void perEvent(ObjectNode row, Map<String, Ev> events, List<SseClient> clients) {
        if (clients.isEmpty() || events.isEmpty()) {
            return;
        }
        // One pass over every receipt: the earliest and latest per event, and the receipts file, a line per receipt:
        // client (in connection order), event, its type, sent (Kafka timestamp, ms), received (µs since the epoch).
        Map<String, double[]> span = new HashMap<>(); // _id -> {first, last} ms after the Kafka timestamp
        StringBuilder csv = new StringBuilder("client,event,type,sentMs,receivedMicros\n");
        for (int i = 0; i < clients.size(); i++) {
            SseClient c = clients.get(i);
            synchronized (c) {
                for (Ev e : events.values()) {
                    long[] got = c.received.get(e.id());
                    if (got == null) {
                        continue;
                    }
                    double latency = (got[0] - e.ts() * 1000) / 1000.0;
                    span.merge(e.id(), new double[]{latency, latency},
                            (x, y) -> new double[]{Math.min(x[0], y[0]), Math.max(x[1], y[1])});
                    csv.append(i).append(',').append(e.id()).append(',').append(e.type()).append(',').append(e.ts())
                            .append(',').append(got[0]).append('\n');
                }
            }
        }
        try {
            Files.writeString(LOGS.resolve("sse-" + clients.size() + "-clients.csv"), csv);
        } catch (IOException e) {
            log("   (the receipts could not be written: " + e + ")");
        }
        List<Ev> received = events.values().stream().filter(e -> span.containsKey(e.id()))
                .sorted((x, y) -> Double.compare(span.get(y.id())[1], span.get(x.id())[1])).toList();
        ObjectNode node = row.putObject("perEvent");
        summary(node.putObject("firstClientMs"), received.stream().map(e -> span.get(e.id())[0]).toList());
        summary(node.putObject("lastClientMs"), received.stream().map(e -> span.get(e.id())[1]).toList());
        summary(node.putObject("benchKafkaReaderMs"), received.stream().map(Ev::seenAfterMs).toList());
        long start = events.values().stream().mapToLong(Ev::ts).min().orElse(0);
        ArrayNode latest = node.putArray("latest");
        for (Ev e : received.subList(0, Math.min(5, received.size()))) {
            latest.addObject().put("type", e.type()).put("sentMsAfterFirst", e.ts() - start)
                    .put("firstClientMs", round(span.get(e.id())[0])).put("lastClientMs", round(span.get(e.id())[1]))
                    .put("benchKafkaReaderMs", round(e.seenAfterMs()));
        }
    }

    /** 3. The orchestrator's cost per applied record, for tasks of 10, 30 and 100 parallel subtasks. */
    static void growth() throws Exception {
        log("3. Per-event cost: fan-out " + profile.growthWidths() + ", " + profile.growthTasks() + " task(s) each, latency 0");
        latency(0);
        ArrayNode rows = RESULTS.putArray("growth");
        for (int width : profile.growthWidths()) {
            Map<String, double[]> total = new TreeMap<>();
            int subtasks = 0;
            int completed = 0;
            double makespan = 0;
            long cpuTicks = 0;
            for (int i = 0; i < profile.growthTasks(); i++) {
                Map<String, double[]> before = appliedMetrics(orchestrators.get(0));
                long cpuBefore = ticks(orchestrators.get(0).pid());
                JsonNode view = runOne("growth-" + width, "[plan: fan-out " + width + "]");
                Thread.sleep(1500); // records that follow the task's end (artifact events) are applied too
                Map<String, double[]> after = appliedMetrics(orchestrators.get(0));
                cpuTicks += ticks(orchestrators.get(0).pid()) - cpuBefore;
                if (view == null) {
                    continue;
                }
                completed++;
                subtasks = view.path("subtasks").size();
                makespan += ms(Instant.parse(view.path("createdAt").asText()), Instant.parse(view.path("finishedAt").asText()));
                for (Map.Entry<String, double[]> e : after.entrySet()) {
                    double[] b = before.getOrDefault(e.getKey(), new double[2]);
                    double[] t = total.computeIfAbsent(e.getKey(), k -> new double[2]);
                    t[0] += e.getValue()[0] - b[0];
                    t[1] += e.getValue()[1] - b[1];
                }
            }
            ObjectNode row = rows.addObject();
            row.put("fanOut", width).put("subtasksPerTask", subtasks).put("tasks", profile.growthTasks())
                    .put("completed", completed);
            if (completed > 0) {
                row.put("makespanMs", round(makespan / completed));
            }
            double count = 0;
            double seconds = 0;
            ObjectNode byType = row.putObject("byType");
            for (Map.Entry<String, double[]> e : total.entrySet()) {
                if (e.getValue()[0] <= 0) {
                    continue;
                }
                count += e.getValue()[0];
                seconds += e.getValue()[1];
                byType.putObject(e.getKey()).put("events", (long) e.getValue()[0])
                        .put("meanMicros", round(e.getValue()[1] / e.getValue()[0] * 1e6));
            }
            row.put("events", (long) count).put("eventsPerTask", completed == 0 ? 0 : round(count / completed));
            row.put("meanMicrosPerEvent", count == 0 ? 0 : round(seconds / count * 1e6));
            // CPU time of the orchestrator process over the task (its idle cost included), per record applied.
            row.put("orchestratorCpuMsPerEvent", count == 0 ? 0 : round(cpuTicks * 1000.0 / CLK_TCK / count));
            log(String.format(Locale.ROOT, "   fan-out %3d (%d subtasks): %.0f events, mean %.1f µs per event", width,
                    subtasks, count, count == 0 ? 0 : seconds / count * 1e6));
        }
    }

    /** c. Saturation: subtasks per second with many tasks in flight, per worker count and orchestrator replicas. */
    static void saturation() throws Exception {
        ArrayNode rows = RESULTS.putArray("saturation");
        log("c. Saturation at latency 0: (orchestrators, workers) "
                + profile.saturationZero().stream().map(c -> "(" + c[0] + "," + c[1] + ")").collect(Collectors.joining(" "))
                + "; scale-out at 1000 ms: workers " + profile.scaleOutWorkers());
        for (int[] config : profile.saturationZero()) {
            rows.add(saturationRun(0, config[0], config[1]));
        }
        for (int w : profile.scaleOutWorkers()) {
            rows.add(saturationRun(1000, 1, w));
        }
        for (JsonNode row : rows) {
            ObjectNode r = (ObjectNode) row;
            JsonNode one = null;
            for (JsonNode other : rows) {
                if (other.path("latencyMs").asLong() == r.path("latencyMs").asLong()
                        && other.path("orchestrators").asInt() == r.path("orchestrators").asInt()
                        && other.path("workers").asInt() == 1) {
                    one = other;
                }
            }
            if (one != null && one.path("subtasksPerSecond").asDouble() > 0) {
                r.put("linearity", round(r.path("subtasksPerSecond").asDouble()
                        / (r.path("workers").asInt() * one.path("subtasksPerSecond").asDouble())));
            }
        }
    }

    /** What the admission section sets on the orchestrators it starts (empty: the defaults of the other sections). */
    static final Map<String, String> ADMISSION_ENV = new LinkedHashMap<>();
    static final int ADMISSION_TASKS = 20;
    static final int ADMISSION_WORKERS = 4;
    static final int MODEL_SLOTS = 2;
    static final int MODEL_QUEUE = 1;

    /**
     * h. Provider limits: every simulated model generates {@link #MODEL_SLOTS} calls at once, queues
     * {@link #MODEL_QUEUE} more and answers 503 to any further one (an Ollama with OLLAMA_NUM_PARALLEL=2 and
     * OLLAMA_MAX_QUEUE=1); 20 diamond tasks at once on 4 workers, first without admission (workers meet the limits
     * and retry), then with the orchestrator admitting 2 calls per model.
     */
    static void admission() throws Exception {
        log("h. Admission: " + ADMISSION_TASKS + " diamond tasks at once, " + ADMISSION_WORKERS + " workers, every "
                + "model " + MODEL_SLOTS + " calls at once + " + MODEL_QUEUE + " waiting (then 503), latency 1000 ms");
        ArrayNode rows = RESULTS.putArray("admission");
        try {
            for (boolean on : List.of(false, true)) {
                rows.add(admissionRun(on));
                ObjectNode r = (ObjectNode) rows.get(rows.size() - 1);
                log(String.format(Locale.ROOT, "   admission %s: makespan %s s, %s of %s tasks completed, %s calls, "
                                + "%s answered 503, %s answered 429", on ? "on" : "off", r.path("makespanS"),
                        r.path("completed"), r.path("tasks"), r.path("calls"), r.path("answered503"),
                        r.path("answered429")));
            }
        } finally {
            // Back to the stack the other sections use.
            ADMISSION_ENV.clear();
            stopAll(orchestrators);
            orchestrators.clear();
            topology(1, 2);
            currentLatency = -1;
        }
    }

    static ObjectNode admissionRun(boolean on) throws Exception {
        // Orchestrators restarted with admission on or off; the rest of the stack stays.
        stopAll(orchestrators);
        orchestrators.clear();
        ADMISSION_ENV.clear();
        ADMISSION_ENV.put("COHORT_ADMISSION_ENABLED", String.valueOf(on));
        ADMISSION_ENV.put("COHORT_ADMISSION_PROVIDERS_OLLAMA_CONCURRENCY", String.valueOf(MODEL_SLOTS));
        ADMISSION_ENV.put("COHORT_ADMISSION_PROVIDERS_OPENROUTER_CONCURRENCY", String.valueOf(MODEL_SLOTS));
        topology(1, ADMISSION_WORKERS);
        currentLatency = -1;
        latency(1000);
        simModels("{\"maxConcurrent\": " + MODEL_SLOTS + ", \"maxQueue\": " + MODEL_QUEUE + "}");
        currentLatency = -1; // the next section sets its own latency and lifts the limits
        deleteCalls();
        String phase = "admission-" + (on ? "on" : "off");
        long start = System.currentTimeMillis();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ADMISSION_TASKS; i++) {
            ids.add(submit(phase, ""));
        }
        int completed = 0;
        long lastEnd = start;
        for (String id : ids) {
            JsonNode view = awaitEnd(id, phase, Duration.ofMinutes(10));
            if (view != null) {
                completed++;
            }
            TaskTrace t = watcher.trace(id);
            lastEnd = Math.max(lastEnd, t.endTs > 0 ? t.endTs : System.currentTimeMillis());
        }
        long calls = 0;
        long ok = 0;
        long answered503 = 0;
        long answered429 = 0;
        for (JsonNode call : JSON.readTree(get(SIM + "/sim/calls"))) {
            calls++;
            int status = call.path("status").asInt(200);
            if (status == 503) {
                answered503++;
            } else if (status == 429) {
                answered429++;
            } else if ("ok".equals(call.path("outcome").asText())) {
                ok++;
            }
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("admission", on).put("tasks", ids.size()).put("completed", completed)
                .put("makespanS", round((lastEnd - start) / 1000.0)).put("calls", calls).put("ok", ok)
                .put("answered503", answered503).put("answered429", answered429)
                .put("workers", ADMISSION_WORKERS).put("slotsPerRole", slots)
                .put("modelSlots", MODEL_SLOTS).put("modelQueue", MODEL_QUEUE);
        return row;
    }

    /**
     * Tasks kept in flight. At latency 0 a dozen fan-out-8 tasks keep far more subtasks ready than two cores can run;
     * at 1000 ms the slots are what is filled: 8 roles x 2 slots x w workers, from tasks whose five stages (plan,
     * design, 8 parts, review, summary) average about 2.4 subtasks at once, so 8 tasks per worker.
     */
    static int inFlight(long latency, int workerCount) {
        return latency == 0 ? 12 : 8 * workerCount;
    }

    static ObjectNode saturationRun(long latency, int orchestratorCount, int workerCount) throws Exception {
        topology(orchestratorCount, workerCount);
        latency(latency);
        int inFlight = inFlight(latency, workerCount);
        String phase = "sat-" + latency + "-o" + orchestratorCount + "-w" + workerCount;
        long start = System.currentTimeMillis();
        // The window starts once the load is steady: at least the warm-up, and half the first tasks done (every
        // stage of a task then runs somewhere), or at the latest after the longest warm-up.
        long minWindowStart = start + (long) (profile.saturationWarmupS() * 1000);
        long maxWindowStart = start + (long) (profile.saturationMaxWarmupS() * 1000);
        long windowLength = (long) (profile.saturationWindowS() * 1000);
        long windowStart = Long.MAX_VALUE;
        long windowEnd = Long.MAX_VALUE;
        boolean steady = false;
        int finished = 0;
        List<String> all = new ArrayList<>();
        BlockingQueue<String> ended = new LinkedBlockingQueue<>();
        Set<String> running = new HashSet<>();
        int submitted = 0;
        int failed = 0;
        int completedInWindow = 0;
        Map<String, Long> cpuA = null; // at the window's start
        Map<String, Long> cpuB = null;
        JsonNode rssUnderLoad = null;
        JitGauge jit = new JitGauge();
        while (true) {
            long now = System.currentTimeMillis();
            if (windowStart == Long.MAX_VALUE) {
                jit.judge();
            }
            boolean ready = finished >= inFlight / 2 && jit.settled();
            if (windowStart == Long.MAX_VALUE && (now >= maxWindowStart || now >= minWindowStart && ready)) {
                steady = ready;
                windowStart = now;
                windowEnd = now + windowLength;
                cpuA = cpu();
            }
            if (now >= windowEnd) {
                cpuA = cpuA == null ? cpu() : cpuA;
                cpuB = cpu();
                rssUnderLoad = rss();
                break;
            }
            while (running.size() < inFlight) {
                String id = submit(phase, "[plan: fan-out 8]");
                submitted++;
                running.add(id);
                all.add(id);
                watcher.trace(id).end.thenAccept(status -> ended.add(id));
            }
            String id = ended.poll(100, TimeUnit.MILLISECONDS);
            while (id != null) {
                running.remove(id);
                finished++;
                TaskTrace t = watcher.trace(id);
                if (!"task.completed".equals(t.end.getNow(""))) {
                    failed++;
                    failedTask(id, phase, t.end.getNow("?"));
                } else if (t.endTs >= windowStart && t.endTs < windowEnd) {
                    completedInWindow++;
                }
                id = ended.poll();
            }
        }
        // The window is over: what is still running is cancelled, and the workers are left with nothing to do.
        List<String> left = new ArrayList<>(running);
        for (String id : left) {
            try {
                api("POST", orchestratorUrl(0) + "/api/tasks/" + id + "/cancel", "");
            } catch (Exception e) {
                log("   could not cancel " + id + ": " + e.getMessage());
            }
        }
        int cancelled = 0;
        for (String id : left) {
            String status;
            try {
                status = watcher.trace(id).end.get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                status = "timed out";
            }
            if (status.equals("task.cancelled")) {
                cancelled++;
            } else if (!status.equals("task.completed")) {
                failed++;
                failedTask(id, phase, status);
            }
        }
        awaitIdle();
        watcher.sync();
        long done = watcher.doneBetween(windowStart, windowEnd);
        double seconds = (windowEnd - windowStart) / 1000.0;
        // The same count from the task views (finishedAt of subtasks done), as a check of the Kafka-based one.
        long doneInViews = 0;
        for (String id : all) {
            try {
                for (JsonNode sub : api("GET", orchestratorUrl(0) + "/api/tasks/" + id, null).path("subtasks")) {
                    if (sub.path("status").asText().equals("done") && sub.hasNonNull("finishedAt")) {
                        long at = Instant.parse(sub.path("finishedAt").asText()).toEpochMilli();
                        doneInViews += at >= windowStart && at < windowEnd ? 1 : 0;
                    }
                }
            } catch (Exception e) {
                log("   could not read task " + id + ": " + e.getMessage());
            }
        }
        ObjectNode row = JSON.createObjectNode();
        row.put("latencyMs", latency).put("orchestrators", orchestratorCount).put("workers", workerCount)
                .put("slotsPerRole", workerCount * slots).put("inFlight", inFlight).put("windowS", seconds)
                .put("warmupS", round((windowStart - start) / 1000.0)).put("steady", steady);
        row.put("subtasksCompleted", done).put("subtasksPerSecond", round(done / seconds))
                .put("subtasksCompletedByViews", doneInViews);
        row.put("tasksCompleted", completedInWindow).put("tasksPerSecond", round(completedInWindow / seconds));
        row.put("tasksSubmitted", submitted).put("cancelledAtEnd", cancelled).put("failedTasks", failed);
        ObjectNode cpuRow = row.putObject("cpuMsPerSubtask");
        for (String k : cpuB.keySet()) {
            double ticks = cpuB.get(k) - cpuA.getOrDefault(k, 0L);
            if (!k.equals("machine")) {
                cpuRow.put(k, done == 0 ? 0 : round(ticks * 1000.0 / CLK_TCK / done));
            }
        }
        ObjectNode cores = cores(cpuA, cpuB, seconds);
        row.set("coresBusy", cores);
        row.set("rssKb", rssUnderLoad);
        log(String.format(Locale.ROOT, "   latency %4d ms, %d orchestrator(s), %d worker(s): %.1f subtasks/s "
                        + "(%d tasks in flight, %d failed; other processes used %.2f cores)", latency, orchestratorCount,
                workerCount, done / seconds, inFlight, failed, cores.path("otherProcesses").asDouble()));
        return row;
    }

    /** Waits until no subtask is dispatched or running, so that the next configuration starts empty. */
    static void awaitIdle() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                JsonNode w = api("GET", orchestratorUrl(0) + "/api/workload", null);
                if (w.path("total").asInt(-1) == 0) {
                    return;
                }
            } catch (Exception e) {
                // try again
            }
            Thread.sleep(500);
        }
        log("   the workload did not drain within 60 s");
    }

    // ================================================================================================
    // Measurements of finished tasks
    // ================================================================================================

    /** What a section collects from its tasks. */
    static final class Figures {
        final List<Double> hopKafka = new ArrayList<>();
        final List<Double> hopView = new ArrayList<>();
        final List<Double> completedToDispatchTx = new ArrayList<>();
        final List<Double> dispatchTxToRecord = new ArrayList<>();
        final List<Double> dispatchRecordToStarted = new ArrayList<>();
        final List<Double> hopToModelCall = new ArrayList<>();
        final List<Double> submitToFirstCall = new ArrayList<>();
        final List<Double> submitToPlanStarted = new ArrayList<>();
        final List<Double> submitToPlanStartedKafka = new ArrayList<>();
        final List<Double> efficiency = new ArrayList<>();
        final List<Double> makespan = new ArrayList<>();
        final List<Double> criticalPath = new ArrayList<>();
        int missingRecords;

        void write(ObjectNode out) {
            summary(out.putObject("hopKafkaMs"), hopKafka);
            summary(out.putObject("hopViewMs"), hopView);
            ObjectNode stages = out.putObject("hopStagesMs");
            summary(stages.putObject("completedToDispatchTx"), completedToDispatchTx);
            summary(stages.putObject("dispatchTxToRecord"), dispatchTxToRecord);
            summary(stages.putObject("dispatchRecordToStarted"), dispatchRecordToStarted);
            summary(out.putObject("hopToModelCallMs"), hopToModelCall);
            summary(out.putObject("submitToFirstModelCallMs"), submitToFirstCall);
            summary(out.putObject("submitToPlanStartedMs"), submitToPlanStarted);
            summary(out.putObject("submitToPlanStartedKafkaMs"), submitToPlanStartedKafka);
            summary(out.putObject("efficiency"), efficiency);
            summary(out.putObject("makespanMs"), makespan);
            summary(out.putObject("criticalPathMs"), criticalPath);
            out.put("missingRecords", missingRecords);
        }
    }

    /**
     * One finished task's figures. Hops are one per subtask with dependencies, from its last dependency (the lead's
     * plan for a root subtask; every work subtask for the summary): by Kafka producer timestamps, the dependency's
     * agent.completed sent to the dependent's first agent.started sent; by the task view, finishedAt to startedAt.
     */
    static void measure(JsonNode view, Map<String, List<SimCall>> calls, Figures f) {
        Map<String, JsonNode> byKey = new HashMap<>();
        view.path("subtasks").forEach(s -> byKey.put(s.path("key").asText(), s));
        TaskTrace trace = watcher.trace(view.path("id").asText());
        Instant created = Instant.parse(view.path("createdAt").asText());
        JsonNode plan = byKey.get("plan");
        f.submitToPlanStarted.add(ms(created, Instant.parse(plan.path("startedAt").asText())));
        Sub planSub = trace.sub(plan.path("id").asText());
        if (trace.submittedTs > 0 && planSub.firstStarted() > 0) {
            f.submitToPlanStartedKafka.add((double) (planSub.firstStarted() - trace.submittedTs));
        }
        List<SimCall> taskCalls = calls.getOrDefault(view.path("title").asText(), List.of());
        taskCalls.stream().map(SimCall::startedAt).min(Comparator.naturalOrder())
                .ifPresent(firstCall -> f.submitToFirstCall.add(ms(created, firstCall)));
        Map<String, Double> memo = new HashMap<>();
        for (JsonNode s : view.path("subtasks")) {
            longestPath(s, byKey, memo);
        }
        double critical = Collections.max(memo.values());
        double makespan = ms(created, Instant.parse(view.path("finishedAt").asText()));
        f.criticalPath.add(critical);
        f.makespan.add(makespan);
        f.efficiency.add(critical / makespan);
        for (JsonNode s : view.path("subtasks")) {
            if (s.path("key").asText().equals("plan")) {
                continue;
            }
            Instant lastView = null;
            long lastKafka = 0;
            boolean complete = true;
            for (String dep : dependencies(s)) {
                JsonNode d = byKey.get(dep);
                Instant fin = Instant.parse(d.path("finishedAt").asText());
                lastView = lastView == null || fin.isAfter(lastView) ? fin : lastView;
                long c = trace.sub(d.path("id").asText()).firstCompleted();
                complete &= c > 0;
                lastKafka = Math.max(lastKafka, c);
            }
            f.hopView.add(ms(lastView, Instant.parse(s.path("startedAt").asText())));
            Sub sub = trace.sub(s.path("id").asText());
            int attempt = sub.firstStartedAttempt();
            if (!complete || attempt < 0) {
                f.missingRecords++;
                continue;
            }
            long started = sub.started.get(attempt);
            f.hopKafka.add((double) (started - lastKafka));
            Instant modelCall = firstCallOf(s, view, taskCalls);
            if (modelCall != null) {
                f.hopToModelCall.add((double) (modelCall.toEpochMilli() - lastKafka));
            }
            Long tx = sub.dispatchTx.get(attempt);
            Long record = sub.dispatchRecord.get(attempt);
            if (tx != null && record != null) {
                f.completedToDispatchTx.add((double) (tx - lastKafka));
                f.dispatchTxToRecord.add((double) (record - tx));
                f.dispatchRecordToStarted.add((double) (started - record));
            }
        }
    }

    static List<String> dependencies(JsonNode s) {
        List<String> deps = new ArrayList<>();
        s.path("dependsOn").forEach(d -> deps.add(d.asText()));
        if (deps.isEmpty() && !s.path("key").asText().equals("plan")) {
            deps.add("plan");
        }
        return deps;
    }

    /** The longest chain of own durations (started to finished) that ends with this subtask, the plan included. */
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

    // ================================================================================================
    // Tasks through the orchestrator's API
    // ================================================================================================

    /** Submits a task and waits for its end: its view when it completed, else null (and it is reported). */
    static JsonNode runOne(String phase, String phrase) throws Exception {
        String id = submit(phase, phrase);
        return awaitEnd(id, phase, Duration.ofMinutes(5));
    }

    static String submit(String phase, String phrase) throws Exception {
        long n = SEQ.incrementAndGet();
        String title = "Bench todo " + phase + " #" + n;
        ObjectNode body = JSON.createObjectNode();
        body.put("title", title);
        body.put("description", ("Build a todo REST API with a web front end " + phrase).strip());
        String url = orchestratorUrl((int) (n % orchestrators.size())) + "/api/tasks";
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + operatorToken).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 201) {
                String id = JSON.readTree(r.body()).path("id").asText();
                watcher.trace(id).title = title;
                return id;
            }
            if ((r.statusCode() == 429 || r.statusCode() >= 500) && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                continue;
            }
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** The task's view once it ended completed; null when it failed, was cancelled or did not end in time. */
    static JsonNode awaitEnd(String id, String phase, Duration timeout) throws Exception {
        String status;
        try {
            status = watcher.trace(id).end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            JsonNode view = api("GET", orchestratorUrl(0) + "/api/tasks/" + id, null);
            status = "task." + view.path("status").asText();
            if (!Set.of("task.completed", "task.failed", "task.cancelled").contains(status)) {
                failedTask(id, phase, "did not end within " + timeout.toSeconds() + " s (" + status + ")");
                api("POST", orchestratorUrl(0) + "/api/tasks/" + id + "/cancel", "");
                return null;
            }
        }
        JsonNode view = api("GET", orchestratorUrl(0) + "/api/tasks/" + id, null);
        if (!status.equals("task.completed")) {
            failedTask(id, phase, status + ": " + view.path("statusReason").asText(""));
            return null;
        }
        return view;
    }

    static void failedTask(String id, String phase, String why) {
        synchronized (FAILED_TASKS) {
            FAILED_TASKS.addObject().put("task", id).put("phase", phase).put("outcome", why);
        }
        log("   task " + id + " (" + phase + ") did not complete: " + why);
    }

    static JsonNode api(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + operatorToken)
                .timeout(Duration.ofSeconds(30));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    static String orchestratorUrl(int i) {
        return "http://localhost:" + orchestrators.get(i).port;
    }

    /**
     * The dashboard's two delay histograms: "name" -> upper bound in seconds (+Inf as infinity, the sum as NaN) ->
     * cumulative count. {@code cohort.dashboard.events.delay}: Kafka timestamp to the hand-over to the browser
     * streams; {@code cohort.dashboard.streams.write.delay}: hand-over to the write to one connection.
     */
    static Map<String, Map<Double, Double>> dashboardDelays() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + DASHBOARD_PORT
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Pattern line = Pattern.compile("^(cohort_dashboard_\\w+_delay_seconds)_(bucket|sum)\\{?(?:le=\"([^\"]*)\")?[^}\\s]*}?\\s+(\\S+)",
                Pattern.MULTILINE);
        Map<String, Map<Double, Double>> out = new HashMap<>();
        Matcher m = line.matcher(r.body());
        while (m.find()) {
            double bound = m.group(2).equals("sum") ? Double.NaN
                    : m.group(3).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(3));
            out.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(bound, Double.parseDouble(m.group(4)));
        }
        return out;
    }

    /**
     * One dashboard delay over a round, from its histogram before and after: how many, the mean, and the bucket
     * bounds that hold half and 99 % of them ({@code p50AtMost}, {@code p99AtMost}; the buckets are the dashboard's).
     */
    static void delays(ObjectNode node, Map<String, Map<Double, Double>> before, Map<String, Map<Double, Double>> after,
                       String name) {
        Map<Double, Double> b = before.getOrDefault(name, Map.of());
        Map<Double, Double> a = after.getOrDefault(name, Map.of());
        double n = a.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - b.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        node.put("n", (long) n);
        if (n <= 0) {
            return;
        }
        node.put("mean", round((a.getOrDefault(Double.NaN, 0.0) - b.getOrDefault(Double.NaN, 0.0)) / n * 1000));
        for (double q : new double[]{0.5, 0.99}) {
            for (Map.Entry<Double, Double> e : a.entrySet()) {
                if (!Double.isNaN(e.getKey()) && e.getValue() - b.getOrDefault(e.getKey(), 0.0) >= q * n) {
                    node.put(q == 0.5 ? "p50AtMost" : "p99AtMost", Double.isInfinite(e.getKey()) ? "more"
                            : String.valueOf(round(e.getKey() * 1000)));
                    break;
                }
            }
        }
    }

    /** The orchestrator's {@code cohort.orchestrator.records.applied} timer: "topic type" -> {count, sum seconds}. */
    static Map<String, double[]> appliedMetrics(Service orchestrator) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + orchestrator.port
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Pattern line = Pattern.compile("^cohort_orchestrator_records_applied_seconds_(count|sum)\\{([^}]*)}\\s+(\\S+)",
                Pattern.MULTILINE);
        Pattern label = Pattern.compile("(\\w+)=\"([^\"]*)\"");
        Map<String, double[]> out = new TreeMap<>();
        Matcher m = line.matcher(r.body());
        while (m.find()) {
            Map<String, String> labels = new HashMap<>();
            Matcher l = label.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            String key = labels.getOrDefault("type", "?") + " (" + labels.getOrDefault("topic", "?") + ")";
            double[] v = out.computeIfAbsent(key, k -> new double[2]);
            v[m.group(1).equals("count") ? 0 : 1] += Double.parseDouble(m.group(3));
        }
        return out;
    }

    // ================================================================================================
    // The simulator
    // ================================================================================================

    /** Latency L for every model: the whole answer after L ms, no generation time, no concurrency limit. */
    static void latency(long latencyMs) throws Exception {
        if (latencyMs == currentLatency) {
            return;
        }
        simModels("{\"timeToFirstTokenMs\": " + latencyMs
                + ", \"tokensPerSecond\": 0, \"maxConcurrent\": 0, \"maxQueue\": 100000}");
        currentLatency = latencyMs;
    }

    /** The same settings for every simulated model (the escalation models included). */
    static void simModels(String settings) throws Exception {
        List<String> names = new ArrayList<>();
        JSON.readTree(get(SIM + "/sim/models")).fieldNames().forEachRemaining(names::add);
        EXTRA_MODELS.stream().filter(m -> !names.contains(m)).forEach(names::add);
        for (String name : names) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(SIM + "/sim/models/" + name))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(settings))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("PUT /sim/models/" + name + " answered " + r.statusCode());
            }
        }
    }

    static void deleteCalls() throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(SIM + "/sim/calls")).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** One model call the simulator saw: the role and kind its prompt names, and when it arrived. */
    record SimCall(String role, String kind, Instant startedAt) {
    }

    /** The calls the simulator saw, by the task's title (the prompt's Task: line). */
    static Map<String, List<SimCall>> calls() throws Exception {
        Map<String, List<SimCall>> calls = new HashMap<>();
        for (JsonNode call : JSON.readTree(get(SIM + "/sim/calls"))) {
            String task = call.path("task").asText(null);
            if (task != null) {
                calls.computeIfAbsent(task, t -> new ArrayList<>()).add(new SimCall(call.path("role").asText(""),
                        call.path("kind").asText(""), Instant.parse(call.path("startedAt").asText())));
            }
        }
        return calls;
    }

    /**
     * When the model was first called for a subtask: the first call of the task with the subtask's role and kind, if
     * no other subtask of the task has both (as in the diamond); else null.
     */
    static Instant firstCallOf(JsonNode subtask, JsonNode view, List<SimCall> taskCalls) {
        String role = subtask.path("role").asText();
        String kind = subtask.path("kind").asText();
        long same = 0;
        for (JsonNode other : view.path("subtasks")) {
            if (other.path("role").asText().equals(role) && other.path("kind").asText().equals(kind)) {
                same++;
            }
        }
        if (same != 1) {
            return null;
        }
        return taskCalls.stream().filter(c -> c.role().equalsIgnoreCase(role) && c.kind().equalsIgnoreCase(kind))
                .map(SimCall::startedAt).min(Comparator.naturalOrder()).orElse(null);
    }

    static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode());
        }
        return r.body();
    }

    // ================================================================================================
    // Services
    // ================================================================================================

    static final class Service {
        final String name;
        final String module;
        final int port;
        final String heap;
        final Map<String, String> env = new LinkedHashMap<>();
        Process process;

        Service(String name, String module, int port, String heap, Map<String, String> env) {
            this.name = name;
            this.module = module;
            this.port = port;
            this.heap = heap;
            this.env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
            this.env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA);
            this.env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "file:" + HOME.resolve("keys/public.pem"));
            this.env.putAll(env);
        }

        void start() throws IOException {
            List<String> command = new ArrayList<>(List.of("java", "-Xmx" + heap));
            if (serialGc) {
                command.add("-XX:+UseSerialGC");
            }
            command.addAll(jvmOptions);
            // BENCH_JFR=dashboard,orchestrator-1: a flight recording of those services, in the logs folder.
            if (Arrays.asList(System.getenv().getOrDefault("BENCH_JFR", "").split(",")).contains(name)) {
                command.add("-XX:StartFlightRecording=settings=profile,filename=" + LOGS.resolve(name + ".jfr"));
            }
            command.addAll(List.of("-jar", APPS.resolve(module).resolve("quarkus-run.jar").toString()));
            ProcessBuilder pb = new ProcessBuilder(command);
            // Nothing from the caller's environment that configures Cohort (a profile, real models' keys) leaks in.
            pb.environment().keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("COHORT_")
                    || k.startsWith("MP_") || k.startsWith("KAFKA_") || k.startsWith("OPENROUTER_")
                    || k.startsWith("OLLAMA_") || k.startsWith("SMALLRYE_"));
            pb.environment().putAll(env);
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(LOGS.resolve(name + ".log").toFile()));
            process = pb.start();
            started.add(this);
            Files.writeString(PIDS.resolve(name + ".pid"), process.pid() + "\n");
        }

        boolean ready() {
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }

        /** Asks the process to stop (SIGTERM: Quarkus shuts down gracefully, leaving its Kafka groups). */
        void requestStop() {
            if (process != null && process.isAlive()) {
                process.destroy();
            }
        }

        void awaitStopped() {
            if (process == null) {
                return;
            }
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            started.remove(this);
            try {
                Files.deleteIfExists(PIDS.resolve(name + ".pid"));
            } catch (IOException ignored) {
                // nothing to do
            }
        }

        long pid() {
            return process == null || !process.isAlive() ? -1 : process.pid();
        }
    }

    static Map<String, String> db(String database) {
        return Map.of("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:" + PG + "/" + database,
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + PG + "/" + database);
    }

    static Service orchestrator(int index) {
        Map<String, String> env = new LinkedHashMap<>(db("cohort_orchestrator"));
        env.put("COHORT_ORCHESTRATOR_TOKEN", issuer.mint("orchestrator", Duration.ofHours(12), List.of("orchestrator")));
        env.put("QUARKUS_REST_CLIENT_CONTEXT_STORE_URL", "http://localhost:" + CONTEXT_PORT);
        // Wide plans for the per-event cost (fan-out 100); no caller limits in the way of the load.
        env.put("COHORT_ORCHESTRATOR_MAX_PLAN_SUBTASKS", "200");
        env.put("COHORT_ORCHESTRATOR_MAX_UNFINISHED_TASKS_PER_CALLER", "100000");
        env.put("COHORT_ORCHESTRATOR_COMMANDS_PER_MINUTE", "1000000");
        env.put("COHORT_ORCHESTRATOR_COMMAND_BURST", "100000");
        // The other sections measure coordination on a simulator without limits; admission has a section of its own.
        env.put("COHORT_ADMISSION_ENABLED", "false");
        env.putAll(ADMISSION_ENV);
        return new Service("orchestrator-" + (index + 1), "orchestrator-service", ORCHESTRATOR_PORTS[index], "512m", env);
    }

    static Service worker(int number, String orchestratorUrls) {
        String name = "worker-" + number;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("COHORT_WORKER_NAME", name);
        env.put("COHORT_WORKER_TOKEN", issuer.mint(name, Duration.ofHours(12), List.of("worker")));
        env.put("COHORT_WORKER_ORCHESTRATOR_URL", orchestratorUrls);
        env.put("COHORT_WORKER_CONTEXT_STORE_URL", "http://localhost:" + CONTEXT_PORT);
        env.put("COHORT_WORKER_CONCURRENCY", String.valueOf(slots));
        env.put("COHORT_PROVIDERS_OLLAMA_URL", SIM);
        env.put("COHORT_PROVIDERS_OPENROUTER_URL", SIM + "/v1");
        return new Service(name, "agent-worker-service", WORKER_BASE_PORT + number - 1, "256m", env);
    }

    static void startAll(Collection<Service> services) throws Exception {
        for (Service s : services) {
            s.start();
        }
        long deadline = System.currentTimeMillis() + 240_000;
        for (Service s : services) {
            while (!s.ready()) {
                if (!s.process.isAlive()) {
                    throw new IllegalStateException(s.name + " exited with " + s.process.exitValue() + "; see "
                            + LOGS.resolve(s.name + ".log"));
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(s.name + " was not ready within 240 s; see " + LOGS.resolve(s.name + ".log"));
                }
                Thread.sleep(250);
            }
        }
    }

    static void stopAll(Collection<Service> services) {
        services.forEach(Service::requestStop);
        services.forEach(Service::awaitStopped);
    }

    /** Brings the stack to this many orchestrator replicas and worker processes, restarting only what must change. */
    static void topology(int orchestratorCount, int workerCount) throws Exception {
        List<Service> changed = new ArrayList<>();
        while (orchestrators.size() > orchestratorCount) {
            Service o = orchestrators.remove(orchestrators.size() - 1);
            stopAll(List.of(o));
            changed.add(o);
        }
        List<Service> fresh = new ArrayList<>();
        while (orchestrators.size() < orchestratorCount) {
            Service o = orchestrator(orchestrators.size());
            fresh.add(o);
            orchestrators.add(o);
        }
        startAll(fresh);
        changed.addAll(fresh);
        // Workers know both orchestrator addresses from the start (they ask the one that answered last and move to
        // the next when it cannot answer), so a replica joining or leaving restarts no worker.
        String urls = Arrays.stream(ORCHESTRATOR_PORTS).mapToObj(p -> "http://localhost:" + p)
                .collect(Collectors.joining(","));
        List<Service> stopping = new ArrayList<>();
        while (workers.size() > workerCount) {
            stopping.add(workers.remove(workers.size() - 1));
        }
        stopAll(stopping);
        fresh.clear();
        while (workers.size() < workerCount) {
            Service w = worker(workers.size() + 1, urls);
            fresh.add(w);
            workers.add(w);
        }
        startAll(fresh);
        changed.addAll(stopping);
        changed.addAll(fresh);
        if (!changed.isEmpty()) {
            log("   stack: " + orchestrators.size() + " orchestrator(s), " + workers.size() + " worker(s) with "
                    + slots + " slot(s) per role");
            Thread.sleep(5000); // share-group and consumer-group memberships settle
        }
    }

    static void stopEverything() {
        List<Service> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        if (watcher != null) {
            watcher.stopped = true;
        }
        synchronized (helpers) {
            helpers.forEach(Process::destroy);
        }
        stopAll(all); // all at once: each shuts down gracefully (SIGTERM), forced after 30 s
    }

    // ---- memory and CPU of the processes ----

    /** VmRSS of every service process, Kafka's broker included, in kB. */
    static ObjectNode rss() {
        ObjectNode out = JSON.createObjectNode();
        List<Service> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        all.sort((a, b) -> a.name.compareTo(b.name));
        for (Service s : all) {
            long kb = rssKb(s.pid());
            if (kb > 0) {
                out.put(s.name, kb);
            }
        }
        long kafka = filePid(HOME.resolve("kafka/kafka.pid"));
        if (kafka > 0) {
            out.put("kafka", rssKb(kafka));
        }
        return out;
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // gone
        }
        return -1;
    }

    /** CPU time (clock ticks) by kind of process, and the whole machine's busy ticks under "machine". */
    static Map<String, Long> cpu() {
        Map<String, Long> out = new TreeMap<>();
        List<Service> all;
        synchronized (started) {
            all = new ArrayList<>(started);
        }
        for (Service s : all) {
            String kind = s.name.replaceAll("-\\d+$", "");
            out.merge(kind, ticks(s.pid()), Long::sum);
        }
        out.put("kafka", ticks(filePid(HOME.resolve("kafka/kafka.pid"))));
        long postmaster = filePid(HOME.resolve("postgres/data/postmaster.pid"));
        long pg = ticks(postmaster);
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long[] stat = stat(Long.parseLong(p.getFileName().toString()));
                if (stat != null && stat[0] == postmaster) {
                    pg += stat[1];
                }
            }
        } catch (IOException e) {
            // partial figure
        }
        out.put("postgres", pg);
        out.put("bench", ticks(ProcessHandle.current().pid()));
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[]{1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(cpu[i]);
            }
            out.put("machine", busy);
        } catch (IOException e) {
            out.put("machine", 0L);
        }
        return out;
    }

    /** Cores busy per kind of process between two {@link #cpu()} snapshots, and what other processes used. */
    static ObjectNode cores(Map<String, Long> a, Map<String, Long> b, double seconds) {
        ObjectNode cores = JSON.createObjectNode();
        double ours = 0;
        for (String k : b.keySet()) {
            double ticks = b.get(k) - a.getOrDefault(k, 0L);
            cores.put(k, round(ticks / CLK_TCK / seconds));
            if (!k.equals("machine")) {
                ours += ticks;
            }
        }
        cores.put("otherProcesses", round(Math.max(0, (b.get("machine") - a.get("machine")) - ours) / CLK_TCK / seconds));
        return cores;
    }

    static long ticks(long pid) {
        long[] s = stat(pid);
        return s == null ? 0 : s[1];
    }

    /** {ppid, utime + stime} of a process, or null. */
    static long[] stat(long pid) {
        return pid <= 0 ? null : stat(Path.of("/proc/" + pid + "/stat"));
    }

    /** {ppid, utime + stime} from a process's or thread's stat file, or null. */
    static long[] stat(Path file) {
        try {
            return parseStat(Files.readString(file));
        } catch (Exception e) {
            return null;
        }
    }

    /** {ppid, utime + stime} of a stat file's text (the fields after the command name in parentheses). */
    static long[] parseStat(String text) {
        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return new long[]{Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
    }

    static long filePid(Path file) {
        try {
            return Long.parseLong(Files.readAllLines(file).get(0).trim());
        } catch (Exception e) {
            return -1;
        }
    }

    // ================================================================================================
    // Kafka: every record of the run, with its producer timestamp
    // ================================================================================================

    /** An event on one of the dashboard's topics: where it was read, when it was sent and happened, its type, when seen. */
    record Ev(String id, long ts, long occurredMicros, String type, long seenMicros) {
        /** When this benchmark's Kafka reader saw it, in ms after its Kafka timestamp. */
        double seenAfterMs() {
            return (seenMicros - ts * 1000) / 1000.0;
        }
    }

    /** One subtask's records: per attempt, when its dispatch was decided and sent, when it started; when it ended. */
    static final class Sub {
        final Map<Integer, Long> dispatchTx = new ConcurrentHashMap<>();
        final Map<Integer, Long> dispatchRecord = new ConcurrentHashMap<>();
        final Map<Integer, Long> started = new ConcurrentHashMap<>();
        final Map<Integer, Long> completed = new ConcurrentHashMap<>();

        int firstStartedAttempt() {
            return started.keySet().stream().mapToInt(Integer::intValue).min().orElse(-1);
        }

        long firstStarted() {
            int a = firstStartedAttempt();
            return a < 0 ? -1 : started.get(a);
        }

        long firstCompleted() {
            return completed.values().stream().mapToLong(Long::longValue).min().orElse(-1);
        }
    }

    static final class TaskTrace {
        final Map<String, Sub> subs = new ConcurrentHashMap<>();
        final List<Ev> events = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<String> end = new CompletableFuture<>();
        volatile String title;
        volatile long submittedTs;
        volatile long endTs;

        Sub sub(String id) {
            return subs.computeIfAbsent(id, k -> new Sub());
        }
    }

    static final class Watcher extends Thread {
        final Map<String, TaskTrace> traces = new ConcurrentHashMap<>();
        final List<Long> done = Collections.synchronizedList(new ArrayList<>());
        final KafkaConsumer<String, String> consumer;
        volatile boolean stopped;
        volatile CountDownLatch syncRequest;
        Map<TopicPartition, Long> syncTarget;
        long refreshed;

        Watcher() {
            super("bench-watcher");
            setDaemon(true);
            Properties p = new Properties();
            p.put("bootstrap.servers", KAFKA);
            p.put("key.deserializer", StringDeserializer.class.getName());
            p.put("value.deserializer", StringDeserializer.class.getName());
            p.put("enable.auto.commit", "false");
            p.put("fetch.max.wait.ms", "200");
            p.put("max.poll.records", "5000");
            p.put("client.id", "bench-watcher");
            consumer = new KafkaConsumer<>(p);
        }

        TaskTrace trace(String taskId) {
            return traces.computeIfAbsent(taskId, k -> new TaskTrace());
        }

        long doneBetween(long from, long to) {
            synchronized (done) {
                return done.stream().filter(t -> t >= from && t < to).count();
            }
        }

        /** Returns once every record on Kafka now has been read. */
        void sync() throws InterruptedException {
            CountDownLatch latch = new CountDownLatch(1);
            syncRequest = latch;
            if (!latch.await(30, TimeUnit.SECONDS)) {
                log("   (the Kafka watcher did not catch up within 30 s)");
            }
        }

        /** Every cohort.* topic, from its beginning: the broker is this run's own. */
        void refresh() {
            Set<TopicPartition> all = new HashSet<>(consumer.assignment());
            List<TopicPartition> added = new ArrayList<>();
            for (Map.Entry<String, List<PartitionInfo>> t : consumer.listTopics(Duration.ofSeconds(10)).entrySet()) {
                if (t.getKey().startsWith("cohort.") && !t.getKey().equals("cohort.dead-letter")) {
                    for (PartitionInfo i : t.getValue()) {
                        TopicPartition tp = new TopicPartition(i.topic(), i.partition());
                        if (all.add(tp)) {
                            added.add(tp);
                        }
                    }
                }
            }
            if (!added.isEmpty()) {
                consumer.assign(all);
                consumer.seekToBeginning(added);
            }
            refreshed = System.currentTimeMillis();
        }

        @Override
        public void run() {
            try {
                while (!stopped) {
                    CountDownLatch request = syncRequest;
                    if (System.currentTimeMillis() - refreshed > 2000 || (request != null && syncTarget == null)) {
                        refresh();
                    }
                    if (consumer.assignment().isEmpty()) {
                        Thread.sleep(200);
                        continue;
                    }
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                        try {
                            handle(r);
                        } catch (Exception e) {
                            // not an event this benchmark reads
                        }
                    }
                    if (request != null) {
                        if (syncTarget == null) {
                            syncTarget = consumer.endOffsets(consumer.assignment());
                        }
                        boolean caughtUp = true;
                        for (Map.Entry<TopicPartition, Long> e : syncTarget.entrySet()) {
                            caughtUp &= consumer.position(e.getKey()) >= e.getValue();
                        }
                        if (caughtUp) {
                            syncTarget = null;
                            syncRequest = null;
                            request.countDown();
                        }
                    }
                }
            } catch (Exception e) {
                if (!stopped) {
                    log("the Kafka watcher stopped: " + e);
                }
            } finally {
                consumer.close();
            }
        }

        private void handle(ConsumerRecord<String, String> r) throws Exception {
            JsonNode e = JSON.readTree(r.value());
            String type = e.path("type").asText();
            String taskId = e.path("taskId").asText();
            if (taskId.isEmpty()) {
                return;
            }
            TaskTrace t = trace(taskId);
            long ts = r.timestamp();
            if (!r.topic().startsWith("cohort.dispatch.")) {
                t.events.add(new Ev(r.topic() + ":" + r.partition() + ":" + r.offset(), ts,
                        micros(Instant.parse(e.path("occurredAt").asText())), type, micros(Instant.now())));
            }
            String subtask = e.path("subtaskId").asText();
            int attempt = e.path("attempt").asInt();
            switch (type) {
                case "subtask.dispatch" -> t.sub(subtask).dispatchRecord.putIfAbsent(attempt, ts);
                case "agent.started" -> t.sub(subtask).started.putIfAbsent(attempt, ts);
                case "agent.completed" -> t.sub(subtask).completed.putIfAbsent(attempt, ts);
                case "subtask.state-changed" -> {
                    String status = e.path("status").asText();
                    if (status.equals("dispatched")) {
                        t.sub(subtask).dispatchTx.putIfAbsent(attempt,
                                Instant.parse(e.path("occurredAt").asText()).toEpochMilli());
                    } else if (status.equals("done")) {
                        done.add(ts);
                    }
                }
                case "task.submitted" -> t.submittedTs = ts;
                case "task.completed", "task.failed", "task.cancelled" -> {
                    t.endTs = ts;
                    t.end.complete(type);
                }
                default -> { }
            }
        }
    }

    // ================================================================================================
    // SSE clients
    // ================================================================================================

    /**
     * Clients' connections on one selector thread of this JVM: plain HTTP/1.1 with its chunked body decoded
     * and the SSE wire read as bytes, without a String per line. The clients share the machine's cores with the stack
     * they measure; what they spend on themselves is taken from the dashboard.
     */
    static final class SseWire implements AutoCloseable {
        final java.nio.channels.Selector selector;
        final java.util.concurrent.ConcurrentLinkedQueue<Runnable> tasks = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.concurrent.ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sse-reconnect");
            t.setDaemon(true);
            return t;
        });
        final Thread thread;
        volatile boolean running = true;

        SseWire() throws IOException {
            selector = java.nio.channels.Selector.open();
            thread = new Thread(this::loop, "sse-clients");
            thread.setDaemon(true);
            thread.start();
        }

        void submit(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        private void loop() {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(64 * 1024);
            while (running) {
                try {
                    selector.select(100);
                } catch (IOException e) {
                    return;
                }
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (java.nio.channels.SelectionKey key : selector.selectedKeys()) {
                    SseClient.Connection c = (SseClient.Connection) key.attachment();
                    try {
                        if (key.isValid() && key.isConnectable()) {
                            c.connected(key);
                        }
                        if (key.isValid() && key.isReadable()) {
                            c.read(buffer);
                        }
                    } catch (IOException | RuntimeException e) {
                        c.ended(false);
                    }
                }
                selector.selectedKeys().clear();
            }
        }

        @Override
        public void close() throws IOException {
            running = false;
            later.shutdownNow();
            selector.wakeup();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (java.nio.channels.SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }
    }

    /** One browser-like client of the dashboard's stream: resumes with Last-Event-ID when its stream ends. */
    static final class SseClient {
        static final byte[] ID_FIELD = "\"_id\":\"".getBytes(StandardCharsets.US_ASCII);

        final SseWire wire;
        final URI uri;
        final String token;
        final Map<String, long[]> received = new HashMap<>(); // _id -> {received micros}
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        int duplicates;
        int resumes;
        int errors;
        String lastId;
        volatile boolean closing;
        /** The connection of the moment; the wire's thread's alone. */
        Connection connection;

        SseClient(SseWire wire, String url, String token) {
            this.wire = wire;
            this.uri = URI.create(url);
            this.token = token;
        }

        void connect() {
            StringBuilder request = new StringBuilder("GET ").append(uri.getRawPath()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                    .append("Authorization: Bearer ").append(token).append("\r\n")
                    .append("Accept: text/event-stream\r\n");
            synchronized (this) {
                if (lastId != null) {
                    request.append("Last-Event-ID: ").append(lastId).append("\r\n");
                }
            }
            byte[] bytes = request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
            wire.submit(() -> {
                if (closing) {
                    return;
                }
                try {
                    java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    connection = new Connection(channel, bytes);
                    channel.register(wire.selector, java.nio.channels.SelectionKey.OP_CONNECT, connection);
                    if (channel.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()))) {
                        connection.connected(channel.keyFor(wire.selector));
                    }
                } catch (IOException e) {
                    if (connection != null) {
                        connection.ended(false);
                    } else {
                        retry(true);
                    }
                }
            });
        }

        synchronized boolean hasAll(Set<String> ids) {
            return received.keySet().containsAll(ids);
        }

        void close() {
            closing = true;
            wire.submit(() -> {
                if (connection != null) {
                    connection.close();
                }
            });
        }

        private void retry(boolean error) {
            synchronized (this) {
                errors += error ? 1 : 0;
            }
            if (!closing) {
                synchronized (this) {
                    resumes++;
                }
                wire.later.schedule(this::connect, 200, TimeUnit.MILLISECONDS);
            }
        }

        /** One HTTP exchange: the response's head, then its body (chunked or not) as the SSE wire. */
        final class Connection {
            final java.nio.channels.SocketChannel channel;
            final byte[] request;
            boolean ended;
            // the response head
            final java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            /** The last four bytes of the head read so far: it ends with CR LF CR LF. */
            int lastFour;
            boolean inBody;
            int status;
            boolean chunked;
            // chunked decoding: -1 reading a size line; > 0 bytes left in the chunk; 0 the CRLF after a chunk
            long chunkLeft = -1;
            final StringBuilder sizeLine = new StringBuilder();
            boolean skipCrlf;
            // the SSE wire
            byte[] line = new byte[4096];
            int lineLength;
            String event;
            String id;
            String eventId;
            boolean hasData;

            Connection(java.nio.channels.SocketChannel channel, byte[] request) {
                this.channel = channel;
                this.request = request;
            }

            void connected(java.nio.channels.SelectionKey key) throws IOException {
                channel.finishConnect();
                java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                key.interestOps(java.nio.channels.SelectionKey.OP_READ);
            }

            void read(java.nio.ByteBuffer buffer) throws IOException {
                while (true) {
                    buffer.clear();
                    int n = channel.read(buffer);
                    if (n < 0) {
                        ended(status == 200);
                        return;
                    }
                    if (n == 0) {
                        return;
                    }
                    byte[] bytes = buffer.array();
                    int i = 0;
                    while (i < n && !ended) {
                        i = accept(bytes, i, n);
                    }
                    if (ended) {
                        return;
                    }
                }
            }

            /** Takes what it can of {@code bytes[from, to)}: the head, a chunk's framing, or body bytes; returns where it stopped. */
            private int accept(byte[] bytes, int from, int to) {
                byte b = bytes[from];
                if (!inBody) {
                    head.write(b);
                    lastFour = lastFour << 8 | (b & 0xff);
                    if (lastFour == 0x0d0a0d0a) {
                        String text = head.toString(StandardCharsets.ISO_8859_1);
                        status = Integer.parseInt(text.substring(9, 12));
                        chunked = text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
                        inBody = true;
                        if (status != 200) {
                            // Refused (too many streams, say): the client tries again, as a browser would.
                            ended(false);
                        }
                    }
                    return from + 1;
                }
                if (!chunked) {
                    sse(bytes, from, to);
                    return to;
                }
                if (chunkLeft > 0) {
                    int end = (int) Math.min(to, from + chunkLeft);
                    sse(bytes, from, end);
                    chunkLeft -= end - from;
                    if (chunkLeft == 0) {
                        skipCrlf = true;
                    }
                    return end;
                }
                if (skipCrlf) {
                    if (b == '\n') {
                        skipCrlf = false;
                        chunkLeft = -1;
                    }
                } else if (b == '\n') {
                    String size = sizeLine.toString().trim();
                    int semicolon = size.indexOf(';');
                    chunkLeft = Long.parseLong(semicolon < 0 ? size : size.substring(0, semicolon), 16);
                    sizeLine.setLength(0);
                    if (chunkLeft == 0) {
                        // The last chunk: the stream ended (the connection may stay open for another request).
                        ended(true);
                    }
                } else if (b != '\r') {
                    sizeLine.append((char) b);
                }
                return from + 1;
            }

            /** Body bytes: the SSE wire, line by line. */
            private void sse(byte[] bytes, int from, int to) {
                int start = from;
                for (int i = from; i < to; i++) {
                    if (bytes[i] == '\n') {
                        append(bytes, start, i);
                        line();
                        start = i + 1;
                    }
                }
                append(bytes, start, to);
            }

            private void append(byte[] bytes, int from, int to) {
                int length = to - from;
                if (length == 0) {
                    return;
                }
                if (lineLength + length > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
                }
                System.arraycopy(bytes, from, line, lineLength, length);
                lineLength += length;
            }

            /** A whole line is in {@code line}. */
            private void line() {
                int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                lineLength = 0;
                if (length == 0) {
                    if (hasData) {
                        dispatch();
                    }
                    event = null;
                    id = null;
                    eventId = null;
                    hasData = false;
                } else if (line[0] == ':') {
                    connected.complete(null);
                } else if (startsWith(line, length, "data:")) {
                    hasData = true;
                    if (eventId == null) {
                        eventId = idOf(line, length);
                    }
                } else if (startsWith(line, length, "id:")) {
                    id = value(line, length, 3);
                } else if (startsWith(line, length, "event:")) {
                    event = value(line, length, 6);
                }
            }

            private void dispatch() {
                long now = micros(Instant.now());
                connected.complete(null);
                if ("stream-end".equals(event)) {
                    return;
                }
                synchronized (SseClient.this) {
                    if (id != null) {
                        lastId = id;
                    }
                    if (eventId != null && received.putIfAbsent(eventId, new long[]{now}) != null) {
                        duplicates++;
                    }
                }
            }

            void ended(boolean clean) {
                if (ended) {
                    return;
                }
                ended = true;
                close();
                retry(!clean);
            }

            void close() {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }

        static boolean startsWith(byte[] line, int length, String prefix) {
            if (length < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (line[i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        static String value(byte[] line, int length, int from) {
            int start = from < length && line[from] == ' ' ? from + 1 : from;
            return new String(line, start, length - start, StandardCharsets.UTF_8);
        }

        /** The value of the event's {@code "_id":"…"} in a data line (the dashboard puts it last), or null. */
        static String idOf(byte[] line, int length) {
            outer:
            for (int i = length - ID_FIELD.length; i >= 0; i--) {
                for (int j = 0; j < ID_FIELD.length; j++) {
                    if (line[i + j] != ID_FIELD[j]) {
                        continue outer;
                    }
                }
                int start = i + ID_FIELD.length;
                for (int k = start; k < length; k++) {
                    if (line[k] == '"') {
                        return new String(line, start, k - start, StandardCharsets.UTF_8);
                    }
                }
                return null;
            }
            return null;
        }
    }

    /** {@code curl -N} on the stream, each line's arrival timed by a thread of this JVM that does nothing else. */
    static final class ReferenceClient {
        final Process process;
        final Map<String, Long> received = new ConcurrentHashMap<>();
        final Thread reader;

        private ReferenceClient(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        long now = micros(Instant.now());
                        if (line.startsWith("data:")) {
                            String id = field(line, "\"_id\":\"");
                            if (id != null) {
                                received.putIfAbsent(id, now);
                            }
                        }
                    }
                } catch (IOException e) {
                    // the stream ended
                }
            }, "sse-reference");
            reader.setDaemon(true);
            reader.setPriority(Thread.MAX_PRIORITY);
            reader.start();
        }

        /** Null when curl is not installed. The token goes in a header file, never on the command line. */
        static ReferenceClient start(String url) {
            try {
                Path header = HOME.resolve("sse-reference.header");
                Files.deleteIfExists(header);
                Files.createFile(header, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(header, "Authorization: Bearer " + operatorToken + "\n");
                Process p = new ProcessBuilder("curl", "-sN", "-H", "@" + header, "-H", "Accept: text/event-stream", url)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                helpers.add(p);
                return new ReferenceClient(p);
            } catch (IOException e) {
                log("   (no curl: no reference client)");
                return null;
            }
        }

        Map<String, Long> stop() throws InterruptedException {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            reader.join(2000);
            return received;
        }
    }

    static String field(String text, String prefix) {
        int at = text.lastIndexOf(prefix);
        if (at < 0) {
            return null;
        }
        int from = at + prefix.length();
        int to = text.indexOf('"', from);
        return to < 0 ? null : text.substring(from, to);
    }

    // ================================================================================================
    // The machine, the settings and the report
    // ================================================================================================

    static void machine(ObjectNode m) {
        m.put("processors", Runtime.getRuntime().availableProcessors());
        try {
            Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
            Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .ifPresent(l -> m.put("memoryGb", round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)));
            m.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException e) {
            // partial
        }
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    static void settings(ObjectNode s) {
        s.put("model", "model simulator: latency L = timeToFirstTokenMs L, tokensPerSecond 0 (whole answer at once), "
                + "maxConcurrent 0 (no limit), maxQueue 100000, answerTokens 300 (its default), on every sim-* model");
        s.put("slotsPerRolePerWorker", slots);
        s.put("workerRoles", "every role in every worker process (lead, architect, backend, frontend, reviewer, tester, "
                + "researcher, optimizer)");
        s.put("jvm", "java -Xmx512m (orchestrator, context store, dashboard), -Xmx256m (workers, simulator), "
                + DASHBOARD_JVM + " (dashboard); GC: "
                + (serialGc ? "-XX:+UseSerialGC" : "the JVM's default (G1 here)")
                + (jvmOptions.isEmpty() ? "" : "; with " + String.join(" ", jvmOptions)));
        s.put("infrastructure", "Kafka 4.2.1 (KRaft, one broker, 3 partitions per topic) and PostgreSQL on this machine, "
                + "empty at the start; authentication on (RS256 tokens)");
        s.put("defaultStack", "1 orchestrator, 2 workers (sections a, b, d, 3)");
        s.put("warmupTasks", profile.warmupTasks());
        s.put("warmup", "rounds of " + profile.warmupTasks() + " tasks at latency 0 until the JIT compilers use under "
                + Math.round(JIT_SETTLED * 100) + " % of the services' CPU, at most " + profile.warmupMaxS() + " s");
        s.put("idleSeconds", profile.idleS());
        s.put("sseDrainSeconds", SSE_DRAIN.toSeconds());
        s.put("saturationWarmup", "at least " + profile.saturationWarmupS() + " s and until the JIT uses under "
                + Math.round(JIT_SETTLED * 100) + " % of the services' CPU and half as many tasks as are "
                + "kept in flight have ended, at most " + profile.saturationMaxWarmupS() + " s");
        s.put("saturationWindowS", profile.saturationWindowS());
        s.put("saturationInFlight", "fan-out-8 tasks (12 subtasks each with plan and summary): 12 at latency 0, "
                + "8 per worker process at 1000 ms; a task that ends is replaced at once; what runs at the window's end "
                + "is cancelled");
        s.put("orchestratorOverrides", "max-plan-subtasks 200; per-caller limits lifted");
        s.put("dashboardOverrides", "max-streams-per-principal 5000, max-streams 5000 (one token holds every client)");
    }

    /** The Markdown and the chart again from a results file (java ... bench/Bench.java --report FILE). */
    static void rereport(Path file) throws Exception {
        JsonNode old = JSON.readTree(Files.readString(file));
        RESULTS.setAll((ObjectNode) old);
        quick = old.path("mode").asText().equals("quick");
        profile = quick ? QUICK : FULL;
        slots = old.path("settings").path("slotsPerRolePerWorker").asInt(2);
        sections = new LinkedHashSet<>();
        old.path("sections").forEach(n -> sections.add(n.asText()));
        old.path("failedTasks").forEach(FAILED_TASKS::add);
        STAMP = file.getFileName().toString().replaceFirst("^results-", "").replaceFirst("\\.json$", "");
        String md = markdown();
        Files.writeString(file.resolveSibling("results-" + STAMP + ".md"), md);
        if (RESULTS.has("saturation")) {
            Files.writeString(file.resolveSibling("scale-out-" + STAMP + ".svg"), svg());
        }
        System.out.println(md);
    }

    static void report() {
        try {
            Files.createDirectories(TARGET);
            Path json = TARGET.resolve("results-" + STAMP + ".json");
            Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(RESULTS));
            String md = markdown();
            Path mdFile = TARGET.resolve("results-" + STAMP + ".md");
            Files.writeString(mdFile, md);
            if (RESULTS.has("saturation")) {
                String svg = svg();
                Files.writeString(TARGET.resolve("scale-out-" + STAMP + ".svg"), svg);
                // Only a full run's chart stands for Cohort in the docs: every section, the profile's configurations.
                boolean full = !quick && sections.containsAll(ALL_SECTIONS)
                        && saturationConfigs == null && scaleOut == null;
                if (full && !RESULTS.has("error")) {
                    Files.writeString(ROOT.resolve("docs/scale-out.svg"), svg);
                }
            }
            System.out.println();
            System.out.println(md);
            log("Results: " + json + " and " + mdFile);
        } catch (Exception e) {
            log("could not write the report: " + e);
            e.printStackTrace();
        }
    }

    static String markdown() {
        StringBuilder md = new StringBuilder();
        JsonNode m = RESULTS.path("machine");
        md.append("Benchmark run ").append(RESULTS.path("date").asText()).append(" (`bench/run.sh")
                .append(quick ? " --quick" : "").append(sections.size() < ALL_SECTIONS.size() ? " --only "
                        + String.join(",", sections) : "").append("`, ").append(RESULTS.path("seconds").asLong())
                .append(" s): ").append(m.path("processors").asInt()).append(" cores (").append(m.path("cpu").asText())
                .append("), ").append(m.path("memoryGb").asDouble()).append(" GB, ").append(m.path("jdk").asText())
                .append(", load average at start ").append(m.path("loadAverageAtStart").asText()).append(". ")
                .append(slots).append(" slots per role per worker process; model latency L = the simulator's whole "
                        + "answer after L ms.\n\n");
        if (RESULTS.has("error")) {
            md.append("**The run failed:** ").append(RESULTS.path("error").asText()).append("\n\n");
        }
        JsonNode floor = RESULTS.path("floor");
        JsonNode hops = RESULTS.path("hops");
        if (!hops.isMissingNode()) {
            JsonNode fh = floor.path("diamond-100");
            md.append("**a. Hops** (diamond, latency 100 ms, ").append(hops.path("completed").asInt())
                    .append(" tasks one at a time, ").append(hops.path("workers").asInt()).append(" workers)\n\n");
            md.append("| figure | n | p50 ms | p99 ms | floor p50 / p99 ms |\n|---|---|---|---|---|\n");
            row(md, "hop: dependency's `agent.completed` sent → dependent's `agent.started` sent (Kafka timestamps)",
                    hops.path("hopKafkaMs"), fh.path("hopMs"));
            row(md, "hop: dependency's `finishedAt` → dependent's `startedAt` (task view)", hops.path("hopViewMs"),
                    fh.path("hopMs"));
            row(md, "… completed sent → dispatch decided (orchestrator transaction)",
                    hops.path("hopStagesMs").path("completedToDispatchTx"), null);
            row(md, "… dispatch decided → dispatch record on Kafka (outbox)",
                    hops.path("hopStagesMs").path("dispatchTxToRecord"), null);
            row(md, "… dispatch record → `agent.started` sent (share group, worker)",
                    hops.path("hopStagesMs").path("dispatchRecordToStarted"), null);
            row(md, "hop to the model: dependency's `agent.completed` sent → dependent's first model call (simulator's "
                    + "call log)", hops.path("hopToModelCallMs"), null);
            row(md, "submit (`createdAt`) → first model call (simulator's call log)", hops.path("submitToFirstModelCallMs"),
                    fh.path("submitToFirstCallMs"));
            row(md, "submit (`createdAt`) → plan's `startedAt` (task view)", hops.path("submitToPlanStartedMs"), null);
            md.append('\n');
        }
        JsonNode eff = RESULTS.path("efficiency");
        if (eff.isArray() && !eff.isEmpty()) {
            md.append("**b. Makespan efficiency** E = critical path of own durations (plan and summary included) / "
                    + "makespan (created → finished); tasks one at a time\n\n");
            md.append("| shape | latency | tasks | E p50 | E floor | makespan p50 ms | floor ms | makespan × floor |\n"
                    + "|---|---|---|---|---|---|---|---|\n");
            for (JsonNode r : eff) {
                JsonNode f = floor.path(r.path("shape").asText() + "-" + r.path("latencyMs").asInt());
                double mk = r.path("makespanMs").path("p50").asDouble();
                double fm = f.path("makespanMs").path("p50").asDouble();
                md.append("| ").append(r.path("shape").asText()).append(" | ").append(r.path("latencyMs").asInt())
                        .append(" ms | ").append(r.path("completed").asInt()).append('/').append(r.path("tasks").asInt())
                        .append(" | ").append(fmt(r.path("efficiency").path("p50"), 3)).append(" | ")
                        .append(fmt(f.path("efficiency").path("p50"), 3)).append(" | ").append(fmt(r.path("makespanMs").path("p50"), 0))
                        .append(" | ").append(fmt(f.path("makespanMs").path("p50"), 0)).append(" | ")
                        .append(fm > 0 ? String.format(Locale.ROOT, "%.2f", mk / fm) : "–").append(" |\n");
            }
            md.append('\n');
        }
        JsonNode sat = RESULTS.path("saturation");
        if (sat.isArray() && !sat.isEmpty()) {
            md.append("**c. Saturation** (fan-out-8 tasks kept in flight; subtasks completed per second in a ")
                    .append(sat.get(0).path("windowS").asDouble()).append(" s window once the load is steady (warm-up column); "
                            + "plan and summary count as subtasks; vs linear = subtasks/s ÷ (workers × subtasks/s with 1 "
                            + "worker); other load = cores used by processes not of this benchmark; * = the warm-up "
                            + "ran out before half as many tasks as in flight had ended and the JIT was under "
                            + Math.round(JIT_SETTLED * 100) + " % of the services' CPU: not yet steady)\n\n");
            md.append("| latency | orch. | workers | slots/role | in flight | warm-up s | subtasks/s | floor | × floor "
                    + "| vs linear | CPU ms per subtask: orch / worker / ctx / dash / sim / kafka / pg | other load (cores) "
                    + "| failed |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (JsonNode r : sat) {
                JsonNode f = r.path("latencyMs").asInt() == 0 ? floor.path("saturation-0")
                        : floor.path("saturation-1000-w" + r.path("workers").asInt());
                double fs = f.path("subtasksPerSecond").asDouble();
                JsonNode c = r.path("cpuMsPerSubtask");
                md.append("| ").append(r.path("latencyMs").asInt()).append(" ms | ").append(r.path("orchestrators").asInt())
                        .append(" | ").append(r.path("workers").asInt()).append(" | ").append(r.path("slotsPerRole").asInt())
                        .append(" | ").append(r.path("inFlight").asInt()).append(" | ")
                        .append(fmt(r.path("warmupS"), 0)).append(r.path("steady").asBoolean(true) ? "" : "*").append(" | ")
                        .append(fmt(r.path("subtasksPerSecond"), 1)).append(" | ").append(fs > 0 ? fmt(f.path("subtasksPerSecond"), 1) : "–")
                        .append(" | ").append(fs > 0 ? String.format(Locale.ROOT, "%.3f", r.path("subtasksPerSecond").asDouble() / fs) : "–")
                        .append(" | ").append(r.has("linearity") ? fmt(r.path("linearity"), 2) : "–").append(" | ")
                        .append(String.join(" / ", List.of(fmt(c.path("orchestrator"), 1), fmt(c.path("worker"), 1),
                                fmt(c.path("context-store"), 1), fmt(c.path("dashboard"), 1), fmt(c.path("simulator"), 1),
                                fmt(c.path("kafka"), 1), fmt(c.path("postgres"), 1))))
                        .append(" | ").append(fmt(r.path("coresBusy").path("otherProcesses"), 2)).append(" | ")
                        .append(r.path("failedTasks").asInt()).append(" |\n");
            }
            md.append("\nScale-out chart: `docs/scale-out.svg` (full runs; this run's copy: `bench/target/scale-out-")
                    .append(STAMP).append(".svg`).\n\n");
        }
        JsonNode sse = RESULTS.path("sse");
        if (sse.isArray() && !sse.isEmpty()) {
            md.append("**d. SSE fan-out** (`/api/stream` of the dashboard, ").append(sse.get(0).path("tasks").asInt())
                    .append(" diamond task(s) at 100 ms while the clients listen; latency = received − the record's "
                            + "Kafka timestamp; an event not received ")
                    .append(RESULTS.path("settings").path("sseDrainSeconds").asLong(SSE_DRAIN.toSeconds()))
                    .append(" s after the tasks ended is lost)\n\n");
            md.append("| clients | events per client | latency p50 ms | p99 ms | from occurredAt p50 / p99 ms "
                    + "| one more client in curl: p50 / p99 ms | all delivered after (s) | lost | clients with loss "
                    + "| resumes | duplicates | cores busy: dashboard / clients' JVM / all "
                    + "| in the dashboard, p99 at most: Kafka → hand-over / hand-over → write ms |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (JsonNode r : sse) {
                md.append("| ").append(r.path("clients").asInt()).append(" | ").append(r.path("eventsPerClient").asInt())
                        .append(" | ").append(fmt(r.path("latencyKafkaMs").path("p50"), 1)).append(" | ")
                        .append(fmt(r.path("latencyKafkaMs").path("p99"), 1)).append(" | ")
                        .append(fmt(r.path("latencyOccurredMs").path("p50"), 1)).append(" / ")
                        .append(fmt(r.path("latencyOccurredMs").path("p99"), 1)).append(" | ")
                        .append(fmt(r.path("referenceClient").path("latencyKafkaMs").path("p50"), 1)).append(" / ")
                        .append(fmt(r.path("referenceClient").path("latencyKafkaMs").path("p99"), 1)).append(" | ")
                        .append(fmt(r.path("drainSeconds"), 1)).append(" | ")
                        .append(r.path("lostEvents").asLong()).append(" | ").append(r.path("clientsWithLoss").asInt())
                        .append(" | ").append(r.path("resumes").asLong()).append(" | ").append(r.path("duplicates").asLong())
                        .append(" | ").append(fmt(r.path("coresBusy").path("dashboard"), 2)).append(" / ")
                        .append(fmt(r.path("coresBusy").path("bench"), 2)).append(" / ")
                        .append(fmt(r.path("coresBusy").path("machine"), 2)).append(" | ")
                        .append(r.at("/dashboard/handedOverMs/p99AtMost").asText("–")).append(" / ")
                        .append(r.at("/dashboard/writtenMs/p99AtMost").asText("–")).append(" |\n");
            }
            md.append('\n');
        }
        JsonNode idle = RESULTS.path("idleCores");
        if (!idle.isMissingNode()) {
            md.append("**Idle cost** (cores busy over ")
                    .append(String.format(Locale.ROOT, "%.0f", RESULTS.path("settings").path("idleSeconds").asDouble(10)))
                    .append(" s with nothing to do, after the warm-up; 1 orchestrator, ")
                    .append(RESULTS.path("settings").path("defaultStack").asText().contains("2 workers") ? "2" : "?")
                    .append(" workers): ");
            List<String> parts = new ArrayList<>();
            idle.fieldNames().forEachRemaining(k -> parts.add(k + " " + fmt(idle.path(k), 2)));
            md.append(String.join(", ", parts)).append("\n\n");
        }
        JsonNode mem = RESULTS.path("memory");
        if (!mem.isMissingNode()) {
            md.append("**Memory** (VmRSS, MB)\n\n| process | at rest (started, idle) | after warm-up | under saturation "
                    + "(highest, and where) |\n|---|---|---|---|\n");
            Set<String> names = new java.util.TreeSet<>();
            mem.path("restKb").fieldNames().forEachRemaining(names::add);
            for (JsonNode r : sat) {
                r.path("rssKb").fieldNames().forEachRemaining(names::add);
            }
            for (String name : names) {
                long max = 0;
                String where = "";
                for (JsonNode r : sat) {
                    long kb = r.path("rssKb").path(name).asLong();
                    if (kb > max) {
                        max = kb;
                        where = r.path("latencyMs").asInt() + " ms, " + r.path("orchestrators").asInt() + "o/"
                                + r.path("workers").asInt() + "w";
                    }
                }
                md.append("| ").append(name).append(" | ").append(mb(mem.path("restKb").path(name))).append(" | ")
                        .append(mb(mem.path("afterWarmupKb").path(name))).append(" | ")
                        .append(max > 0 ? String.format(Locale.ROOT, "%.0f (%s)", max / 1024.0, where) : "–").append(" |\n");
            }
            md.append('\n');
        }
        JsonNode growth = RESULTS.path("growth");
        if (growth.isArray() && !growth.isEmpty()) {
            md.append("**Per-event cost** (orchestrator's `cohort.orchestrator.records.applied` timer, one task at a "
                    + "time, latency 0)\n\n| fan-out | subtasks per task | records applied per task | mean µs per record "
                    + "| `agent.completed` µs | `agent.started` µs | × the smallest | orchestrator CPU ms per record "
                    + "|\n|---|---|---|---|---|---|---|---|\n");
            double base = growth.get(0).path("meanMicrosPerEvent").asDouble();
            for (JsonNode r : growth) {
                JsonNode t = r.path("byType");
                md.append("| ").append(r.path("fanOut").asInt()).append(" | ").append(r.path("subtasksPerTask").asInt())
                        .append(" | ").append(fmt(r.path("eventsPerTask"), 0)).append(" | ")
                        .append(fmt(r.path("meanMicrosPerEvent"), 0)).append(" | ")
                        .append(fmt(t.path("agent.completed (cohort.agent-events)").path("meanMicros"), 0)).append(" | ")
                        .append(fmt(t.path("agent.started (cohort.agent-events)").path("meanMicros"), 0)).append(" | ")
                        .append(base > 0 ? String.format(Locale.ROOT, "%.2f", r.path("meanMicrosPerEvent").asDouble() / base) : "–")
                        .append(" | ").append(fmt(r.path("orchestratorCpuMsPerEvent"), 1)).append(" |\n");
            }
            md.append('\n');
        }
        JsonNode admission = RESULTS.path("admission");
        if (admission.isArray() && !admission.isEmpty()) {
            JsonNode first = admission.get(0);
            md.append("**h. Admission** (every simulated model generates ").append(first.path("modelSlots").asInt())
                    .append(" calls at once and queues ").append(first.path("modelQueue").asInt())
                    .append(" more, then answers 503; ").append(first.path("tasks").asInt())
                    .append(" diamond tasks submitted at once, ").append(first.path("workers").asInt())
                    .append(" workers with ").append(first.path("slotsPerRole").asInt())
                    .append(" slots per role, latency 1000 ms; with admission the orchestrator lets ")
                    .append(first.path("modelSlots").asInt()).append(" calls per model run at once)\n\n")
                    .append("| admission | tasks completed | makespan s | model calls | ok | answered 503 | answered 429 |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            for (JsonNode r : admission) {
                md.append("| ").append(r.path("admission").asBoolean() ? "on" : "off").append(" | ")
                        .append(r.path("completed").asInt()).append(" of ").append(r.path("tasks").asInt()).append(" | ")
                        .append(fmt(r.path("makespanS"), 1)).append(" | ").append(r.path("calls").asLong()).append(" | ")
                        .append(r.path("ok").asLong()).append(" | ").append(r.path("answered503").asLong()).append(" | ")
                        .append(r.path("answered429").asLong()).append(" |\n");
            }
            md.append('\n');
        }
        if (!FAILED_TASKS.isEmpty()) {
            md.append("**Tasks that did not complete:** ").append(FAILED_TASKS.size()).append(" (see `failedTasks` in the JSON)\n\n");
        }
        return md.toString();
    }

    static void row(StringBuilder md, String what, JsonNode s, JsonNode floor) {
        md.append("| ").append(what).append(" | ").append(s.path("n").asInt()).append(" | ").append(fmt(s.path("p50"), 1))
                .append(" | ").append(fmt(s.path("p99"), 1)).append(" | ")
                .append(floor == null || floor.isMissingNode() ? "–" : fmt(floor.path("p50"), 2) + " / " + fmt(floor.path("p99"), 2))
                .append(" |\n");
    }

    static String fmt(JsonNode v, int decimals) {
        return v == null || v.isMissingNode() || v.isNull() ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v.asDouble());
    }

    static String mb(JsonNode kb) {
        return kb.isMissingNode() ? "–" : String.format(Locale.ROOT, "%.0f", kb.asLong() / 1024.0);
    }

    /** Subtasks per second against worker processes: one line per latency and replica count, linear and floor dashed. */
    static String svg() {
        JsonNode sat = RESULTS.path("saturation");
        JsonNode floor = RESULTS.path("floor");
        Map<String, TreeMap<Integer, Double>> series = new LinkedHashMap<>();
        for (JsonNode r : sat) {
            String name = "latency " + r.path("latencyMs").asInt() + " ms, " + r.path("orchestrators").asInt()
                    + " orchestrator" + (r.path("orchestrators").asInt() > 1 ? "s" : "");
            series.computeIfAbsent(name, k -> new TreeMap<>()).put(r.path("workers").asInt(),
                    r.path("subtasksPerSecond").asDouble());
        }
        TreeMap<Integer, Double> linear = new TreeMap<>();
        TreeMap<Integer, Double> floorLine = new TreeMap<>();
        for (JsonNode r : sat) {
            if (r.path("latencyMs").asInt() == 1000 && r.path("workers").asInt() == 1) {
                double one = r.path("subtasksPerSecond").asDouble();
                for (JsonNode o : sat) {
                    if (o.path("latencyMs").asInt() == 1000) {
                        linear.put(o.path("workers").asInt(), one * o.path("workers").asInt());
                    }
                }
            }
            if (r.path("latencyMs").asInt() == 1000) {
                JsonNode f = floor.path("saturation-1000-w" + r.path("workers").asInt()).path("subtasksPerSecond");
                if (!f.isMissingNode()) {
                    floorLine.put(r.path("workers").asInt(), f.asDouble());
                }
            }
        }
        if (!linear.isEmpty()) {
            series.put("linear from 1 worker at 1000 ms", linear);
        }
        if (!floorLine.isEmpty()) {
            series.put("floor at 1000 ms (same slots)", floorLine);
        }
        int maxWorkers = 1;
        double maxY = 1;
        for (TreeMap<Integer, Double> s : series.values()) {
            maxWorkers = Math.max(maxWorkers, s.lastKey());
            for (double y : s.values()) {
                maxY = Math.max(maxY, y);
            }
        }
        double step = niceStep(maxY / 5);
        maxY = Math.ceil(maxY / step) * step;
        int w = 720;
        int h = 420;
        int left = 60;
        int right = 250;
        int top = 50;
        int bottom = 50;
        double pw = w - left - right;
        double ph = h - top - bottom;
        Set<Integer> ticks = new java.util.TreeSet<>();
        series.values().forEach(v -> ticks.addAll(v.keySet()));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", w, h, w, h));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Cohort scale-out: "
                + "subtasks completed per second</text>\n", left));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"38\" fill=\"#555\">%s, %s, %d cores, %d slots per role per "
                        + "worker (bench/run.sh%s)</text>\n", left, RESULTS.path("date").asText().substring(0, 10),
                RESULTS.path("mode").asText() + " run", RESULTS.path("machine").path("processors").asInt(), slots,
                quick ? " --quick" : ""));
        for (double y = 0; y <= maxY + 1e-9; y += step) {
            double py = top + ph - y / maxY * ph;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", left, py, left + pw, py, left - 6, py + 4,
                    step >= 1 ? String.valueOf((long) y) : String.format(Locale.ROOT, "%.1f", y)));
        }
        for (int x : ticks) {
            double px = left + (double) x / maxWorkers * pw;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", px, top, px, top + ph, px,
                    top + ph + 18, x));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">worker processes</text>\n",
                left + pw / 2, h - 10));

        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" "
                + "text-anchor=\"middle\">subtasks / s</text>\n", top + ph / 2, top + ph / 2));
        String[] colors = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
        int i = 0;
        int legend = 0;
        for (Map.Entry<String, TreeMap<Integer, Double>> s : series.entrySet()) {
            String color = s.getKey().startsWith("linear") ? "#888" : s.getKey().startsWith("floor") ? "#555"
                    : colors[i++ % colors.length];
            String dash = s.getKey().startsWith("linear") || s.getKey().startsWith("floor") ? " stroke-dasharray=\"5,4\"" : "";
            StringBuilder points = new StringBuilder();
            for (Map.Entry<Integer, Double> p : s.getValue().entrySet()) {
                double px = left + (double) p.getKey() / maxWorkers * pw;
                double py = top + ph - p.getValue() / maxY * ph;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", px, py, color));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                    points.toString().trim(), color, dash));
            int ly = top + 10 + 20 * legend++;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"%s/><text x=\"%.1f\" y=\"%d\">%s</text>\n", left + pw + 15, ly, left + pw + 40, ly,
                    color, dash, left + pw + 46, ly + 4, s.getKey()));
        }
        JsonNode floorZero = floor.path("saturation-0").path("subtasksPerSecond");
        if (!floorZero.isMissingNode()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#555\">floor at 0 ms: %.0f subtasks/s "
                    + "(off the chart)</text>\n", left + pw + 15, top + 14 + 20 * legend, floorZero.asDouble()));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    // ================================================================================================
    // Small things
    // ================================================================================================

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

    static double ms(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }

    static void log(String line) {
        System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now()) + " " + line);
    }

    /** The Kafka client logs through the JBoss LogManager binding on this class path: only its warnings. */
    static void quietKafkaLogs() {
        java.util.logging.Logger.getLogger("org.apache.kafka").setLevel(java.util.logging.Level.WARNING);
        try {
            Class<?> context = Class.forName("org.jboss.logmanager.LogContext");
            Object system = context.getMethod("getSystemLogContext").invoke(null);
            Object logger = context.getMethod("getLogger", String.class).invoke(system, "org.apache.kafka");
            logger.getClass().getMethod("setLevel", java.util.logging.Level.class).invoke(logger,
                    java.util.logging.Level.WARNING);
        } catch (Throwable e) {
            // another binding: its defaults
        }
    }
}
