package dev.cohort.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server (binaries from Maven Central) on a fixed loopback port, with a data directory that
 * survives {@link #stop()} and {@link #start()}, so a test can take the database away and bring it back.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private final int port = Ports.free();
    private final Path dataDir;
    private EmbeddedPostgres postgres;

    public EmbeddedPostgresServer() {
        try {
            this.dataDir = Files.createTempDirectory("cohort-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized EmbeddedPostgresServer start() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setPort(port)
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL on port " + port, e);
            }
        }
        return this;
    }

    public synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
            } finally {
                postgres = null;
            }
        }
    }

    public synchronized boolean running() {
        return postgres != null;
    }

    /** JDBC URL of the server's maintenance database, as user {@code postgres} without a password. */
    public String adminJdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
