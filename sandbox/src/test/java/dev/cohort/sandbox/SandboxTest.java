package dev.cohort.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs real commands in real bubblewrap sandboxes; fails when bubblewrap is missing, as the sandbox would. */
class SandboxTest {

    private static final int HOST_UID_BASE = 2_000_500_000;
    private static final int HOST_UID_COUNT = 20;
    private static final Limits QUICK = Limits.defaults().withTimeout(Duration.ofSeconds(30));

    private static Path workRoot;
    private static Sandbox sandbox;

    @BeforeAll
    static void sandboxedRunsWorkHere() throws IOException {
        workRoot = Files.createTempDirectory("cohort-sandbox-test-");
        Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwx--x--x"));
        SandboxSettings settings = SandboxSettings.defaults().withWorkRoot(workRoot)
                .withHostUids(HOST_UID_BASE, HOST_UID_COUNT);
        Availability availability = Sandbox.probe(settings);
        assertTrue(availability.available(), "sandboxed runs must work on this machine; " + availability.reason());
        sandbox = new Sandbox(settings);
    }

    @AfterAll
    static void nothingIsLeftOnTheHost() throws IOException {
        try (Stream<Path> left = Files.list(workRoot)) {
            assertEquals(List.of(), left.toList(), "workspace copies left behind");
        }
        Files.delete(workRoot);
    }

    @Test
    void aMissingBubblewrapIsReportedWithHowToInstallIt() {
        Availability missing = Sandbox.probe(SandboxSettings.defaults().withBwrap(Path.of("/nonexistent/bwrap")));
        assertFalse(missing.available());
        assertTrue(missing.reason().contains("install bubblewrap"), missing.reason());
    }

    @Test
    void aPassingNodeTestRunPasses() {
        Result result = sandbox.run(Map.of("test/sum.test.js", """
                const test = require('node:test');
                const assert = require('node:assert');
                test('sums', () => assert.strictEqual(1 + 1, 2));
                """), "node --test", QUICK);
        assertTrue(result.passed(), result.toToolText());
        assertTrue(result.stdout().contains("# pass 1"), result.toToolText());
        assertFalse(result.timedOut() || result.outputCut());
    }

    @Test
    void aFailingNodeTestRunKeepsItsExitCodeAndOutput() {
        Result result = sandbox.run(Map.of("sum.test.js", """
                const test = require('node:test');
                const assert = require('node:assert');
                test('sums', () => assert.strictEqual(1 + 1, 3));
                """), "node --test sum.test.js", QUICK);
        assertFalse(result.passed());
        assertEquals(1, result.exitCode(), result.toToolText());
        assertTrue(result.stdout().contains("not ok 1 - sums"), result.toToolText());
        assertTrue(result.stdout().contains("2 !== 3"), result.toToolText());
        assertTrue(result.toToolText().startsWith("exit 1\n--- stdout ---\n"), result.toToolText());
    }

    @Test
    void javacAndJavaCompileAndRunAProgram() {
        Result result = sandbox.run(Map.of(
                "src/Hello.java", """
                        public class Hello {
                            public static void main(String[] args) {
                                System.out.println("hello from " + System.getProperty("user.home"));
                            }
                        }
                        """,
                "build.sh", "javac -d out src/Hello.java && java -cp out Hello\n"), "sh build.sh", QUICK);
        assertTrue(result.passed(), result.toToolText());
        assertEquals("hello from /workspace\n", result.stdout());
    }

    @Test
    void theCommandRunsAsNobodyWithAClearedEnvironment() {
        Result ids = sandbox.run(Map.of(), "id", QUICK);
        assertEquals("uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n", ids.stdout(),
                ids.toToolText());
        Result environment = sandbox.run(Map.of(), "env", QUICK);
        Set<String> names = environment.stdout().lines().map(line -> line.substring(0, line.indexOf('=')))
                .collect(Collectors.toSet());
        assertEquals(Set.of("PATH", "LANG", "HOME", "PWD"), names, environment.toToolText());
        assertTrue(environment.stdout().contains("PWD=/workspace\n"), "bubblewrap sets PWD to the working dir");
        assertTrue(environment.stdout().contains("PATH=/usr/local/bin:/usr/bin:/bin\n"));
        Result capabilities = sandbox.run(Map.of(), "grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status", QUICK);
        assertEquals(3, capabilities.stdout().lines().filter(line -> line.endsWith("0000000000000000")).count(),
                capabilities.toToolText());
    }

