package dev.cohort.simulator;

import dev.cohort.simulator.http.SimulatorRoutes;
import dev.cohort.simulator.service.Simulator;
import dev.cohort.simulator.service.SimulatorSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The simulator on a Vert.x HTTP server of its own, outside Quarkus: how other modules' tests run it in-process
 * (depend on {@code cohort-model-simulator} with classifier {@code embedded}). The Quarkus application serves the
 * same routes on its own HTTP server.
 */
public final class SimulatorServer implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;
    private final Simulator simulator;

    private SimulatorServer(Vertx vertx, HttpServer server, Simulator simulator) {
        this.vertx = vertx;
        this.server = server;
        this.simulator = simulator;
    }

    /** Starts on {@code port} of the loopback interface (0: any free port) and waits until it listens. */
    public static SimulatorServer start(int port, SimulatorSettings settings) {
        Vertx vertx = Vertx.vertx();
        Simulator simulator = new Simulator(settings);
        Router router = Router.router(vertx);
        SimulatorRoutes.install(router, simulator);
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new SimulatorServer(vertx, server, simulator);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the model simulator could not listen on port " + port, e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}: the Ollama base URL; add {@code /v1} for the OpenAI protocol. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public Simulator simulator() {
        return simulator;
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the model simulator did not stop", e);
        }
    }
}
