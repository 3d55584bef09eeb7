package dev.cohort.orchestrator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.orchestrator.mcp.ContextStoreStub;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads retried while the context store is away, refusals not, and its circuit breaker. */
@QuarkusTest
class ContextStoreClientTest {

    @Inject
    ContextStoreClient client;

    @Inject
    CircuitBreakerMaintenance breakers;

    @ConfigProperty(name = "quarkus.rest-client.context-store.url")
    String storeUrl;

    @BeforeEach
    @AfterEach
    void closeBreakers() {
        // An open breaker would fail other tests' reads for its whole delay.
        breakers.resetAll();
    }

    @Test
    void aReadIsRetriedAfterTheStoreWasUnavailableOnce() throws Exception {
        JsonNode list = client.artifacts(ContextStoreStub.UNAVAILABLE_ONCE_TASK, null).await().atMost(Duration.ofSeconds(10));
        assertEquals(2, list.size());
        assertEquals(2, requests(ContextStoreStub.UNAVAILABLE_ONCE_TASK));
    }

    @Test
    void aRefusalIsNotRetried() throws Exception {
        int before = requests(ContextStoreStub.EMPTY_TASK);
        ContextStoreException e = assertThrows(ContextStoreException.class,
                () -> client.artifacts(ContextStoreStub.EMPTY_TASK, "never/").await().atMost(Duration.ofSeconds(10)));
        assertFalse(e instanceof ContextStoreUnavailableException, e.getMessage());
        assertTrue(e.getMessage().startsWith("the context store has no artifacts"), e.getMessage());
        assertEquals(1, requests(ContextStoreStub.EMPTY_TASK) - before);
    }

    @Test
    void anOpenBreakerFailsReadsAtOnceWithoutCallingTheStore() throws Exception {
        String task = ContextStoreStub.UNAVAILABLE_TASK;
        // Each read tries three times; two reads are more than the breaker's window of 4 calls needs.
        assertInstanceOf(ContextStoreUnavailableException.class, failure(task));
        assertTrue(failure(task).getMessage().contains("tries it again in a few seconds"));
        int calls = requests(task);

        long start = System.nanoTime();
        ContextStoreException e = failure(task);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals("the context store is not reachable at " + storeUrl + " (set quarkus.rest-client.context-store.url):"
                + " its last calls failed, so the orchestrator tries it again in a few seconds", e.getMessage());
        assertEquals(calls, requests(task), "the open breaker keeps reads from the store");
        assertTrue(millis < 2000, "failed at once, not after a timeout: " + millis + " ms");
    }

    private ContextStoreException failure(String task) {
        return assertThrows(ContextStoreException.class,
                () -> client.artifact(task, "docs/design.md", null).await().atMost(Duration.ofSeconds(10)));
    }

    private int requests(String task) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(storeUrl + "/__requests?task=" + task)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Integer.parseInt(response.body());
    }
}
