package dev.cohort.orchestrator.rest;

import dev.cohort.contracts.Roles;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.orchestrator.repository.SubtaskRepository;
import dev.cohort.orchestrator.service.ModelAdmission;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The work handed to each role's workers right now. A share group commits no offsets, so consumer-group lag says
 * nothing about a dispatch topic's backlog; the orchestrator knows it exactly, and autoscalers (KEDA's
 * {@code metrics-api} scaler) read it here.
 */
@Path("/api/workload")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Workload", description = "Subtasks waiting for or running on each role's workers, for autoscaling")
@RolesAllowed(Roles.VIEWER)
public class WorkloadResource {

    /** One role's share: dispatched and not yet taken by a worker, and running on one. */
    public record RoleWorkload(long waiting, long running, long total) {
    }

    /**
     * The roles asked for (all by default) and the sum over them; and each model's load against its limits
     * ({@code waiting}: ready subtasks held back for it, which no added worker would start).
     */
    public record Workload(Map<String, RoleWorkload> roles, long waiting, long running, long total,
                           List<ModelAdmission.ModelLoad> models) {
    }

    private final SubtaskRepository subtasks;
    private final ModelAdmission admission;

    public WorkloadResource(SubtaskRepository subtasks, ModelAdmission admission) {
        this.subtasks = subtasks;
        this.admission = admission;
    }

    @GET
    @Operation(summary = "Subtasks waiting for and running on each role's workers",
            description = "For autoscaling worker groups: 'total' over the roles asked for is the number of workers' "
                    + "slots that are busy or wanted now. 'models' shows each model's load against its limits "
                    + "(cohort.admission): subtasks held back for a model wait for it, not for a worker")
    public Uni<Workload> workload(@Parameter(description = "comma-separated roles, e.g. backend,frontend; all when absent")
                                  @QueryParam("roles") String roles) {
        List<Role> asked = parseRoles(roles);
        return subtasks.activeByRoleAndStatus().map(rows -> {
            Map<String, long[]> counts = new LinkedHashMap<>();
            asked.forEach(r -> counts.put(r.id(), new long[2]));
            for (Object[] row : rows) {
                long[] c = counts.get((String) row[0]);
                if (c != null) {
                    c[SubtaskStatus.fromId((String) row[1]) == SubtaskStatus.RUNNING ? 1 : 0] += ((Number) row[2]).longValue();
                }
            }
            Map<String, RoleWorkload> byRole = new LinkedHashMap<>();
            long waiting = 0;
            long running = 0;
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                long[] c = e.getValue();
                byRole.put(e.getKey(), new RoleWorkload(c[0], c[1], c[0] + c[1]));
                waiting += c[0];
                running += c[1];
            }
            return new Workload(byRole, waiting, running, waiting + running, List.of());
        }).flatMap(workload -> admission.load().map(models -> new Workload(workload.roles(), workload.waiting(),
                workload.running(), workload.total(), models)));
    }

    private static List<Role> parseRoles(String roles) {
        if (roles == null || roles.isBlank()) {
            return Arrays.asList(Role.values());
        }
        List<Role> result = new ArrayList<>();
        for (String id : roles.split(",")) {
            try {
                Role role = Role.fromId(id.strip());
                if (!result.contains(role)) {
                    result.add(role);
                }
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'roles': " + e.getMessage());
            }
        }
        return result;
    }
}
