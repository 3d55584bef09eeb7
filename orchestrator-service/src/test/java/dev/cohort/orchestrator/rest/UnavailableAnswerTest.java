package dev.cohort.orchestrator.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

/** A request that meets the database away is told to come back (503, Retry-After), not that the orchestrator failed. */
class UnavailableAnswerTest {

    @Test
    void aDatabaseThatCannotBeReachedIsA503WithRetryAfter() {
        Response response = new ErrorMappers().unexpected(new HibernateException(
                "HR000092: Unable to open a connection to the database", new ConnectException("Connection refused")));
        assertEquals(503, response.getStatus());
        assertEquals(String.valueOf(ErrorMappers.RETRY_AFTER_SECONDS), response.getHeaderString("Retry-After"));
    }

    @Test
    void anyOtherFailureIsStillA500() {
        Response response = new ErrorMappers().unexpected(new IllegalStateException("a bug"));
        assertEquals(500, response.getStatus());
        assertEquals(null, response.getHeaderString("Retry-After"));
    }
}
