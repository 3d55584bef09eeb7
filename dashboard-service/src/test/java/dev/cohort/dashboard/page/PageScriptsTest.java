package dev.cohort.dashboard.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.dashboard.rest.PageMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The page's scripts without a browser: Node's own test runner over {@code src/test/js/*.test.js} (the reducer in
 * {@code js/state.js}, the Markdown renderer and the other pure helpers), given the roles and statuses the dashboard
 * serves. A failing Node test fails this one with Node's report. Skipped with a reason without Node 18 or later.
 */
class PageScriptsTest {

    private static final Path TESTS = Path.of("src", "test", "js");
    private static final Path WORK = Path.of("target", "node-test");

    @Test
    void theNodeTestsOfThePageScriptsPass() throws Exception {
        int major = nodeMajorVersion();
        assumeTrue(major >= 18, "the page's script tests need Node.js 18 or later as 'node' on the PATH "
                + "(found " + (major < 0 ? "none" : "version " + major) + "): apt-get install -y nodejs");
        List<String> files;
        try (Stream<Path> list = Files.list(TESTS)) {
            files = list.map(Path::toString).filter(f -> f.endsWith(".test.js")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no *.test.js in " + TESTS);
        Files.createDirectories(WORK);
        Path meta = WORK.resolve("meta.json");
        Files.writeString(meta, EventCodec.mapper().writeValueAsString(PageMeta.CURRENT));
        Path report = WORK.resolve("report.txt");

        List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=spec"));
        command.addAll(files);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(report.toFile());
        builder.environment().put("COHORT_META", meta.toAbsolutePath().toString());
        builder.environment().put("NO_COLOR", "1");
        Process node = builder.start();
        boolean done = node.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            node.destroyForcibly();
        }
        String output = Files.readString(report, StandardCharsets.UTF_8);
        System.out.println(output);
        assertTrue(done, "node --test did not finish in 3 minutes:\n" + output);
        assertEquals(0, node.exitValue(), "node --test failed:\n" + output);
        Matcher passed = Pattern.compile("(?m)^\\S*\\s*pass (\\d+)$").matcher(output);
        assertTrue(passed.find() && Integer.parseInt(passed.group(1)) > 0, "no Node test ran:\n" + output);
    }

    @Test
    void theTestsCopyOfTheMetaIsWhatTheDashboardServes() throws IOException {
        JsonNode served = EventCodec.mapper().valueToTree(PageMeta.CURRENT);
        JsonNode copy = EventCodec.mapper().readTree(TESTS.resolve("meta.json").toFile());
        assertEquals(served, copy, "src/test/js/meta.json, which the Node tests read when run alone, should be: " + served);
    }

    private static int nodeMajorVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return -1;
            }
            Matcher m = Pattern.compile("^v(\\d+)\\.").matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
