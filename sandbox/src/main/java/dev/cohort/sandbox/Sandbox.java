package dev.cohort.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Runs one command on a throwaway copy of a workspace inside bubblewrap and returns what it printed.
 *
 * <p>The files are written to a fresh directory that the command sees as {@code /workspace} (its working directory
 * and home); the directory is deleted afterwards, so nothing the command writes reaches the caller or the host. The
 * command has no network, its own pid, ipc, uts and user namespaces, uid and gid 65534 ({@code nobody}), no
 * capabilities, a read-only file system apart from {@code /workspace}, a private {@code /tmp} and {@code /dev/shm},
 * and only {@code PATH}, {@code LANG}, {@code HOME} (and {@code PWD}, which bubblewrap sets) in its environment.
 * Time, memory per process, number of processes and threads, and output are bounded by {@link Limits}.
 *
 * <p>When this JVM runs as root, bubblewrap itself runs under a host uid of its own per concurrent run (see
 * {@link SandboxSettings#hostUidBase()}), so that the kernel counts the process limit per run. Otherwise it runs as
 * the current user and the process limit is set above the user's current process count. Needs bubblewrap 0.8 or
 * newer and prlimit and setpriv from util-linux. Safe for concurrent use.
 */
public final class Sandbox {

    /** Where the workspace appears inside the sandbox. */
    public static final String WORKSPACE = "/workspace";
    /** The uid and gid commands run as inside the sandbox. */
    public static final int SANDBOX_ID = 65534;

    private static final String PATH = "/usr/local/bin:/usr/bin:/bin";
    private static final List<String> SYSTEM_LINKS = List.of("bin", "sbin", "lib", "lib64");
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final UidPool UIDS = new UidPool();

    private final SandboxSettings settings;

    public Sandbox(SandboxSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Runs {@code commandLine}, split by {@link Command#parse}, on a copy of {@code files} (relative path to text).
     *
     * @throws IllegalArgumentException when the command line or a path is not acceptable; the message says why
     * @throws SandboxException         when the sandbox could not be set up or started
     */
    public Result run(Map<String, String> files, String commandLine, Limits limits) {
        return run(files, Command.parse(commandLine), limits);
    }

    /**
     * Runs the program {@code argv} (looked up in {@code PATH} inside the sandbox) on a copy of {@code files}.
     *
     * @throws IllegalArgumentException when {@code argv} is empty or a path is not acceptable; the message says why
     * @throws SandboxException         when the sandbox could not be set up or started
     */
    public Result run(Map<String, String> files, List<String> argv, Limits limits) {
        Command.program(argv);
        for (String word : argv) {
            if (word == null || word.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a command word is missing or contains NUL");
            }
        }
        Map<String, String> checked = Workspace.check(files);
        Limits bounds = limits == null ? Limits.defaults() : limits;
        boolean root = Host.isRoot();
        int hostUid = root ? UIDS.acquire(settings) : -1;
        Path dir = null;
        try {
            dir = Workspace.materialise(settings.workRoot(), checked, hostUid);
            return execute(launchCommand(dir, argv, bounds, hostUid), bounds);
        } catch (IOException e) {
            throw new SandboxException("could not prepare the workspace under " + settings.workRoot() + ": " + e, e);
        } finally {
            try {
                if (dir != null) {
                    Workspace.delete(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete the workspace copy " + dir, e);
            } finally {
                if (root) {
                    UIDS.release(hostUid);
                }
            }
        }
    }

    /**
     * Whether sandboxed runs work here, found by running {@code id -u} in a sandbox; when they do not, the reason says
     * what to install or change.
     */
    public static Availability probe(SandboxSettings settings) {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Availability.no("sandboxed runs need Linux with bubblewrap; this is "
                    + System.getProperty("os.name"));
        }
        if (!Files.isExecutable(settings.bwrap())) {
            return Availability.no("bubblewrap is not installed at " + settings.bwrap()
                    + ": install bubblewrap (apt-get install bubblewrap) or set its path in the sandbox settings");
        }
        if (Host.tool("prlimit") == null) {
            return Availability.no("prlimit is not installed: install util-linux");
        }
        boolean root = Host.isRoot();
        if (root && Host.tool("setpriv") == null) {
            return Availability.no("setpriv is not installed: install util-linux");
        }
        if (!Files.isDirectory(settings.workRoot())) {
            return Availability.no("the work root " + settings.workRoot() + " is not a directory");
        }
        if (root && !Host.searchableByOthers(settings.workRoot())) {
            return Availability.no("the work root " + settings.workRoot()
                    + " and its parents must be searchable by other users (chmod o+x) for the sandbox's own uids");
        }
        Result result;
        try {
            result = new Sandbox(settings).run(Map.of(), List.of("id", "-u"),
                    Limits.defaults().withTimeout(Duration.ofSeconds(20)));
        } catch (RuntimeException e) {
            return Availability.no("a trial run failed: " + e.getMessage());
        }
        if (result.stderr().contains("Unknown option")) {
            return Availability.no("bubblewrap at " + settings.bwrap() + " is too old (" + result.stderr().strip()
                    + "): install bubblewrap 0.8 or newer");
        }
        if (!result.passed() || !result.stdout().strip().equals(String.valueOf(SANDBOX_ID))) {
            return Availability.no("bubblewrap could not start a sandbox (" + result.toToolText().strip()
                    + "); unprivileged user namespaces must be enabled: sysctl user.max_user_namespaces must be above 0"
                    + " (and kernel.unprivileged_userns_clone=1 on Debian kernels that have it;"
                    + " kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap on Ubuntu)");
        }
        return Availability.yes("bubblewrap " + settings.bwrap() + (root
                ? ", one host uid per run from " + settings.hostUidBase()
                : ", running as uid " + Host.uid()));
    }

    private List<String> launchCommand(Path dir, List<String> argv, Limits limits, int hostUid) {
        Path prlimit = Host.tool("prlimit");
        if (prlimit == null) {
            throw new SandboxException("prlimit is not installed: install util-linux");
        }
        List<String> command = new ArrayList<>();
        command.add(prlimit.toString());
        long processes = hostUid >= 0 ? limits.maxProcesses() : Host.processesOfCurrentUser() + limits.maxProcesses();
        command.add("--nproc=" + processes);
        command.add("--data=" + limits.memoryBytes());
        command.add("--core=0");
        if (hostUid >= 0) {
            Path setpriv = Host.tool("setpriv");
            if (setpriv == null) {
                throw new SandboxException("setpriv is not installed: install util-linux");
            }
            command.addAll(List.of(setpriv.toString(), "--reuid=" + hostUid, "--regid=" + hostUid, "--clear-groups"));
        }
        command.addAll(List.of(settings.bwrap().toString(),
                "--unshare-all", "--unshare-user", "--disable-userns",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                "--uid", String.valueOf(SANDBOX_ID), "--gid", String.valueOf(SANDBOX_ID),
                "--hostname", "sandbox",
                "--clearenv", "--setenv", "PATH", PATH, "--setenv", "LANG", "C.UTF-8", "--setenv", "HOME", WORKSPACE,
                "--ro-bind", "/usr", "/usr"));
        for (String name : SYSTEM_LINKS) {
            Path path = Path.of("/", name);
            if (Files.isSymbolicLink(path)) {
                try {
                    command.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), path.toString()));
                } catch (IOException e) {
                    throw new SandboxException("could not read the link " + path + ": " + e.getMessage(), e);
                }
            } else if (Files.isDirectory(path)) {
                command.addAll(List.of("--ro-bind", path.toString(), path.toString()));
            }
        }
        for (Path path : settings.readOnlyPaths()) {
            command.addAll(List.of("--ro-bind-try", path.toString(), path.toString()));
        }
        String tmpfsSize = String.valueOf(limits.memoryBytes());
        command.addAll(List.of("--proc", "/proc", "--dev", "/dev",
                "--size", tmpfsSize, "--tmpfs", "/dev/shm",
                "--size", tmpfsSize, "--tmpfs", "/tmp",
                "--ro-bind", dir.resolve(Workspace.PASSWD).toString(), "/etc/passwd",
                "--ro-bind", dir.resolve(Workspace.GROUP).toString(), "/etc/group",
                "--bind", dir.resolve(Workspace.FILES).toString(), WORKSPACE,
                "--remount-ro", "/dev", "--remount-ro", "/",
                "--chdir", WORKSPACE, "--"));
        command.addAll(argv);
        return command;
    }

    private static Result execute(List<String> command, Limits limits) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().put("PATH", PATH);
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new SandboxException("could not start " + command.get(0) + ": " + e.getMessage(), e);
        }
        AtomicBoolean cut = new AtomicBoolean();
        Runnable onOverflow = () -> {
            if (cut.compareAndSet(false, true)) {
                killTree(process);
            }
        };
        Capture stdout = new Capture(process.getInputStream(), limits.maxOutputBytes(), onOverflow, "sandbox-stdout");
        Capture stderr = new Capture(process.getErrorStream(), limits.maxOutputBytes(), onOverflow, "sandbox-stderr");
        boolean timedOut = false;
        try {
            if (!process.waitFor(limits.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                killTree(process);
            }
            if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SandboxException("the sandbox did not end within " + KILL_WAIT.toSeconds()
                        + " s of being killed");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return new Result(process.exitValue(), stdout.text(), stderr.text(), timedOut, cut.get(), took);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while the command ran", e);
        } finally {
            stdout.close();
            stderr.close();
        }
    }

    private static void killTree(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    /** One output stream, read on its own thread, kept up to the limit. */
    private static final class Capture {

        private final InputStream input;
        private final int limit;
        private final Runnable onOverflow;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread reader;
        private volatile boolean overflowed;

        Capture(InputStream input, int limit, Runnable onOverflow, String name) {
            this.input = input;
            this.limit = limit;
            this.onOverflow = onOverflow;
            this.reader = new Thread(this::read, name);
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            byte[] buffer = new byte[8192];
            try {
                int count;
                while ((count = input.read(buffer)) >= 0) {
                    synchronized (kept) {
                        int room = limit - kept.size();
                        kept.write(buffer, 0, Math.min(room, count));
                        if (count > room) {
                            overflowed = true;
                        }
                    }
                    if (overflowed) {
                        onOverflow.run();
                        return;
                    }
                }
            } catch (IOException closed) {
                // The process is gone and the stream with it; what was read is kept.
            }
        }

        String text() throws InterruptedException {
            reader.join(KILL_WAIT.toMillis());
            byte[] bytes;
            synchronized (kept) {
                bytes = kept.toByteArray();
            }
            int length = overflowed ? completeUtf8Length(bytes) : bytes.length;
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }

        void close() {
            try {
                input.close();
            } catch (IOException ignored) {
                // Nothing more to read either way.
            }
        }

        /** The length of {@code bytes} without a UTF-8 sequence cut off at the end. */
        private static int completeUtf8Length(byte[] bytes) {
            int end = bytes.length;
            for (int back = 1; back <= 4 && end - back >= 0; back++) {
                int b = bytes[end - back] & 0xff;
                if ((b & 0xc0) != 0x80) {
                    int needed = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
                    return needed > back ? end - back : end;
                }
            }
            return end;
        }
    }

    /** Facts about the host process and its tools. */
    private static final class Host {

        private static final List<String> TOOL_DIRS = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");

        static int uid() {
            try {
                return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException e) {
                throw new SandboxException("cannot read /proc/self: " + e.getMessage(), e);
            }
        }

        static boolean isRoot() {
            return uid() == 0;
        }

        static Path tool(String name) {
            return TOOL_DIRS.stream().map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst()
                    .orElse(null);
        }

        static boolean searchableByOthers(Path dir) {
            try {
                for (Path path = dir.toRealPath(); path != null; path = path.getParent()) {
                    if (!Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                        return false;
                    }
                }
                return true;
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }

        static long processesOfCurrentUser() {
            int uid = uid();
            try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
                return entries.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                        .filter(path -> {
                            try {
                                return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                                        == uid;
                            } catch (IOException gone) {
                                return false;
                            }
                        })
                        .mapToLong(path -> threads(path))
                        .sum();
            } catch (IOException e) {
                throw new SandboxException("cannot list /proc: " + e.getMessage(), e);
            }
        }

        private static long threads(Path process) {
            try (Stream<String> lines = Files.lines(process.resolve("status"))) {
                return lines.filter(line -> line.startsWith("Threads:"))
                        .mapToLong(line -> Long.parseLong(line.substring("Threads:".length()).strip()))
                        .findFirst().orElse(1);
            } catch (IOException | UncheckedIOException | NumberFormatException gone) {
                return 1;
            }
        }
    }

    /** The host uids of concurrent runs: each run has its own, so that the kernel counts its processes apart. */
    private static final class UidPool {

        private final Set<Integer> inUse = new HashSet<>();
        private final int offset = ThreadLocalRandom.current().nextInt(1 << 20);

        synchronized int acquire(SandboxSettings settings) {
            int count = settings.hostUidCount();
            for (int i = 0; i < count; i++) {
                int uid = settings.hostUidBase() + (offset + i) % count;
                if (inUse.add(uid)) {
                    return uid;
                }
            }
            throw new SandboxException("all " + count + " host uids of the sandbox are in use by concurrent runs");
        }

        synchronized void release(int uid) {
            inUse.remove(uid);
        }
    }
}
