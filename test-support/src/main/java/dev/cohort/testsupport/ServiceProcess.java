package dev.cohort.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Cohort service ({@code target/quarkus-app/quarkus-run.jar}) run as its own process, as in production,
 * with its output in {@code target/system-logs/<name>.log}. For tests that need several services at once, or that
 * kill one mid-task.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Processes still running; a test JVM that ends (even killed by its build) takes them with it. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "service-process-reaper"));
    }

    private final String module;
    private final String name;
    private final Map<String, String> env;
    private final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(String module, String name, Map<String, String> env, int port, Process process, Path log) {
        this.module = module;
        this.name = name;
        this.env = Map.copyOf(env);
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a service module's packaged application with the given environment and waits until it is ready.
     *
     * @param module the module directory name, e.g. {@code orchestrator-service}
     * @param name   a name for this instance, used for its log file
     * @param env    configuration as environment variables, e.g. {@code KAFKA_BOOTSTRAP_SERVERS}
     */
    public static ServiceProcess start(String module, String name, Map<String, String> env) {
        Path root = Path.of(System.getProperty("cohort.root", "..")).toAbsolutePath().normalize();
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first (mvn package)");
        }
        int port = env.containsKey("QUARKUS_HTTP_PORT") ? Integer.parseInt(env.get("QUARKUS_HTTP_PORT")) : Ports.free();
        Path logDir = Path.of("target", "system-logs");
        Path log = logDir.resolve(name + ".log");
        try {
            Files.createDirectories(logDir);
            // A restarted instance appends to the same log; the marker shows where each run begins.
            Files.writeString(log, "---- " + name + " starting on port " + port + " at " + Instant.now() + " ----\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // A JVM that crashes leaves its report beside its log, where a failed test points.
                "-XX:ErrorFile=" + crashReport(logDir.toAbsolutePath(), name, "%p"),
                "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = new HashMap<>(env);
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(port)); // a given port, or a free one
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            ServiceProcess service = new ServiceProcess(module, name, environment, port, process, log);
            service.awaitReady(Duration.ofSeconds(120));
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + module, e);
        }
    }

    /**
     * The environment that points a service at the tests' broker and, if given, a fresh database, and has it verify
     * {@link TestTokens}.
     */
    public static Map<String, String> infraEnv(CohortInfra.Database db) {
        Map<String, String> env = new HashMap<>(TestTokens.verificationEnv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", CohortInfra.kafkaBootstrapServers());
        if (db != null) {
            env.put("QUARKUS_DATASOURCE_REACTIVE_URL", db.reactiveUrl());
            env.put("QUARKUS_DATASOURCE_JDBC_URL", db.jdbcUrl());
            env.put("QUARKUS_DATASOURCE_USERNAME", db.user());
            env.put("QUARKUS_DATASOURCE_PASSWORD", db.password());
        }
        return env;
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * How the process ended, for a failure message: its exit code (the signal, where one ended it), whether the JVM
     * left a crash report, and the last lines of its log; {@code "running"} while it runs.
     */
    public String exitReport() {
        if (process.isAlive()) {
            return "running";
        }
        int code = process.exitValue();
        StringBuilder report = new StringBuilder("exited with ").append(code);
        if (code > 128) {
            report.append(" (signal ").append(code - 128).append(switch (code - 128) {
                case 9 -> ", SIGKILL: killed, by a test or the kernel";
                case 15 -> ", SIGTERM: asked to stop";
                case 6 -> ", SIGABRT: the JVM aborted";
                case 7, 11 -> ", the JVM crashed";
                default -> "";
            }).append(')');
        }
        Path crash = crashReport(log.getParent(), name, Long.toString(process.pid()));
        if (Files.exists(crash)) {
            report.append("; crash report ").append(crash.toAbsolutePath());
        }
        report.append("; the end of ").append(log.toAbsolutePath()).append(":\n");
        logTail(20).forEach(line -> report.append("  ").append(line).append('\n'));
        return report.toString();
    }

    /** Where the JVM of the instance {@code name} with process id {@code pid} writes its crash report. */
    private static Path crashReport(Path logDir, String name, String pid) {
        return logDir.resolve(name + "-hs_err_pid" + pid + ".log");
    }

    /** The last {@code lines} lines of this service's log, each cut to 300 characters. */
    private List<String> logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
                    .map(line -> line.length() > 300 ? line.substring(0, 300) + "…" : line).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of("(the log cannot be read: " + e + ")");
        }
    }

    /**
     * Starts this service again after {@link #kill()} or {@link #close()}: the same module, environment and port (so
     * clients that know its address find it again), logging to the same file; waits until it is ready.
     */
    public ServiceProcess startAgain() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running; kill or close it first");
        }
        return start(module, name, env);
    }

    /** Ends the process at once, as a crash or {@code kill -9} would: no shutdown hooks, nothing acknowledged. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Asks the process to shut down cleanly. */
    @Override
    public void close() {
        process.destroy();
        if (!waitFor()) {
            kill();
        }
    }

    private boolean waitFor() {
        try {
            return process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(10)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " did not start: " + exitReport());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
        kill();
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log.toAbsolutePath());
    }
}
