package dev.cohort.worker.model.ollama;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.common.util.RestMediaType;

/**
 * Ollama's chat endpoint. Answers are read as text and parsed by {@link OllamaWireFormat}, so a line that is not
 * what Ollama documents is reported as such rather than lost in a deserializer.
 */
@Path("/api/chat")
public interface OllamaApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<String> chat(OllamaChatRequest request);

    /** One element per NDJSON line. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(RestMediaType.APPLICATION_NDJSON)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    Multi<String> chatStream(OllamaChatRequest request);
}
