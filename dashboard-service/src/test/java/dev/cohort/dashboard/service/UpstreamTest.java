package dev.cohort.dashboard.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

class UpstreamTest {

    private final Upstream upstream = new Upstream("context store", "http://cs:8081", "cohort.dashboard.context-store-url",
            UpstreamTest::unguarded);

    @Test
    void noAnswerInTimeIs504() {
        // What the REST client fails with when its read-timeout passes.
        DashboardException e = failure(new ProcessingException(
                new NoStackTraceTimeoutException("The timeout period of 10000ms has been exceeded")));
        assertEquals(504, e.status());
        assertEquals("The context store did not answer in time to read tasks/t1/conflicts", e.getMessage());
    }

    @Test
    void noAnswerAtAllIs503AndNamesTheSetting() {
        DashboardException e = failure(new ProcessingException(new ConnectException("Connection refused")));
        assertEquals(503, e.status());
        assertEquals("The context store is not reachable, so the dashboard could not read tasks/t1/conflicts",
                e.getMessage());
        assertTrue(e.detail().contains("http://cs:8081 (cohort.dashboard.context-store-url): Connection refused"),
                e.detail());
    }

    @Test
    void onlyNoAnswerAndAProxysAnswerForAnAbsentServiceAreUnavailable() {
        assertTrue(failure(new ProcessingException(new ConnectException("Connection refused")))
                instanceof UpstreamUnavailableException);
        for (int status : new int[] {502, 503, 504}) {
            DashboardException e = answer(status);
            assertTrue(e instanceof UpstreamUnavailableException, "HTTP " + status);
            assertEquals(502, e.status());
        }
        for (int status : new int[] {400, 401, 403, 404, 409, 500}) {
            assertFalse(answer(status) instanceof UpstreamUnavailableException, "HTTP " + status);
        }
    }

    @Test
    void anOpenBreakerIs503AndSaysTheServiceIsTriedAgain() {
        Upstream open = new Upstream("context store", "http://cs:8081", "cohort.dashboard.context-store-url",
                UpstreamTest::open);
        DashboardException e = assertThrows(DashboardException.class, () -> open.call("read tasks/t1/conflicts",
                () -> Uni.createFrom().item(Response.ok().build()), Response::getStatus).await().indefinitely());
        assertEquals(503, e.status());
        assertFalse(e instanceof UpstreamUnavailableException, "a held-back call is not retried");
        assertEquals("The context store is not reachable, so the dashboard could not read tasks/t1/conflicts; "
                + "it tries the context store again in a few seconds", e.getMessage());
        assertTrue(e.detail().contains("http://cs:8081 (cohort.dashboard.context-store-url)"), e.detail());
    }

    private DashboardException failure(Throwable failure) {
        return call(Uni.createFrom().failure(failure));
    }

    private DashboardException answer(int status) {
        return call(Uni.createFrom().item(Response.status(status).build()));
    }

    private DashboardException call(Uni<Response> request) {
        return assertThrows(DashboardException.class,
                () -> upstream.call("read tasks/t1/conflicts", () -> request, Response::getStatus).await().indefinitely());
    }

    private static <T> Uni<T> unguarded(Supplier<Uni<T>> call) {
        return call.get();
    }

    private static <T> Uni<T> open(Supplier<Uni<T>> call) {
        return Uni.createFrom().failure(new CircuitBreakerOpenException("open"));
    }
}
