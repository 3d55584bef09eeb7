/**
 * Runs agents' commands (builds, tests) on a throwaway copy of their task's workspace inside bubblewrap.
 *
 * <p>What the sandbox guarantees, on Linux with bubblewrap and unprivileged user namespaces (see
 * {@link dev.cohort.sandbox.Sandbox#probe}):
 * <ul>
 *   <li>the command runs exactly the words given, without a shell ({@link dev.cohort.sandbox.Command});</li>
 *   <li>it sees the workspace at {@code /workspace} and nothing of the host but {@code /usr} and the configured
 *       read-only paths; everything but {@code /workspace}, {@code /tmp} and {@code /dev/shm} is read-only, and the
 *       last two are private and in memory;</li>
 *   <li>nothing it writes reaches the caller or the host: the workspace copy is deleted after the run and only the
 *       {@link dev.cohort.sandbox.Result} comes back;</li>
 *   <li>it has no network (a network namespace of its own with nothing but a loopback of its own), its own pid,
 *       ipc, uts and user namespaces, uid and gid 65534, no capabilities, no new user namespaces, and only
 *       {@code PATH}, {@code LANG}, {@code HOME} and {@code PWD} in its environment;</li>
 *   <li>at the time limit, at the output limit, and when the caller's JVM dies, every process it started is killed
 *       (its pid namespace ends with it);</li>
 *   <li>it cannot have more than the process limit of processes and threads at once, so a fork bomb stops there;
 *       and each process's writable memory is bounded by the memory limit (RLIMIT_DATA, which leaves the address space
 *       that the JVM and V8 reserve alone).</li>
 * </ul>
 *
 * <p>What it does not guarantee:
 * <ul>
 *   <li>total memory: the memory limit holds per process, so up to the process limit times the memory limit (plus
 *       {@code /tmp} and {@code /dev/shm}, up to the memory limit each) may be used at once; there is no cgroup;</li>
 *   <li>disk: files written to {@code /workspace} go to the host's work root until the run ends, with no quota;</li>
 *   <li>CPU share: the command competes with the host for CPU until its time limit;</li>
 *   <li>protection from kernel bugs: there is no seccomp filter, and the kernel is the host's;</li>
 *   <li>secrecy of what is under {@code /usr} and the read-only paths: the command can read all of it;</li>
 *   <li>file modes: workspace files are text and only those starting with {@code #!} are executable.</li>
 * </ul>
 */
package dev.cohort.sandbox;
