package dev.cohort.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the sandbox finds its tools and what of the host it shows to commands.
 *
 * @param bwrap         the bubblewrap executable
 * @param readOnlyPaths host paths shown read-only at the same place inside the sandbox when they exist, besides
 *                      {@code /usr} (and the {@code /bin}, {@code /lib}, {@code /lib64}, {@code /sbin} links to it),
 *                      which are always shown
 * @param workRoot      host directory under which each run's workspace copy is made and deleted again; when the
 *                      sandbox runs as root it must be searchable by other users ({@code chmod o+x})
 * @param hostUidBase   first host uid that runs use when the sandbox runs as root: each concurrent run gets its own
 *                      uid from {@code hostUidBase} to {@code hostUidBase + hostUidCount - 1}, which must belong to
 *                      no user or process of the host
 * @param hostUidCount  how many host uids there are for concurrent runs
 */
public record SandboxSettings(Path bwrap, List<Path> readOnlyPaths, Path workRoot, int hostUidBase,
                              int hostUidCount) {

    public static final Path DEFAULT_BWRAP = Path.of("/usr/bin/bwrap");
    /** What {@code javac}, {@code java} and {@code node} need of {@code /etc} on Debian and Ubuntu. */
    public static final List<Path> DEFAULT_READ_ONLY_PATHS = List.of(
            Path.of("/etc/alternatives"),
            Path.of("/etc/java-17-openjdk"),
            Path.of("/etc/ssl/certs/java"),
            Path.of("/etc/ld.so.cache"));
    public static final int DEFAULT_HOST_UID_BASE = 2_000_000_000;
    public static final int DEFAULT_HOST_UID_COUNT = 1_000;

    public SandboxSettings {
        if (bwrap == null) {
            throw new IllegalArgumentException("bwrap path is required");
        }
        readOnlyPaths = readOnlyPaths == null ? List.of() : List.copyOf(readOnlyPaths);
        for (Path path : readOnlyPaths) {
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("read-only path " + path + " must be absolute");
            }
        }
        workRoot = workRoot == null ? Path.of(System.getProperty("java.io.tmpdir")) : workRoot;
        if (hostUidBase < 1 || hostUidCount < 1 || (long) hostUidBase + hostUidCount > 4_294_967_294L) {
            throw new IllegalArgumentException("host uids " + hostUidBase + " + " + hostUidCount
                    + " must be a range of positive uids");
        }
    }

    /** {@code /usr/bin/bwrap}, {@link #DEFAULT_READ_ONLY_PATHS}, {@code java.io.tmpdir}, 1000 uids from 2000000000. */
    public static SandboxSettings defaults() {
        return new SandboxSettings(DEFAULT_BWRAP, DEFAULT_READ_ONLY_PATHS, null, DEFAULT_HOST_UID_BASE,
                DEFAULT_HOST_UID_COUNT);
    }

    public SandboxSettings withBwrap(Path newBwrap) {
        return new SandboxSettings(newBwrap, readOnlyPaths, workRoot, hostUidBase, hostUidCount);
    }

    public SandboxSettings withReadOnlyPaths(List<Path> newReadOnlyPaths) {
        return new SandboxSettings(bwrap, newReadOnlyPaths, workRoot, hostUidBase, hostUidCount);
    }

    public SandboxSettings withWorkRoot(Path newWorkRoot) {
        return new SandboxSettings(bwrap, readOnlyPaths, newWorkRoot, hostUidBase, hostUidCount);
    }

    public SandboxSettings withHostUids(int newHostUidBase, int newHostUidCount) {
        return new SandboxSettings(bwrap, readOnlyPaths, workRoot, newHostUidBase, newHostUidCount);
    }
}
