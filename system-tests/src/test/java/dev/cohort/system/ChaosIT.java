package dev.cohort.system;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cohort.contracts.Topics;
import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.EmbeddedKafkaBroker;
import dev.cohort.testsupport.EmbeddedPostgresServer;
import dev.cohort.testsupport.ServiceProcess;
import dev.cohort.testsupport.TestTokens;
import dev.cohort.testsupport.TopicReader;
import dev.cohort.testsupport.TopicWriter;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The chaos suite: with a task in flight, take away what Cohort depends on (the database, the broker, the
 * orchestrator, a worker, the context store, one of two orchestrator replicas) or feed it bad input, and check what a
 * user cares about: the task still completes (or fails with a reason where the input was bad), every service is ready
 * again, every artifact version the task lists is in the context store, and no model call was made twice unless the
 * worker making it died.
 *
 * <p>One stack serves every scenario, one task at a time, so the simulator's call log (which does not know tasks)
 * counts the calls of that task. Before each scenario whatever an earlier one left stopped is started again, open
 * tasks are cancelled, and after a failed scenario the context store, orchestrator and workers are restarted, so one
 * failure does not spread to the next scenario.
 * The figures go to {@code target/chaos-report.md} (copied into {@code docs/reliability.md}) and to the test output.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {

    static final Duration OUTAGE = Duration.ofSeconds(20);
    /** Generous for two busy cores; nothing is asserted about speed. */
    static final Duration TASK_TIMEOUT = Duration.ofSeconds(180);
    static final Duration AGENTS_TIMEOUT = Duration.ofSeconds(90);
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);
    static final List<String> OPEN_STATUSES = List.of("submitted", "planning", "awaiting-approval", "running", "paused");
    /** Every request is bounded, so a service that hangs fails a scenario instead of stalling the suite. */
    static final RestAssuredConfig HTTP = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 5_000)
            .setParam("http.socket.timeout", 30_000));

    static CohortStack stack;
    static final ChaosReport report = new ChaosReport(Path.of("target", "chaos-report.md"));
    static final Set<String> changedModels = new LinkedHashSet<>();
    static boolean previousFailed;
    static long scenarioStart;

    @RegisterExtension
    static final TestWatcher outcome = new TestWatcher() {
        @Override
        public void testSuccessful(ExtensionContext context) {
            previousFailed = false;
            report.passed();
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            previousFailed = true;
            report.failed(cause);
        }

        @Override
        public void testAborted(ExtensionContext context, Throwable cause) {
            report.skipped(cause);
        }
    };

    @BeforeAll
    static void start() {
        // Share-group record locks as the shipped brokers set them: longer than a model call plus the workers' outage
        // window, so a worker waiting out an outage keeps its dispatch (the tests' default of 15 s would hand it to
        // the other worker mid-outage).
        CohortInfra.configureEmbeddedKafka(Map.of(
                "group.share.record.lock.duration.ms", "300000",
                "group.share.max.record.lock.duration.ms", "3600000"));
        Instant starting = Instant.now();
        stack = new CohortStack("chaos", 2, List.of("dashboard"));
        report.setup("stack (simulator, context store, orchestrator, two workers, dashboard) started in "
                + ChaosReport.seconds(Duration.between(starting, Instant.now())));
    }

    @AfterAll
    static void stop() {
        report.write();
        System.out.println(report.markdown());
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * Every service up and ready, nothing left running from an earlier scenario, the simulator as configured. After a
     * failed scenario the services that hold state (context store, orchestrator, workers) start afresh, since a
     * failure may have left one running but broken.
     */
    @BeforeEach
    void prepare(TestInfo test) {
        report.begin(test.getDisplayName());
        stack.restartInfra();
        if (previousFailed) {
            List<ServiceProcess> stateful = new ArrayList<>(List.of(stack.contextStore, stack.orchestrator));
            stateful.addAll(stack.workers);
            stack.restart(stateful);
        }
        stack.restartWhatIsDown();
        cancelOpenTasks();
        List<ServiceProcess> unhealthy = unhealthy(Duration.ofSeconds(30)).stream().map(Health::service).distinct().toList();
        if (!unhealthy.isEmpty()) {
            System.out.println("restarting what is not healthy before " + test.getDisplayName() + ": " + unhealthy);
            stack.restart(unhealthy);
            List<Health> still = unhealthy(Duration.ofSeconds(90));
            assertTrue(still.isEmpty(), "the stack is not healthy before the scenario: " + still);
        }
        resetSimulator();
        scenarioStart = System.currentTimeMillis();
    }

    @Test
    @Order(1)
    @DisplayName("(d) worker killed mid-subtask, another worker remains")
    void aWorkerKilledMidSubtask() {
        ChaosReport.Row row = report.current();
        // The backend's answer takes about ten seconds, so its worker dies while generating.
        slowModel("sim-backend", 20);
        String id = submit(stack.orchestrator, "Build a library REST API with a web front end");
        TaskView running = awaitRunning(id, List.of("backend"));
        String agent = running.path().getString("subtasks.find { it.key == 'backend' }.agentId");
        int killedAttempt = running.path().getInt("subtasks.find { it.key == 'backend' }.attempt");
        String victim = agent.substring(0, agent.indexOf('/'));

        // The calls the victim is making now die with it: those, and only those, may be made again.
        Set<String> inFlight = callIds("running");
        Instant killedAt = Instant.now();
        stack.worker(victim).kill();
        resetModel("sim-backend"); // the next attempt need not be slow
        TaskView task = awaitFinal(() -> stack.orchestrator, id);

        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> calls = simulator().get("/sim/calls").then().extract().jsonPath().getList("$");
        List<Map<String, Object>> killedCalls = calls.stream()
                .filter(c -> inFlight.contains(String.valueOf(c.get("id"))) && !"ok".equals(c.get("outcome"))).toList();
        row.note("model calls cut off by the kill: " + killedCalls.stream().map(c -> c.get("role") + "/" + c.get("kind")
                + " " + c.get("outcome")).toList());
        Instant backendAgain = calls.stream().filter(c -> "backend".equals(c.get("role")))
                .map(c -> Instant.parse((String) c.get("startedAt"))).filter(t -> t.isAfter(killedAt)).min(Instant::compareTo)
                .orElse(null);
        row.recovery("kill → backend's model call made again", killedAt, backendAgain);
        if (task != null) {
            List<Map<String, Object>> attempts = task.path().getList("subtasks.find { it.key == 'backend' }.attempts");
            row.note("backend attempts after the kill of " + victim + " (attempt " + killedAttempt + "): " + attempts.stream()
                    .map(a -> "#" + a.get("attempt") + " " + a.get("agentId") + " " + a.get("outcome") + " started "
                            + a.get("startedAt")).toList());
            Instant next = attempts.stream().map(a -> (String) a.get("startedAt")).filter(Objects::nonNull)
                    .map(Instant::parse).filter(t -> t.isAfter(killedAt)).min(Instant::compareTo).orElse(null);
            row.recovery("kill → backend attempt started on another worker", killedAt, next);
            row.recovery("kill → task completed", killedAt, task.finishedAtIf("completed"));
            String finisher = task.path().getString("subtasks.find { it.key == 'backend' }.agentId");
            if (finisher == null || finisher.startsWith(victim + "/")) {
                problems.add("the backend was not finished by another worker: agent " + finisher);
            }
        }
        stack.restartWorker(victim);
        verify(row, task, killedCalls.size(), problems);
    }

    @Test
    @Order(2)
    @DisplayName("(c) orchestrator killed (kill -9) while two agents run, restarted 5 s later")
    void theOrchestratorKilledWhileTwoAgentsRun() {
        ChaosReport.Row row = report.current();
        // Eight-second answers: the agents still run (and send heartbeats) while the orchestrator is away.
        slowModel("sim-backend", 25);
        slowModel("sim-frontend", 25);
        String id = submit(stack.orchestrator, "Build a recipes REST API with a web front end");
        awaitRunning(id, List.of("backend", "frontend"));

        Instant killedAt = Instant.now();
        stack.orchestrator.kill();
        pause(Duration.ofSeconds(5));
        stack.startOrchestrator();
        Instant back = Instant.now();
        row.recovery("kill → orchestrator ready again", killedAt, back);
        TaskView task = awaitFinal(() -> stack.orchestrator, id);
        if (task != null) {
            row.recovery("orchestrator ready → task completed", back, task.finishedAtIf("completed"));
        }
        verify(row, task, 0, new ArrayList<>());
    }

    @Test
    @Order(3)
    @DisplayName("(g) two orchestrator replicas, the one reading the agents' events killed (kill -9)")
    void oneOfTwoOrchestratorReplicasKilled() {
        ChaosReport.Row row = report.current();
        ServiceProcess replica = stack.startOrchestratorReplica("orchestrator-b");
        try {
            slowModel("sim-backend", 50);
            slowModel("sim-frontend", 50);
            String id = submit(stack.orchestrator, "Build a bookmarks REST API with a web front end");
            awaitRunning(id, List.of("backend", "frontend"));

            // Kill the replica that holds the agent events (one partition: one reader), if its metrics say which.
            ServiceProcess primary = stack.orchestrator;
            Optional<Boolean> primaryReads = readsAgentEvents(primary);
            Optional<Boolean> replicaReads = readsAgentEvents(replica);
            boolean killPrimary = !(replicaReads.orElse(false) && !primaryReads.orElse(false));
            ServiceProcess victim = killPrimary ? primary : replica;
            ServiceProcess survivor = killPrimary ? replica : primary;
            row.note("reads cohort.agent-events (consumer metrics): primary " + primaryReads.map(String::valueOf).orElse("unknown")
                    + ", replica " + replicaReads.map(String::valueOf).orElse("unknown") + "; killed the "
                    + (killPrimary ? "primary (the workers' orchestrator URL)" : "replica"));

            Instant killedAt = Instant.now();
            victim.kill();
            TaskView task = awaitFinal(() -> survivor, id);
            if (task != null) {
                row.recovery("kill → task completed", killedAt, task.finishedAtIf("completed"));
            }
            if (killPrimary) {
                stack.startOrchestrator(); // the workers and the rest of the suite know its address
            } else {
                stack.orchestratorReplicas.remove(replica); // the extra one: gone for good
            }
            verify(row, task, 0, new ArrayList<>());
        } finally {
            replica.close();
            stack.orchestratorReplicas.remove(replica);
        }
    }

    @Test
    @Order(4)
    @DisplayName("(e) context store away for 20 s while agents write, back on the same port and database")
    void theContextStoreAwayWhileAgentsWrite() {
        ChaosReport.Row row = report.current();
        slowModel("sim-backend", 50);
        slowModel("sim-frontend", 50);
        String id = submit(stack.orchestrator, "Build a weather REST API with a web front end");
        awaitRunning(id, List.of("backend", "frontend"));

        Instant away = Instant.now();
        stack.contextStore.kill();
        try {
            pause(OUTAGE);
        } finally {
            stack.restartContextStore();
        }
        Instant back = Instant.now();
        row.note("context store away for " + ChaosReport.seconds(Duration.between(away, back)) + " (20 s, then its start)");
        TaskView task = awaitFinal(() -> stack.orchestrator, id);
        if (task != null) {
            row.recovery("store ready again → task completed", back, task.finishedAtIf("completed"));
        }
        verify(row, task, 0, new ArrayList<>());
    }

    @Test
    @Order(5)
    @DisplayName("(b) Kafka broker stopped for 20 s while agents run")
    void theBrokerStoppedWhileAgentsRun() {
        EmbeddedKafkaBroker kafka = CohortInfra.embeddedKafka().orElse(null);
        assumeTrue(kafka != null, "stopping the broker needs the embedded one");
        ChaosReport.Row row = report.current();
        slowModel("sim-backend", 50);
        slowModel("sim-frontend", 50);
        String id = submit(stack.orchestrator, "Build a parking REST API with a web front end");
        awaitRunning(id, List.of("backend", "frontend"));

        kafka.stop();
        try {
            pause(OUTAGE);
        } finally {
            kafka.start();
        }
        Instant back = Instant.now();
        TaskView task = awaitFinal(() -> stack.orchestrator, id);
        if (task != null) {
            row.recovery("broker back → task completed", back, task.finishedAtIf("completed"));
        }
        verify(row, task, 0, new ArrayList<>());
    }

    @Test
    @Order(6)
    @DisplayName("(a) PostgreSQL stopped for 20 s while agents run")
    void theDatabaseStoppedWhileAgentsRun() {
        EmbeddedPostgresServer postgres = CohortInfra.embeddedPostgres().orElse(null);
        assumeTrue(postgres != null, "stopping the database needs the embedded one");
        ChaosReport.Row row = report.current();
        slowModel("sim-backend", 50);
        slowModel("sim-frontend", 50);
        String id = submit(stack.orchestrator, "Build a tickets REST API with a web front end");
        awaitRunning(id, List.of("backend", "frontend"));

        postgres.stop();
        try {
            pause(OUTAGE);
        } finally {
            postgres.start();
        }
        Instant back = Instant.now();
        TaskView task = awaitFinal(() -> stack.orchestrator, id);
        if (task != null) {
            row.recovery("database back → task completed", back, task.finishedAtIf("completed"));
        }
        verify(row, task, 0, new ArrayList<>());
    }

    @Test
    @Order(7)
    @DisplayName("(f) poison inputs: non-UUID task conflict, 2 MiB message, a record that is not JSON")
    void poisonInputs() {
        ChaosReport.Row row = report.current();
        List<String> problems = new ArrayList<>();

        // (1) A person's plain writes for a task id that is not a UUID; the last one, from a stale base, is a conflict
        // whose artifact.conflict event reaches the orchestrator with task id "demo".
        List<Integer> writes = new ArrayList<>();
        writes.add(publish("demo", "notes.md", "first", null));
        writes.add(publish("demo", "notes.md", "second", 1L));
        writes.add(publish("demo", "notes.md", "third, from a stale base", 1L));
        row.note("(1) writes to task 'demo': HTTP " + writes);
        if (!writes.equals(List.of(201, 201, 409))) {
            problems.add("(1) the writes to task 'demo' answered " + writes + ", expected [201, 201, 409]");
        }

        // (2) and (3) hit a running task; its backend is slow so that it is still running.
        slowModel("sim-backend", 20);
        String poisoned = submit(stack.orchestrator, "Build a garden REST API with a web front end");
        awaitRunning(poisoned, List.of("backend"));

        String huge = "x".repeat(2 * 1024 * 1024);
        try {
            Response message = api(stack.orchestrator).contentType(ContentType.JSON)
                    .body(Map.of("to", Map.of("type", "role", "id", "backend"), "text", huge, "kind", "note"))
                    .post("/api/tasks/" + poisoned + "/messages");
            String answer = message.asString();
            row.note("(2) 2 MiB message: HTTP " + message.statusCode() + " " + abbreviate(answer, 200));
            if (message.statusCode() == 413 || message.statusCode() == 400) {
                if (!answer.toLowerCase().matches("(?s).*(limit|at most|maximum).*")) {
                    problems.add("(2) the 2 MiB message was refused with HTTP " + message.statusCode()
                            + " but without naming the limit: '" + abbreviate(answer, 300) + "'");
                }
            } else if (message.statusCode() != 200) {
                problems.add("(2) the 2 MiB message got HTTP " + message.statusCode() + ": " + abbreviate(answer, 300));
            }
        } catch (RuntimeException e) {
            row.note("(2) 2 MiB message: no answer, " + e);
            problems.add("(2) the 2 MiB message got no answer: " + e);
        }

        Instant poisonedAt = Instant.now();
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.AGENT_EVENTS, poisoned, "this is {not JSON")).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the poison record", e);
        }
        TaskView failed = awaitFinal(() -> stack.orchestrator, poisoned);
        if (failed == null) {
            problems.add("(3) the poisoned task could not be read");
        } else {
            row.recovery("not-JSON record → its task failed", poisonedAt, failed.finishedAtIf("failed"));
            row.note("(3) the poisoned task: " + failed.status() + ", reason: " + failed.statusReason());
            if (!"failed".equals(failed.status())) {
                problems.add("(3) the task with an unreadable agent event ended " + failed.status()
                        + " instead of failed: " + abbreviate(failed.json(), 1500));
            } else if (failed.statusReason() == null || !failed.statusReason().toLowerCase().contains("dead-letter")) {
                problems.add("(3) the task failed without naming the dead letter: " + failed.statusReason());
            }
        }

        // Afterwards a new task still runs to the end, alone at the simulator.
        cancelOpenTasks();
        resetSimulator();
        String fresh = submit(stack.orchestrator, "Build a notes REST API with a web front end");
        TaskView task = awaitFinal(() -> stack.orchestrator, fresh);
        if (task != null) {
            row.recovery("poison → a new task completed", poisonedAt, task.finishedAtIf("completed"));
        }
        verify(row, task, 0, problems);
    }

    // ---- checks

    /**
     * What a user cares about after the scenario, all checked and reported together: the task completed, every
     * artifact version it lists is in the context store, the simulator saw one model call per subtask done (plus
     * {@code repeatsAllowed}: calls cut off when their worker was killed), and every service is live and ready.
     */
    private static void verify(ChaosReport.Row row, TaskView task, int repeatsAllowed, List<String> problems) {
        if (task == null) {
            problems.add("the task could not be read from the orchestrator");
        } else {
            if (!"completed".equals(task.status())) {
                problems.add("the task ended " + task.status() + " (" + task.statusReason() + ") instead of completed");
            }
            problems.addAll(missingArtifacts(task));
            List<Map<String, Object>> calls = simulator().get("/sim/calls").then().statusCode(200).extract().jsonPath().getList("$");
            int done = task.path().getList("subtasks.findAll { it.status == 'done' }").size();
            row.calls(calls.size(), done, repeatsAllowed);
            if (calls.size() != done + repeatsAllowed) {
                problems.add(calls.size() + " model calls for " + done + " subtasks done"
                        + (repeatsAllowed > 0 ? " and " + repeatsAllowed + " call(s) cut off by the kill" : "")
                        + "; calls by role/kind: " + callsByRoleAndKind(calls)
                        + "; attempts by subtask: " + task.path().getMap("subtasks.collectEntries { [(it.key): it.attempt] }"));
            }
        }
        unhealthy(HEALTH_TIMEOUT).forEach(h -> problems.add("not healthy afterwards: " + h));
        row.deadLetters = deadLettersSince(scenarioStart);
        if (!problems.isEmpty()) {
            problems.forEach(p -> row.note("problem: " + abbreviate(p, 600)));
            fail(String.join("\n", problems) + (task == null ? "" : "\ntask view: " + task.json()));
        }
    }

    /** Each {@code key@version} a done subtask lists that the context store cannot show. */
    private static List<String> missingArtifacts(TaskView task) {
        List<String> missing = new ArrayList<>();
        List<List<String>> refs = task.path().getList("subtasks.findAll { it.status == 'done' }.artifacts");
        for (List<String> list : refs) {
            for (String ref : list == null ? List.<String>of() : list) {
                int at = ref.lastIndexOf('@');
                String key = ref.substring(0, at);
                long version = Long.parseLong(ref.substring(at + 1));
                Response r = api(stack.contextStore).queryParam("version", version)
                        .get("/api/tasks/" + task.id() + "/artifacts/" + key);
                if (r.statusCode() != 200 || r.jsonPath().getLong("version") != version) {
                    missing.add("artifact " + ref + " is not in the context store: HTTP " + r.statusCode() + " "
                            + abbreviate(r.asString(), 200));
                }
            }
        }
        return missing;
    }

    /** A service that is not running, or not UP on /q/health/live or /q/health/ready. */
    record Health(ServiceProcess service, String problem) {
        @Override
        public String toString() {
            return service.name() + " " + problem;
        }
    }

    /**
     * Waits until every service answers UP on /q/health/live and /q/health/ready, or until only services that are not
     * running are left; returns what still does not answer UP.
     */
    private static List<Health> unhealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Health> unhealthy;
        do {
            unhealthy = new ArrayList<>();
            for (ServiceProcess service : stack.services()) {
                if (!service.alive()) {
                    unhealthy.add(new Health(service, "is not running: " + service.exitReport()));
                    continue;
                }
                for (String check : List.of("/q/health/live", "/q/health/ready")) {
                    try {
                        Response r = api(service).get(check);
                        if (r.statusCode() != 200) {
                            unhealthy.add(new Health(service, check + " " + r.statusCode() + " " + abbreviate(r.asString(), 400)));
                        }
                    } catch (Exception e) {
                        unhealthy.add(new Health(service, check + " unanswered: " + e));
                    }
                }
            }
            // A process that has ended does not come back by waiting; the others may still get ready.
            if (unhealthy.stream().noneMatch(h -> h.service().alive())) {
                return unhealthy;
            }
            pause(Duration.ofMillis(500));
        } while (System.nanoTime() < deadline);
        return unhealthy;
    }

    /** Records written to the dead-letter topic since {@code sinceMillis}: where they came from and why. */
    private static List<String> deadLettersSince(long sinceMillis) {
        List<String> found = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicReader.readAll(Topics.DEAD_LETTER)) {
            if (r.timestamp() >= sinceMillis) {
                found.add(header(r, Topics.DEAD_LETTER_TOPIC_HEADER) + ":" + header(r, Topics.DEAD_LETTER_PARTITION_HEADER)
                        + ":" + header(r, Topics.DEAD_LETTER_OFFSET_HEADER) + " key " + r.key() + ": "
                        + abbreviate(header(r, Topics.DEAD_LETTER_REASON_HEADER), 200));
            }
        }
        return found;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Ids of the simulator's calls with this outcome. */
    private static Set<String> callIds(String outcome) {
        List<Map<String, Object>> calls = simulator().get("/sim/calls").then().statusCode(200).extract().jsonPath().getList("$");
        Set<String> ids = new HashSet<>();
        calls.stream().filter(c -> outcome.equals(c.get("outcome"))).forEach(c -> ids.add(String.valueOf(c.get("id"))));
        return ids;
    }

    private static Map<String, Integer> callsByRoleAndKind(List<Map<String, Object>> calls) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Map<String, Object> call : calls) {
            counts.merge(call.get("role") + "/" + call.get("kind") + "/" + call.get("outcome"), 1, Integer::sum);
        }
        return counts;
    }

    /** Whether the service's Kafka consumer metrics show the agent-events channel holding a partition. */
    private static Optional<Boolean> readsAgentEvents(ServiceProcess orchestrator) {
        try {
            String metrics = api(orchestrator).get("/q/metrics").asString();
            return metrics.lines()
                    .filter(l -> l.startsWith("kafka_consumer_coordinator_assigned_partitions") && l.contains("agent-events"))
                    .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0)
                    .reduce(Boolean::logicalOr);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---- the stack

    private static RequestSpecification api(ServiceProcess service) {
        return given().config(HTTP).baseUri(service.url());
    }

    private static RequestSpecification simulator() {
        return api(stack.simulator);
    }

    private static String submit(ServiceProcess orchestrator, String description) {
        return api(orchestrator).contentType(ContentType.JSON).body(Map.of("description", description))
                .post("/api/tasks").then().statusCode(201).extract().path("id");
    }

    /** A person's write (an operator's token, no subtask): unfenced, recorded under the token's name. */
    private static int publish(String taskId, String key, String content, Long baseVersion) {
        Map<String, Object> body = new HashMap<>(Map.of("key", key, "kind", "note", "content", content));
        if (baseVersion != null) {
            body.put("baseVersion", baseVersion);
        }
        return api(stack.contextStore).header("Authorization", TestTokens.bearer(TestTokens.operator()))
                .contentType(ContentType.JSON).body(body).post("/api/tasks/" + taskId + "/artifacts").statusCode();
    }

    /** Cancels every task that is not finished, so that nothing from an earlier scenario calls the models. */
    private static void cancelOpenTasks() {
        for (String status : OPEN_STATUSES) {
            try {
                List<String> ids = api(stack.orchestrator).queryParam("status", status).queryParam("size", 200)
                        .get("/api/tasks").then().statusCode(200).extract().jsonPath().getList("id");
                for (String id : ids) {
                    api(stack.orchestrator).post("/api/tasks/" + id + "/cancel");
                }
            } catch (RuntimeException | AssertionError e) {
                System.out.println("could not cancel the open " + status + " tasks: " + e);
            }
        }
    }

    /** Default model speeds, no fault rules, no call in flight (bounded), an empty call log. */
    private static void resetSimulator() {
        for (String model : changedModels) {
            simulator().delete("/sim/models/" + model);
        }
        changedModels.clear();
        simulator().delete("/sim/faults").then().statusCode(204);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline
                && simulator().get("/sim/counters").then().extract().jsonPath().getInt("active") > 0) {
            pause(Duration.ofMillis(250));
        }
        simulator().delete("/sim/calls").then().statusCode(204);
    }

    /** Answers of this model take 200 tokens at this pace. */
    private static void slowModel(String model, int tokensPerSecond) {
        simulator().contentType(ContentType.JSON).body(Map.of("tokensPerSecond", tokensPerSecond, "answerTokens", 200))
                .put("/sim/models/" + model).then().statusCode(200);
        changedModels.add(model);
    }

    private static void resetModel(String model) {
        simulator().delete("/sim/models/" + model).then().statusCode(200);
        changedModels.remove(model);
    }

    // ---- tasks

    /** A task as GET /api/tasks/{id} shows it. */
    record TaskView(String json, JsonPath path) {
        String id() {
            return path.getString("id");
        }

        String status() {
            return path.getString("status");
        }

        String statusReason() {
            return path.getString("statusReason");
        }

        Instant instant(String gpath) {
            String value = path.getString(gpath);
            return value == null ? null : Instant.parse(value);
        }

        /** When the task finished, if it ended in this status. */
        Instant finishedAtIf(String status) {
            return status.equals(status()) ? instant("finishedAt") : null;
        }
    }

    private static TaskView view(ServiceProcess orchestrator, String id) {
        Response r = api(orchestrator).get("/api/tasks/" + id);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /api/tasks/" + id + ": HTTP " + r.statusCode() + " " + r.asString());
        }
        String json = r.asString();
        return new TaskView(json, JsonPath.from(json));
    }

    /**
     * Waits until the task has finished, reading it from whichever orchestrator {@code orchestrator} names at the
     * time (it may be restarting); returns the last view read, finished or not, or null if none could be read.
     */
    private static TaskView awaitFinal(Supplier<ServiceProcess> orchestrator, String id) {
        long deadline = System.nanoTime() + TASK_TIMEOUT.toNanos();
        TaskView last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = view(orchestrator.get(), id);
                if (!OPEN_STATUSES.contains(last.status())) {
                    return last;
                }
            } catch (RuntimeException e) {
                // away or restarting: ask again
            }
            pause(Duration.ofMillis(500));
        }
        return last;
    }

    /** Waits until all these subtasks run at once; fails with the task view if they do not. */
    private static TaskView awaitRunning(String id, List<String> keys) {
        long deadline = System.nanoTime() + AGENTS_TIMEOUT.toNanos();
        TaskView last = null;
        while (System.nanoTime() < deadline) {
            last = view(stack.orchestrator, id);
            TaskView now = last;
            if (keys.stream().allMatch(k -> "running".equals(now.path().getString("subtasks.find { it.key == '" + k + "' }.status")))) {
                return last;
            }
            if (!OPEN_STATUSES.contains(last.status())) {
                break;
            }
            pause(Duration.ofMillis(200));
        }
        assertNotNull(last);
        throw new AssertionError("subtasks " + keys + " of task " + id + " were not running together within "
                + AGENTS_TIMEOUT.toSeconds() + " s; task view: " + last.json());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String abbreviate(String text, int max) {
        if (text == null) {
            return "null";
        }
        return text.length() <= max ? text : text.substring(0, max) + "… (" + text.length() + " chars)";
    }
}
