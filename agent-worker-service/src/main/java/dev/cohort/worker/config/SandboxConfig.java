package dev.cohort.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the {@code run} tool's commands run ({@code cohort.sandbox.*}): each in a bubblewrap sandbox on a copy of the
 * task's live artifacts, with no network, as an unprivileged user, within these limits.
 */
@ConfigMapping(prefix = "cohort.sandbox")
public interface SandboxConfig {

    /** The bubblewrap program that isolates each command. */
    @WithDefault("/usr/bin/bwrap")
    String bwrap();

    /** The longest a command may run; it is killed with everything it started. */
    @WithDefault("120s")
    Duration timeout();

    /** Memory one command may use, in MiB. */
    @WithDefault("1024")
    long memoryMib();

    /** The most bytes of stdout and of stderr kept; a command that writes more is stopped. */
    @WithDefault("65536")
    int maxOutputBytes();

    /** The most processes a command may have at once. */
    @WithDefault("256")
    int maxProcesses();

    /** Other read-only paths of this machine a command sees, besides the system's (e.g. a JDK elsewhere). */
    Optional<List<String>> readOnlyPaths();
}
