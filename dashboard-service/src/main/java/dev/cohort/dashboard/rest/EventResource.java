package dev.cohort.dashboard.rest;

import dev.cohort.contracts.Roles;
import dev.cohort.dashboard.service.EventLog;
import dev.cohort.dashboard.service.StreamedEvent;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events", description = "What the team did, as the dashboard saw it on Kafka")
@RolesAllowed(Roles.VIEWER)
public class EventResource {

    static final int MAX_LIMIT = 1000;

    private final EventLog log;

    public EventResource(EventLog log) {
        this.log = log;
    }

    @GET
    @Operation(summary = "Recent events, oldest first, optionally of one task")
    public List<StreamedEvent> recent(@QueryParam("taskId") String taskId,
                                      @QueryParam("limit") @DefaultValue("200") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("'limit' must be between 1 and " + MAX_LIMIT);
        }
        return log.recent(taskId, limit);
    }
}
