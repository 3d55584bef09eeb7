package dev.cohort.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives a Quarkus application under test a fresh database on the tests' real PostgreSQL server.
 * Init argument {@code database}: its name (one per module, so parallel builds do not clash).
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private String name = "cohort_test";

    @Override
    public void init(Map<String, String> initArgs) {
        name = initArgs.getOrDefault("database", name);
    }

    @Override
    public Map<String, String> start() {
        CohortInfra.Database db = CohortInfra.freshDatabase(name);
        return Map.of(
                "quarkus.datasource.jdbc.url", db.jdbcUrl(),
                "quarkus.datasource.reactive.url", db.reactiveUrl(),
                "quarkus.datasource.username", db.user(),
                "quarkus.datasource.password", db.password());
    }

    @Override
    public void stop() {
        // The server is shared by every test of this JVM and stops with it.
    }
}