    @Test
    void thereIsNoNetwork() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> files = Map.of("connect.js", """
                    const net = require('node:net');
                    const socket = net.connect(Number(process.argv[3]), process.argv[2]);
                    socket.setTimeout(5000, () => { console.log('timeout'); process.exit(4); });
                    socket.on('connect', () => { console.log('connected'); process.exit(0); });
                    socket.on('error', e => { console.log('failed ' + e.code); process.exit(3); });
                    """);
            Result loopback = sandbox.run(files, List.of("node", "connect.js", "127.0.0.1",
                    String.valueOf(listener.getLocalPort())), QUICK);
            assertEquals(3, loopback.exitCode(), loopback.toToolText());
            assertTrue(loopback.stdout().startsWith("failed "), loopback.toToolText());
            Result named = sandbox.run(files, "node connect.js example.com 80", QUICK);
            assertEquals(3, named.exitCode(), named.toToolText());
            assertTrue(named.stdout().startsWith("failed "), named.toToolText());
            listener.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, listener::accept, "the sandbox reached the host");
        }
    }

    @Test
    void writingOutsideTheWorkspaceFailsAndNothingAppearsOnTheHost() {
        String name = "cohort-sandbox-" + UUID.randomUUID();
        Result result = sandbox.run(Map.of("write.sh", """
                for f in /usr/%1$s /etc/%1$s /%1$s /dev/%1$s /proc/%1$s; do
                  if touch "$f" 2>/dev/null; then echo "wrote $f"; else echo "refused $f"; fi
                done
                touch /tmp/%1$s && echo "wrote /tmp"
                """.formatted(name)), "sh write.sh", QUICK);
        assertTrue(result.passed(), result.toToolText());
        assertEquals(5, result.stdout().lines().filter(line -> line.startsWith("refused /")).count(),
                result.toToolText());
        assertTrue(result.stdout().contains("wrote /tmp"), result.toToolText());
        for (String dir : List.of("/usr", "/etc", "/", "/dev", "/tmp")) {
            assertFalse(Files.exists(Path.of(dir, name), LinkOption.NOFOLLOW_LINKS), dir + "/" + name);
        }
    }

    @Test
    void filesWrittenInTheWorkspaceReachNeitherTheCallerNorTheHost() {
        Map<String, String> files = new HashMap<>(Map.of("keep.txt", "original\n", "gone.txt", "x\n",
                "change.sh", "echo changed > keep.txt && rm gone.txt && mkdir -p made && echo new > made/new.txt"
                        + " && cat keep.txt made/new.txt && ls\n"));
        Map<String, String> before = Map.copyOf(files);
        Result result = sandbox.run(files, "sh change.sh", QUICK);
        assertTrue(result.passed(), result.toToolText());
        assertEquals("changed\nnew\nchange.sh\nkeep.txt\nmade\n", result.stdout());
        assertEquals(before, files);
        Result again = sandbox.run(files, "cat keep.txt", QUICK);
        assertEquals("original\n", again.stdout(), again.toToolText());
    }

    @Test
    void aForkBombIsContainedAndKilledAtTheTimeLimit() throws Exception {
        Limits limits = Limits.defaults().withTimeout(Duration.ofSeconds(3)).withMaxProcesses(64)
                .withMaxOutputBytes(1 << 20);
        AtomicInteger peak = new AtomicInteger();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(sandboxProcesses(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        Result result;
        try {
            result = sandbox.run(Map.of("bomb.sh", "bomb() { bomb | bomb & }; bomb; while :; do :; done\n"),
                    "sh bomb.sh", limits);
        } finally {
            watcher.interrupt();
            watcher.join();
        }
        assertTrue(result.timedOut(), result.toToolText());
        assertFalse(result.passed());
        assertTrue(result.took().compareTo(Duration.ofSeconds(6)) < 0, "took " + result.took());
        assertTrue(result.toToolText().startsWith("exit 137 (timed out after 3 s)"), result.toToolText());
        assertTrue(result.stderr().contains("Cannot fork"), result.toToolText());
        assertTrue(peak.get() <= 64, "processes at once: " + peak.get());
        assertNoSandboxProcessSurvives();
        Process host = new ProcessBuilder("true").start();
        assertTrue(host.waitFor(5, TimeUnit.SECONDS), "the host cannot start a process any more");
    }

    @Test
    void endlessOutputIsCutFast() throws Exception {
        Result stdout = sandbox.run(Map.of(), "yes", QUICK);
        assertTrue(stdout.outputCut(), stdout.toToolText());
        assertFalse(stdout.timedOut());
        assertEquals(Limits.DEFAULT_MAX_OUTPUT_BYTES, stdout.stdout().length());
        assertTrue(stdout.took().compareTo(Duration.ofSeconds(5)) < 0, "took " + stdout.took());
        assertTrue(stdout.toToolText().startsWith("exit 137 (output cut at 65536 bytes)\n"));
        Result stderr = sandbox.run(Map.of("yes.sh", "yes é >&2\n"), List.of("sh", "yes.sh"),
                QUICK.withMaxOutputBytes(1000));
        assertTrue(stderr.outputCut(), stderr.toToolText());
        assertTrue(stderr.stderr().endsWith("é\n"), "a character cut in half is dropped");
        assertTrue(stderr.took().compareTo(Duration.ofSeconds(5)) < 0, "took " + stderr.took());
        assertNoSandboxProcessSurvives();
    }

    @Test
    void aCommandPastItsTimeLimitIsKilled() throws Exception {
        Result result = sandbox.run(Map.of(), "sleep 30", QUICK.withTimeout(Duration.ofSeconds(2)));
        assertTrue(result.timedOut(), result.toToolText());
        assertFalse(result.passed());
        assertTrue(result.took().compareTo(Duration.ofSeconds(2)) >= 0
                && result.took().compareTo(Duration.ofSeconds(5)) < 0, "took " + result.took());
        assertTrue(result.toToolText().startsWith("exit 137 (timed out after 2 s)\n"), result.toToolText());
        assertNoSandboxProcessSurvives();
    }

    @Test
    void processesLeftInTheBackgroundEndWithTheCommand() throws Exception {
        Result result = sandbox.run(Map.of("daemon.sh", "sleep 60 &\necho started\n"), "sh daemon.sh", QUICK);
        assertTrue(result.passed(), result.toToolText());
        assertTrue(result.took().compareTo(Duration.ofSeconds(5)) < 0, "took " + result.took());
        assertNoSandboxProcessSurvives();
    }

    @Test
    void memoryIsBoundedPerProcess() {
        Result result = sandbox.run(Map.of("grow.js", """
                const kept = [];
                for (let i = 1; i <= 20; i++) { kept.push(Buffer.alloc(100 * 1024 * 1024, 1)); console.log(i * 100); }
                """), "node grow.js", QUICK.withMemoryBytes(512L << 20));
        assertFalse(result.passed(), result.toToolText());
        assertTrue(result.stdout().contains("300\n"), result.toToolText());
        assertFalse(result.stdout().contains("600\n"), result.toToolText());
        assertTrue(result.stderr().contains("allocation failed"), result.toToolText());
    }

    @Test
    void badCommandsAndPathsAreRefusedBeforeAnythingRuns() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> sandbox.run(Map.of(), "node --test | tee log", QUICK)).getMessage().contains("'|'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> sandbox.run(Map.of("../escape.txt", "x"), "ls", QUICK)).getMessage().contains("'..'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> sandbox.run(Map.of("/etc/passwd", "x"), "ls", QUICK)).getMessage().contains("absolute"));
        assertThrows(IllegalArgumentException.class, () -> sandbox.run(Map.of(), List.of(), QUICK));
    }

    @Test
    void anUnknownProgramIsAFailedRunNotAnError() {
        Result result = sandbox.run(Map.of(), "no-such-program", QUICK);
        assertFalse(result.passed());
        assertTrue(result.stderr().contains("no-such-program"), result.toToolText());
    }

    private static void assertNoSandboxProcessSurvives() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (sandboxProcesses() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, sandboxProcesses(), "sandbox processes still running");
    }

    /**
     * Live processes whose real uid is one of the host uids this test's sandbox runs under. Zombies are dead and left
     * out: the sandbox's init is reparented to the host's init when bubblewrap ends, which reaps it in its own time.
     */
    private static int sandboxProcesses() {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return (int) entries.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(SandboxTest::isALiveSandboxProcess)
                    .count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isALiveSandboxProcess(Path process) {
        try {
            List<String> status = Files.readAllLines(process.resolve("status"));
            boolean zombie = status.stream().anyMatch(line -> line.startsWith("State:") && line.contains("Z"));
            long uid = status.stream().filter(line -> line.startsWith("Uid:")).findFirst()
                    .map(line -> Long.parseLong(line.substring(4).strip().split("\\s+")[0])).orElse(-1L);
            return !zombie && uid >= HOST_UID_BASE && uid < HOST_UID_BASE + HOST_UID_COUNT;
        } catch (IOException gone) {
            return false;
        }
    }
}
