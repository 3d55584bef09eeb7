package dev.cohort.orchestrator.a2a;

import static dev.cohort.orchestrator.service.ScriptedWorker.completed;
import static dev.cohort.orchestrator.service.ScriptedWorker.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.orchestrator.service.ScriptedWorker;
import dev.cohort.testsupport.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cohort's A2A endpoint driven by the official A2A JavaScript SDK ({@code @a2a-js/sdk}, installed from npm into
 * {@code target/a2a-sdk-client} on first use; needs Node.js 20 or newer and npm), with a scripted worker fleet behind
 * the orchestrator so that tasks really plan, run and complete.
 */
@QuarkusTest
class A2aSdkTest {

    static final String SDK = "@a2a-js/sdk";
    static final String SDK_VERSION = "1.3.0";
    static final Path CLIENT_DIR = Path.of("target", "a2a-sdk-client");

    static final String PLAN = """
            {"subtasks": [
              {"id": "a", "role": "architect", "title": "Design", "instructions": "design it", "dependsOn": []},
              {"id": "b", "role": "backend", "title": "API", "instructions": "build it", "dependsOn": ["a"]}
            ]}""";

    static ScriptedWorker worker;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startWorker() {
        worker = new ScriptedWorker(A2aSdkTest::script);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    static List<AgentEvent> script(SubtaskDispatch d) {
        String output = switch (d.kind()) {
            case PLAN -> PLAN;
            case SUMMARY -> "The team built it: a design and an API.";
            default -> null;
        };
        return List.of(started(d), completed(d, output));
    }

    @Test
    void theOfficialJavaScriptClientDiscoversSendsReadsCancelsAndStreams() throws Exception {
        installSdk();
        Path script = CLIENT_DIR.resolve("sdk-client.mjs");
        try (InputStream in = A2aSdkTest.class.getResourceAsStream("/a2a/sdk-client.mjs")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Run run = run(CLIENT_DIR, 180, "node", script.getFileName().toString(),
                base.toString().replaceAll("/+$", ""), TestTokens.mint("a2a-sdk-" + UUID.randomUUID(), "operator"),
                TestTokens.viewer());
        System.out.println("A2A SDK client:\n" + run.output());
        assertEquals(0, run.exitCode(), "the SDK client failed:\n" + run.output());
        for (String step : List.of("card", "send", "get", "cancel", "errors", "stream", "blocking send", "viewer")) {
            assertTrue(run.output().lines().anyMatch(l -> l.startsWith("OK " + step)),
                    "step '" + step + "' did not pass:\n" + run.output());
        }
    }

    /** Installs the SDK into the client directory unless that version is there already. */
    static void installSdk() throws Exception {
        Files.createDirectories(CLIENT_DIR);
        Path installed = CLIENT_DIR.resolve("node_modules/@a2a-js/sdk/package.json");
        if (Files.exists(installed) && Files.readString(installed).contains("\"version\": \"" + SDK_VERSION + "\"")) {
            return;
        }
        Run install = run(CLIENT_DIR, 300, "npm", "install", "--prefix", ".", "--no-audit", "--no-fund",
                SDK + "@" + SDK_VERSION);
        assertEquals(0, install.exitCode(), "npm could not install " + SDK + "@" + SDK_VERSION + " (this test needs "
                + "Node.js 20+, npm and access to the npm registry):\n" + install.output());
    }

    record Run(int exitCode, String output) {
    }

    static Run run(Path dir, long timeoutSeconds, String... command) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("cannot run '" + command[0] + "': this test needs Node.js 20+ and npm on the PATH (" + e.getMessage()
                    + ")");
            return null;
        }
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                output.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output unreadable: ").append(e.getMessage()).append(')');
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            reader.join(5000);
            fail("'" + String.join(" ", List.of(command).subList(0, Math.min(2, command.length))) + "' did not finish "
                    + "within " + timeoutSeconds + " s:\n" + output);
        }
        reader.join(5000);
        return new Run(process.exitValue(), output.toString());
    }
}
