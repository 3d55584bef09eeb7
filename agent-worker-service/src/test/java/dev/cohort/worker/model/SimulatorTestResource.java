package dev.cohort.worker.model;

import dev.cohort.simulator.SimulatorServer;
import dev.cohort.simulator.service.ModelSettings;
import dev.cohort.simulator.service.SimulatorSettings;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.util.Map;

/**
 * Runs the model simulator in the test JVM on a free port, over real HTTP, and points both providers at it: Ollama
 * at its root, OpenRouter at its {@code /api/v1} prefix (the path OpenRouter itself uses).
 */
public class SimulatorTestResource implements QuarkusTestResourceLifecycleManager {

    private static SimulatorServer server;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            // Fast models so tests are quick; tests that need slowness set it with PUT /sim/models/{model}.
            server = SimulatorServer.start(0, new SimulatorSettings(
                    new ModelSettings(5L, 4000.0, 0, 16, 60, null, null), Map.of(), null));
        }
        return Map.of(
                "cohort.providers.ollama.url", server.url(),
                "cohort.providers.openrouter.url", server.url() + "/api/v1",
                "cohort.retry.initial-backoff", "20ms",
                "cohort.retry.max-backoff", "200ms",
                "cohort.retry.max-retry-after", "5s");
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM; it stops with the JVM.
    }

    public static String url() {
        return server.url();
    }

    /** Clears faults, the call log and runtime model settings changed by earlier tests. */
    public static void reset() {
        RestAssured.given().baseUri(url()).delete("/sim/faults").then().statusCode(204);
        RestAssured.given().baseUri(url()).delete("/sim/calls").then().statusCode(204);
        server.simulator().models().keySet().forEach(server.simulator()::reset);
    }

    /** Adds a fault rule through the control API. */
    public static void fault(String json) {
        RestAssured.given().baseUri(url()).contentType(ContentType.JSON).body(json).post("/sim/faults")
                .then().statusCode(201);
    }

    /** Changes a model's settings through the control API. */
    public static void model(String model, String json) {
        RestAssured.given().baseUri(url()).contentType(ContentType.JSON).body(json).put("/sim/models/" + model)
                .then().statusCode(200);
    }
}
