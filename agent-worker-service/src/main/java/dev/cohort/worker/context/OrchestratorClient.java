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
import java.util.Arrays;
import org.eclipse.microprofile.config.ConfigProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the orchestrator whether a dispatch should still run. A share group delivers a record again when its lock
 * runs out (a long model call, a broker restart) or its consumer went away: by then the attempt may have been
 * reclaimed, its task ended, or it may be running on another live worker. Running it would spend tokens on a result
 * that fencing discards, or call the model a second time for the same attempt.
 */
@ApplicationScoped
public class OrchestratorClient {

    @Path("/api/tasks")
    @Produces(MediaType.APPLICATION_JSON)
    public interface TasksApi {
        @GET
        @Path("{id}")
        Response task(@PathParam("id") String id);

        @GET
        @Path("{id}/subtasks/{subtask}")
        Response subtask(@PathParam("id") String id, @PathParam("subtask") String subtask);

        @GET
        @Path("{id}/messages")
        Response messages(@PathParam("id") String id);
    }

    /** One client per orchestrator address, asked in turn starting with the one that answered last. */
    private final List<TasksApi> replicas;
    private final AtomicInteger preferred = new AtomicInteger();

    public OrchestratorClient(WorkerConfig config) {
        this.replicas = addresses(config.orchestratorUrl()).stream()
                .map(url -> QuarkusRestClientBuilder.newBuilder()
                        .baseUri(URI.create(url))
                        .connectTimeout(timeout("connect-timeout", 3000), TimeUnit.MILLISECONDS)
                        .readTimeout(timeout("read-timeout", 10000), TimeUnit.MILLISECONDS)
                        .register(new ServiceToken(config))
                        .property("microprofile.rest.client.disable.default.mapper", true)
                        .build(TasksApi.class))
                .toList();
    }

    /**
     * A timeout of the orchestrator's clients, in ms, from {@code quarkus.rest-client.orchestrator.*} like every other
     * REST client's: the addresses are several ({@code cohort.worker.orchestrator-url}), so the clients are built here.
     */
    private static long timeout(String name, long fallback) {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.rest-client.orchestrator." + name, Long.class)
                .orElse(fallback);
    }

    /** The comma-separated addresses of {@code cohort.worker.orchestrator-url}, at least one. */
    static List<String> addresses(String urls) {
        List<String> addresses = Arrays.stream(urls.split(",")).map(String::strip).filter(u -> !u.isEmpty()).toList();
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("cohort.worker.orchestrator-url names no address: '" + urls + "'");
        }
        return addresses;
    }

    /** Whether to run a dispatch, and why (not); {@code answered} is false when the orchestrator could not say. */
    public record Verdict(boolean runs, String reason, boolean answered) {
        public static Verdict run(String why) {
            return new Verdict(true, why, true);
        }

        static Verdict skip(String why) {
            return new Verdict(false, why, true);
        }

        static Verdict unanswered(String why) {
            return new Verdict(true, why, false);
        }
    }

    /**
     * Runs a dispatch that is its subtask's current attempt and either waits for a worker ({@code dispatched}) or is
     * {@code running} under {@code agentId}, this worker's own: the caller has made sure no run in this process holds
     * it, so the run that started it died with an earlier process of this worker. An attempt running under another
     * agent is left to it. An address that cannot answer (its replica is gone, or its database away) passes the
     * question to the next one; when none can, the verdict says so and the caller decides.
     */
    public Verdict stillCurrent(SubtaskDispatch d, String agentId) {
        int first = preferred.get();
        Verdict verdict = null;
        for (int i = 0; i < replicas.size(); i++) {
            int index = (first + i) % replicas.size();
            verdict = ask(replicas.get(index), d, agentId);
            if (verdict.answered()) {
                preferred.set(index);
                return verdict;
            }
        }
        return verdict;
    }

    /**
     * The text of the answer to a question (a message whose {@code inReplyTo} is the question's id), if one has been
     * stored; empty also when no orchestrator could say.
     */
    public Optional<String> answer(String taskId, String questionId) {
        for (TasksApi api : replicas) {
            try (Response response = api.messages(taskId)) {
                if (response.getStatus() != 200) {
                    continue;
                }
                for (JsonNode message : response.readEntity(JsonNode.class)) {
                    if (questionId.equals(message.path("inReplyTo").asText(null))) {
                        return Optional.of(message.path("text").asText(""));
                    }
                }
                return Optional.empty();
            } catch (RuntimeException e) {
                Log.debugf("Could not read the messages of task %s: %s", taskId, e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static Verdict ask(TasksApi api, SubtaskDispatch d, String agentId) {
        // The subtask alone first; the whole task when that is not found, to tell an unknown task from an unknown
        // subtask (or an orchestrator without the narrow endpoint).
        try (Response response = api.subtask(d.taskId(), d.subtaskId())) {
            if (response.getStatus() == 200) {
                return verdict(d, agentId, response.readEntity(JsonNode.class));
            }
            if (response.getStatus() != 404) {
                Log.debugf("The orchestrator answered %d about subtask %s; running it", response.getStatus(),
                        d.subtaskId());
                return Verdict.unanswered("the orchestrator answered " + response.getStatus());
            }
        } catch (RuntimeException e) {
            Log.debugf("Could not ask the orchestrator about %s: %s; running it", d.subtaskId(), e.getMessage());
            return Verdict.unanswered("the orchestrator could not be asked: " + e.getMessage());
        }
        try (Response response = api.task(d.taskId())) {
            if (response.getStatus() == 404) {
                return Verdict.skip("the orchestrator does not know task " + d.taskId());
            }
            if (response.getStatus() != 200) {
                Log.debugf("The orchestrator answered %d about task %s; running %s", response.getStatus(),
                        d.taskId(), d.subtaskId());
                return Verdict.unanswered("the orchestrator answered " + response.getStatus());
            }
            JsonNode task = response.readEntity(JsonNode.class);
            for (JsonNode s : task.path("subtasks")) {
                if (d.subtaskId().equals(s.path("id").asText())) {
                    return verdict(d, agentId, s);
                }
            }
            return Verdict.skip("task " + d.taskId() + " has no subtask " + d.subtaskId());
        } catch (RuntimeException e) {
            Log.debugf("Could not ask the orchestrator about %s: %s; running it", d.subtaskId(), e.getMessage());
            return Verdict.unanswered("the orchestrator could not be asked: " + e.getMessage());
        }
    }

    private static Verdict verdict(SubtaskDispatch d, String agentId, JsonNode subtask) {
        String status = subtask.path("status").asText();
        int attempt = subtask.path("attempt").asInt();
        if (attempt != d.attempt()) {
            return Verdict.skip("attempt " + attempt + " is current (" + status + ")");
        }
        if (status.equals("dispatched")) {
            return Verdict.run("waiting for a worker");
        }
        if (status.equals("running")) {
            String runningOn = subtask.path("agentId").asText("");
            if (runningOn.isEmpty() || runningOn.equals(agentId)) {
                return Verdict.run("running under this worker's name, which no run here holds");
            }
            return Verdict.skip("it is running on " + runningOn);
        }
        return Verdict.skip("the subtask is " + status);
    }
}
