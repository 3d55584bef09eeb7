package dev.cohort.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI against a stand-in orchestrator on loopback: what it sends, what it prints, how it fails. */
class CohortTest {

    HttpServer server;
    final List<String> requests = new ArrayList<>();
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Cohort cli;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            String answer;
            if (path.equals("/api/tasks") && exchange.getRequestMethod().equals("POST")) {
                status = body.contains("\"description\":\"\"") ? 400 : 201;
                answer = status == 400 ? "{\"status\":400,\"error\":\"'description' is required\"}"
                        : "{\"id\":\"t-1\",\"status\":\"planning\"}";
            } else if (path.equals("/api/tasks/t-1/subtasks/backend/stop")) {
                answer = "{\"id\":\"t-1\",\"status\":\"running\"}";
            } else if (path.equals("/api/tasks/t-1/subtasks/design/stop")) {
                status = 409;
                answer = "{\"status\":409,\"error\":\"subtask 'design' is done; only a dispatched or running subtask can be stopped\"}";
            } else if (path.equals("/api/tasks/t-1")) {
                answer = """
                        {"id":"t-1","title":"Todo","status":"running","promptTokens":10,"completionTokens":20,"costUsd":0,
                         "subtasks":[{"key":"design","role":"architect","status":"done","completionTokens":200,
                                      "model":"qwen","provider":"ollama"},
                                     {"key":"backend","role":"backend","status":"running","progressTokens":100,
                                      "model":"gpt","provider":"openrouter"}]}""";
            } else {
                status = 404;
                answer = "{\"status\":404,\"error\":\"no task with id x\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        cli = new Cohort(new Api("orchestrator", url), new Api("context store", url),
                new PrintStream(printed, true, StandardCharsets.UTF_8), false);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void submitSendsTheTaskAndSaysWhatWasCreated() {
        cli.run("submit", "Build a todo API", "--roles", "backend,frontend", "--manual", "--budget", "2.50");

        assertTrue(requests.get(0).startsWith("POST /api/tasks "), requests.toString());
        assertTrue(requests.get(0).contains("\"roles\":[\"backend\",\"frontend\"]"), requests.get(0));
        assertTrue(requests.get(0).contains("\"approvalMode\":\"manual\""), requests.get(0));
        assertTrue(requests.get(0).contains("\"budgetUsd\":\"2.50\""), requests.get(0));
        assertEquals("submitted t-1 (planning)\n", printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void showDrawsOneBarPerAgentWithItsModelAndBadge() {
        cli.run("show", "t-1");

        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("1/2 done"), out);
        assertTrue(out.contains("design") && out.contains("[####################]") && out.contains("qwen [local]"), out);
        assertTrue(out.contains("backend") && out.contains("[##########..........]") && out.contains("gpt [cloud]"), out);
    }

    @Test
    void stopNamesTheSubtaskInThePathAndSendsTheReason() {
        cli.run("stop", "t-1", "backend", "--reason", "stuck in a loop");
        cli.run("stop", "t-1", "backend", "--no-retry");

        assertTrue(requests.get(0).startsWith("POST /api/tasks/t-1/subtasks/backend/stop {"), requests.get(0));
        assertTrue(requests.get(0).contains("\"reason\":\"stuck in a loop\""), requests.get(0));
        assertTrue(requests.get(1).startsWith("POST /api/tasks/t-1/subtasks/backend/stop?retry=false "), requests.get(1));
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("stopped backend; it runs again as a new attempt"), out);
        assertTrue(out.contains("stopped backend; it will not run again"), out);

        CliException notRunning = assertThrows(CliException.class, () -> cli.run("stop", "t-1", "design"));
        assertTrue(notRunning.getMessage().contains("only a dispatched or running subtask"), notRunning.getMessage());
        assertTrue(assertThrows(CliException.class, () -> cli.run("stop", "t-1")).getMessage()
                .contains("missing a subtask key or id"));
        assertTrue(Cohort.USAGE.contains("stop <task> <subtask> [--reason R] [--no-retry]"));
    }

    @Test
    void aRefusedRequestSaysWhyAndAnUnreachableServerSaysWhere() {
        CliException refused = assertThrows(CliException.class, () -> cli.run("submit", ""));
        assertEquals(2, refused.exitCode);
        assertTrue(refused.getMessage().contains("'description' is required"), refused.getMessage());

        CliException missing = assertThrows(CliException.class, () -> cli.run("pause", "x"));
        assertTrue(missing.getMessage().contains("no task with id x"), missing.getMessage());

        server.stop(0);
        CliException down = assertThrows(CliException.class, () -> cli.run("list"));
        assertEquals(3, down.exitCode);
        assertTrue(down.getMessage().contains("cannot reach the orchestrator") && down.getMessage().contains("is it running"),
                down.getMessage());
    }

    @Test
    void badUsageIsExplained() {
        assertEquals(64, assertThrows(CliException.class, () -> cli.run("frobnicate")).exitCode);
        assertTrue(assertThrows(CliException.class, () -> cli.run("message", "t-1", "hi")).getMessage().contains("--to"));
        assertTrue(assertThrows(CliException.class, () -> cli.run("list", "--colour", "x")).getMessage()
                .contains("did not understand"));
    }
}
