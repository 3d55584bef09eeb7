package dev.cohort.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The embedded PostgreSQL is a real server that keeps its data across a stop and start. */
class EmbeddedInfraTest {

    @Test
    void postgresKeepsItsDataAcrossARestartAtTheSameAddress() throws Exception {
        CohortInfra.Database db = CohortInfra.freshDatabase("infra_restart");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.createStatement().execute("CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')");
        }
        EmbeddedPostgresServer pg = CohortInfra.embeddedPostgres().orElseThrow();

        pg.stop();
        assertThrows(SQLException.class, () -> DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()));
        pg.start();

        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t")) {
            rs.next();
            assertEquals("kept", rs.getString(1));
            assertEquals(17, c.getMetaData().getDatabaseMajorVersion());
        }
    }
}
