package dev.cohort.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;

/**
 * The real Kafka broker and PostgreSQL server that tests run against, one of each per test JVM.
 *
 * <p>By default both run embedded in this JVM. Point them elsewhere with environment variables:
 * {@code COHORT_TEST_KAFKA_BOOTSTRAP} (a broker with share groups enabled) and {@code COHORT_TEST_POSTGRES_URL}
 * (a JDBC URL of a maintenance database, with {@code COHORT_TEST_POSTGRES_USER} and
 * {@code COHORT_TEST_POSTGRES_PASSWORD}); tests then create their own databases there.
 */
public final class CohortInfra {

    public static final String KAFKA_ENV = "COHORT_TEST_KAFKA_BOOTSTRAP";
    public static final String POSTGRES_ENV = "COHORT_TEST_POSTGRES_URL";

    private static EmbeddedKafkaBroker embeddedKafka;
    private static Map<String, String> embeddedKafkaOverrides = Map.of();
    private static EmbeddedPostgresServer embeddedPostgres;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(CohortInfra::shutdown, "cohort-infra-shutdown"));
    }

    private CohortInfra() {
    }

    /** The bootstrap servers of the tests' broker, starting the embedded one on first use. */
    public static synchronized String kafkaBootstrapServers() {
        String external = System.getenv(KAFKA_ENV);
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (embeddedKafka == null) {
            embeddedKafka = new EmbeddedKafkaBroker(embeddedKafkaOverrides).start();
        }
        return embeddedKafka.bootstrapServers();
    }

    /**
     * Broker properties that replace the embedded broker's defaults in this JVM, e.g. the share-group record lock of
     * a deployment. Call before the broker's first use; an external broker ignores them.
     */
    public static synchronized void configureEmbeddedKafka(Map<String, String> overrides) {
        if (embeddedKafka != null && !embeddedKafkaOverrides.equals(overrides)) {
            throw new IllegalStateException("the embedded broker already runs with " + embeddedKafkaOverrides
                    + "; configure it before its first use");
        }
        embeddedKafkaOverrides = Map.copyOf(overrides);
    }

    /** The embedded broker, for tests that stop and restart it; empty when an external broker is configured. */
    public static synchronized Optional<EmbeddedKafkaBroker> embeddedKafka() {
        kafkaBootstrapServers();
        return Optional.ofNullable(embeddedKafka);
    }

    /** The embedded PostgreSQL, for tests that stop and restart it; empty when an external server is configured. */
    public static synchronized Optional<EmbeddedPostgresServer> embeddedPostgres() {
        adminJdbcUrl();
        return Optional.ofNullable(embeddedPostgres);
    }

    /**
     * Creates an empty database with this name (dropping an old one of that name) and returns how to reach it.
     */
    public static Database freshDatabase(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("database name must be lower-case letters, digits and _: " + name);
        }
        String admin = adminJdbcUrl();
        try (Connection c = DriverManager.getConnection(admin, user(), password());
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " at " + admin, e);
        }
        String hostPortAndDb = admin.replaceFirst("^jdbc:postgresql://", "").replaceFirst("/[^/?]*(\\?.*)?$", "/" + name);
        return new Database("jdbc:postgresql://" + hostPortAndDb, "postgresql://" + hostPortAndDb,
                user(), password());
    }

    private static synchronized String adminJdbcUrl() {
        String external = System.getenv(POSTGRES_ENV);
        if (external != null && !external.isBlank()) {
            return external;
        }
        if (embeddedPostgres == null) {
            embeddedPostgres = new EmbeddedPostgresServer().start();
        }
        return embeddedPostgres.adminJdbcUrl().replace("?user=postgres", "");
    }

    private static String user() {
        return Optional.ofNullable(System.getenv("COHORT_TEST_POSTGRES_USER")).orElse("postgres");
    }

    private static String password() {
        return Optional.ofNullable(System.getenv("COHORT_TEST_POSTGRES_PASSWORD")).orElse("postgres");
    }

    private static synchronized void shutdown() {
        if (embeddedKafka != null) {
            embeddedKafka.close();
        }
        if (embeddedPostgres != null) {
            embeddedPostgres.close();
        }
    }

    /** Where a test database is, as JDBC and as Vert.x reactive client URLs. */
    public record Database(String jdbcUrl, String reactiveUrl, String user, String password) {
    }
}
