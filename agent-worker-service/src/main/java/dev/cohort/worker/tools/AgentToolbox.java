package dev.cohort.worker.tools;

import dev.cohort.sandbox.Availability;
import dev.cohort.sandbox.Limits;
import dev.cohort.sandbox.Sandbox;
import dev.cohort.sandbox.SandboxSettings;
import dev.cohort.worker.config.RoleProfile;
import dev.cohort.worker.config.RoleProfiles;
import dev.cohort.worker.config.SandboxConfig;
import dev.cohort.worker.config.ToolsConfig;
import dev.cohort.worker.model.ToolSpec;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools of this worker's roles and the sandbox their commands run in. Whether sandboxed commands work here is
 * found out once, at start-up: a worker without bubblewrap still serves its roles, and a role's {@code run} answers
 * the model why commands cannot run.
 */
@ApplicationScoped
public class AgentToolbox {

    private final ToolsConfig tools;
    private final Sandbox sandbox;
    private final String sandboxProblem;
    private final Limits limits;

    public AgentToolbox(ToolsConfig tools, SandboxConfig config, RoleProfiles profiles) {
        this.tools = tools;
        List<Path> readOnly = new ArrayList<>(SandboxSettings.DEFAULT_READ_ONLY_PATHS);
        config.readOnlyPaths().orElse(List.of()).stream().map(Path::of).forEach(readOnly::add);
        SandboxSettings settings = SandboxSettings.defaults().withBwrap(Path.of(config.bwrap()))
                .withReadOnlyPaths(readOnly);
        this.limits = new Limits(config.timeout(), config.memoryMib() * 1024 * 1024, config.maxOutputBytes(),
                config.maxProcesses());
        boolean anyRuns = profiles.all().stream().anyMatch(p -> !p.commands().isEmpty());
        Availability availability = anyRuns ? Sandbox.probe(settings)
                : new Availability(false, "no role may run commands (cohort.roles.<role>.commands)");
        this.sandbox = availability.available() ? new Sandbox(settings) : null;
        this.sandboxProblem = availability.available() ? null : availability.reason();
        if (anyRuns && sandbox == null) {
            Log.warnf("Roles may run commands, but the sandbox does not work here: %s. Their run tool answers "
                    + "with this reason.", sandboxProblem);
        }
    }

    /** The tools a role's model is offered. */
    public List<ToolSpec> offered(RoleProfile profile) {
        return ToolCatalog.offered(profile.commands());
    }

    /** The settings of a tool loop of this role. */
    public ToolLoop.Settings settings(RoleProfile profile) {
        return new ToolLoop.Settings(profile.maxTurns(), profile.maxAttempts(), profile.commands(),
                tools.askTimeout(), tools.maxReadChars(), sandbox, sandboxProblem, limits);
    }

    /** How often {@code ask} looks for its answer. */
    public Duration askPoll() {
        return tools.askPoll();
    }
}
