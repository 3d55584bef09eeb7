package dev.cohort.worker.context;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.worker.config.WorkerConfig;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Asks the orchestrator whether a dispatch is still the current attempt of its subtask. A share group may deliver
 * a record again after its attempt was reclaimed or its task ended; running it would only spend tokens on a result
 * that fencing then discards.
 */
@ApplicationScoped
public class OrchestratorClient {

    @Path("/api/tasks")
    @Produces(MediaType.APPLICATION_JSON)
    public interface TasksApi {
        @GET
        @Path("{id}")
        Response task(@PathParam("id") String id);
    }

    private final TasksApi api;

    public OrchestratorClient(WorkerConfig config) {
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.orchestratorUrl()))
                .connectTimeout(3, TimeUnit.SECONDS)
                .readTimeout(10, TimeUnit.SECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(TasksApi.class);
    }

    /** False only when the orchestrator says the attempt is over; when it cannot be asked, the attempt runs. */
    public boolean stillCurrent(SubtaskDispatch d) {
        try (Response response = api.task(d.taskId())) {
            if (response.getStatus() != 200) {
                return response.getStatus() != 404;
            }
            JsonNode task = response.readEntity(JsonNode.class);
            for (JsonNode s : task.path("subtasks")) {
                if (d.subtaskId().equals(s.path("id").asText())) {
                    String status = s.path("status").asText();
                    return s.path("attempt").asInt() == d.attempt()
                            && (status.equals("dispatched") || status.equals("running"));
                }
            }
            return false;
        } catch (RuntimeException e) {
            Log.debugf("Could not ask the orchestrator about %s: %s; running it", d.subtaskId(), e.getMessage());
            return true;
        }
    }
}
