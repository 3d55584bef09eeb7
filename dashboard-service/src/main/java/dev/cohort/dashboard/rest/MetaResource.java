package dev.cohort.dashboard.rest;

import dev.cohort.dashboard.config.DashboardConfig;
import dev.cohort.contracts.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the page shows but does not name itself: the team's roles, the statuses of tasks and subtasks, and where a
 * task's trace is shown.
 */
@Path("/api/meta")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Meta", description = "The roles and statuses the page shows, from the contracts")
@RolesAllowed(Roles.VIEWER)
public class MetaResource {

    private final PageMeta meta;

    public MetaResource(DashboardConfig config) {
        this.meta = PageMeta.CURRENT.withTraceUrl(config.traceUrl().orElse(null));
    }

    @GET
    @Operation(summary = "The team's roles, the task statuses (which are finished) and the subtask statuses "
            + "(which are finished, which in flight), in the contracts' order")
    public PageMeta meta() {
        return meta;
    }
}
