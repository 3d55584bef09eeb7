package dev.cohort.dashboard.rest;

import dev.cohort.contracts.Roles;
import dev.cohort.dashboard.security.Caller;
import dev.cohort.dashboard.service.EventStreams;
import dev.cohort.dashboard.service.StreamCursor;
import dev.cohort.dashboard.service.StreamLimiter;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.http.HttpServerResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Server-Sent Events of every task. A browser that reconnects with the id of the last event it got as
 * Last-Event-ID gets exactly what it missed, from any dashboard instance. One task's stream is in
 * {@link TaskResource}. A browser's EventSource cannot set headers, so the page's streams authenticate by the
 * session cookie; a token in the URL is never accepted (URLs end up in logs and histories).
 */
@Path("/api/stream")
@Tag(name = "Streams", description = "Live events for browsers")
@RolesAllowed(Roles.VIEWER)
public class StreamResource {

    private final EventStreams streams;
    private final SseFrames frames;
    private final StreamLimiter limiter;
    private final Caller caller;

    public StreamResource(EventStreams streams, SseFrames frames, StreamLimiter limiter, Caller caller) {
        this.streams = streams;
        this.frames = frames;
        this.limiter = limiter;
        this.caller = caller;
    }

    @GET
    @NonBlocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Every task's events, from now on or after Last-Event-ID")
    public void all(
            @Parameter(description = "Resume after this event id") @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(description = "Same as Last-Event-ID, for clients that cannot set headers")
            @QueryParam("lastEventId") String lastEventIdQuery,
            @Parameter(description = "'start' replays every event still on Kafka") @QueryParam("from") String from,
            @Context SseEventSink sink, @Context HttpServerResponse response) {
        StreamCursor after = SseFrames.cursor(lastEventId, lastEventIdQuery,
                "start".equals(from) ? new StreamCursor() : null);
        frames.stream(ready -> streams.open(null, after, ready), sink, response, limiter.acquire(caller.name()));
    }
}
