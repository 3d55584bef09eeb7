package dev.cohort.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, with share groups
 * switched on. Its ports and log directory are fixed at construction, so {@link #stop()} and {@link #start()}
 * take it away and bring it back at the same address with its data, as a restarted broker would.
 *
 * <p>This uses Kafka's server classes directly; they are not a stable API, so this class is the only place that does.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final int port = Ports.free();
    private final int controllerPort = Ports.free();
    private final Path logDir;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker() {
        this(Map.of());
    }

    /** @param overrides broker properties that replace the defaults below */
    public EmbeddedKafkaBroker(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
        try {
            this.logDir = Files.createTempDirectory("cohort-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** Formats the log directory on first start, then starts the broker and waits until it answers. */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        KafkaConfig config = new KafkaConfig(properties(), false);
        try {
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + logDir, e);
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady();
        return this;
    }

    /** Stops the broker; clients see it as unreachable until {@link #start()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(logDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "3");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Share-group locks long enough for a model call in tests, short enough that a record taken by a crashed
        // consumer comes back within seconds.
        p.put("group.share.min.record.lock.duration.ms", "1000");
        p.put("group.share.record.lock.duration.ms", "15000");
        // A consumer that died gives its share of the partitions to the live ones within seconds, as configured for
        // the local stack, docker-compose and Kubernetes.
        p.put("group.share.min.session.timeout.ms", "6000");
        p.put("group.share.session.timeout.ms", "10000");
        p.put("group.share.min.heartbeat.interval.ms", "1000");
        p.put("group.share.heartbeat.interval.ms", "2000");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.putAll(overrides);
        return p;
    }

    private void format(KafkaConfig config) throws Exception {
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(java.util.List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setFeatureLevel("share.version", (short) 1)
                .run();
    }

    private void awaitReady() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, java.util.concurrent.TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " did not start", e);
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }
}
