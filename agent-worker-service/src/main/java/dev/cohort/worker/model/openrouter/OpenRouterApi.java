package dev.cohort.worker.model.openrouter;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * OpenAI-compatible chat completions, relative to a base URL such as {@code https://openrouter.ai/api/v1}.
 * A null header is not sent.
 */
@Path("/chat/completions")
public interface OpenRouterApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<String> chat(@HeaderParam("Authorization") String authorization,
                     @HeaderParam("HTTP-Referer") String referer,
                     @HeaderParam("X-Title") String title,
                     ChatCompletionRequest request);

    /** One element per SSE event's data; comments ({@code : OPENROUTER PROCESSING}) are skipped by the client. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    Multi<String> chatStream(@HeaderParam("Authorization") String authorization,
                             @HeaderParam("HTTP-Referer") String referer,
                             @HeaderParam("X-Title") String title,
                             ChatCompletionRequest request);
}
