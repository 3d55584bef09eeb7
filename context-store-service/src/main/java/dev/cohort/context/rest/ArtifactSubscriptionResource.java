package dev.cohort.context.rest;

import static dev.cohort.context.rest.ArtifactRule.Rule.TASK_ID;

import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.context.repository.ArtifactEventRepository.StoredEvent;
import dev.cohort.context.service.ArtifactEventFeed;
import dev.cohort.context.service.Caller;
import dev.cohort.context.service.StreamQuota;
import dev.cohort.contracts.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/tasks/{taskId}/events")
@Tag(name = "Subscriptions", description = "Live artifact events of a task")
public class ArtifactSubscriptionResource {

    private final ArtifactEventFeed feed;
    private final ContextStoreConfig config;
    private final StreamQuota quota;
    private final SecurityIdentity identity;

    public ArtifactSubscriptionResource(ArtifactEventFeed feed, ContextStoreConfig config, StreamQuota quota,
                                        SecurityIdentity identity) {
        this.feed = feed;
        this.config = config;
        this.quota = quota;
        this.identity = identity;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-Sent Events of the task's artifact events",
            description = "Each event's id is its number in the task's event sequence, its name the event type and "
                    + "its data the event JSON, as on Kafka. Reconnect with Last-Event-ID to get exactly what was "
                    + "missed. A task with nothing stored yet gives an open, empty stream. A principal may hold "
                    + "cohort.context.max-streams-per-principal streams open on an instance, and an instance serves "
                    + "cohort.context.max-streams; beyond that the answer is 429 with Retry-After.")
    @APIResponse(responseCode = "429", description = "(too-many-streams) the caller, or the instance, has as many "
            + "streams open as allowed")
    public Multi<OutboundSseEvent> subscribe(
            @PathParam("taskId") @ArtifactRule(TASK_ID) String taskId,
            @Parameter(description = "Resume after this event id") @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(description = "Same as the Last-Event-ID header, for clients that cannot set headers")
            @QueryParam("lastEventId") String lastEventIdQuery,
            @Parameter(description = "Only events of keys matching this glob") @QueryParam("key") String keyGlob,
            @Context Sse sse) {
        String after = lastEventId != null && !lastEventId.isBlank() ? lastEventId : lastEventIdQuery;
        Multi<StoredEvent> stored = feed.follow(taskId, after, keyGlob);
        StreamQuota.Slot slot = quota.acquire(Caller.of(identity).name());
        Multi<OutboundSseEvent> events = stored.map(event -> sse.newEventBuilder()
                .id(Long.toString(event.taskSeq()))
                .name(event.type())
                // the payload is already JSON text; text/plain writes it as is
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, event.payload())
                .build());
        // a comment carries no id, so it does not move the client's Last-Event-ID
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(config.subscribeKeepAlive())
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        // ends when the client goes away (cancellation), or on a failure
        return Multi.createBy().merging().streams(events, keepAlive).onTermination().invoke(slot::release);
    }
}
