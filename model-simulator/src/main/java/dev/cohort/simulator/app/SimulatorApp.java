package dev.cohort.simulator.app;

import dev.cohort.simulator.http.SimulatorRoutes;
import dev.cohort.simulator.service.Simulator;
import io.quarkus.logging.Log;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Puts the simulator's routes on the Quarkus HTTP server. */
@Singleton
public class SimulatorApp {

    private final Simulator simulator;

    public SimulatorApp(SimulatorConfig config) {
        this.simulator = new Simulator(config.toSettings());
    }

    void routes(@Observes Router router) {
        SimulatorRoutes.install(router, simulator);
        Log.infof("Model simulator ready: Ollama API at /api, OpenAI-compatible API at /v1 and /api/v1, control at /sim."
                + " It is a simulator with scripted answers, not a model.");
    }
}
