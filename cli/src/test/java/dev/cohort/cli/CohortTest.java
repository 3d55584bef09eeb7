package dev.cohort.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a stand-in orchestrator on loopback: what it sends, what it prints, how it fails. */
class CohortTest {

    HttpServer server;
    final List<String> requests = new ArrayList<>();
    /** Every request as the server saw it: the path decoded, the query raw. */
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** "METHOD path" to a canned answer, checked before the built-in ones. */
    final Map<String, Canned> canned = new ConcurrentHashMap<>();
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Cohort cli;

    @TempDir
    Path dir;

    record Received(String method, String path, String rawPath, String query, String contentType, String body) {

        JsonNode json() {
            try {
                return Api.JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    record Canned(int status, String contentType, byte[] body) {

        static Canned json(int status, String json) {
            return new Canned(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Canned reply = canned.get(exchange.getRequestMethod() + " " + path);
            if (reply != null) {
                exchange.getResponseHeaders().add("Content-Type", reply.contentType());
                exchange.sendResponseHeaders(reply.status(), reply.body().length);
                exchange.getResponseBody().write(reply.body());
                exchange.close();
                return;
            }
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

    /** The Authorization header of each request, "null" when absent. */
    final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void everyRequestCarriesTheTokenAndA401SaysWhereATokenComesFrom(@TempDir Path home) throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        Cohort withToken = new Cohort(new Api("orchestrator", url, "t0k3n"), new Api("context store", url, "t0k3n"),
                new PrintStream(printed, true, StandardCharsets.UTF_8), false);
        withToken.run("submit", "Build a todo API");
        withToken.run("show", "t-1");
        assertEquals(List.of("Bearer t0k3n", "Bearer t0k3n"), authorizations);

        canned.put("GET /api/tasks/t-2", new Canned(401, "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
        CliException refused = assertThrows(CliException.class, () -> cli.run("show", "t-2"));
        assertTrue(refused.getMessage().contains("COHORT_TOKEN") && refused.getMessage().contains("none was sent"),
                refused.getMessage());

        Files.writeString(home.resolve("token"), "from-the-file\n");
        assertEquals("from-the-file", Cohort.token(Map.of("COHORT_HOME", home.toString())));
        assertEquals("from-env", Cohort.token(Map.of("COHORT_HOME", home.toString(), "COHORT_TOKEN", "from-env")));
        assertEquals(null, Cohort.token(Map.of("COHORT_HOME", home.resolve("none").toString())));
    }

    @Test
    void theLocalIssuerMakesItsKeysOnceAndSignsTokensWithTheRoleAsked(@TempDir Path keys) throws Exception {
        LocalIssuer issuer = LocalIssuer.inDirectory(keys);
        String token = issuer.mint("alice", java.time.Duration.ofHours(1), List.of("operator"));
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, token);
        String claims = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"groups\":[\"operator\"]") && claims.contains("\"sub\":\"alice\"")
                && claims.contains("\"iss\":\"cohort\"") && claims.contains("\"aud\":\"cohort\""), claims);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.resolve("private.pem"))));
        String publicKey = Files.readString(keys.resolve("public.pem"));
        LocalIssuer.inDirectory(keys);
        assertEquals(publicKey, Files.readString(keys.resolve("public.pem")), "the pair is made once");
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
        printed.reset();
        cli.run("stop", "--help");
        assertTrue(out().contains("Usage: cohort stop [-h] [--reason=R] [--no-retry]") && out().contains("<task> <subtask>"),
                out());
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

    @Test
    void theHelpIsGeneratedFromTheCommandsAndTheirOptions() {
        cli.run("--help");
        String top = out();
        for (String command : List.of("submit", "list", "show", "approve", "reject", "pause", "resume", "cancel", "stop",
                "message", "spawn", "artifacts", "artifact", "export", "wait", "token", "help")) {
            assertTrue(top.lines().anyMatch(line -> line.startsWith("  " + command + " ")), command + " in\n" + top);
        }
        assertTrue(top.startsWith("Usage: cohort [-h] <command>"), top);
        assertTrue(top.contains("-h, --help") && top.contains("COHORT_TOKEN") && top.contains("COHORT_ORCHESTRATOR_URL"), top);
        printed.reset();
        cli.run("help");
        assertEquals(top, out(), "cohort help is cohort --help");

        printed.reset();
        cli.run("submit", "--help");
        String submit = out();
        assertTrue(submit.startsWith("Usage: cohort submit [-h] [--title=T] [--roles=ROLE[,ROLE...]]... [--manual]"), submit);
        for (String option : List.of("<description>", "--title=T", "--roles=ROLE", "--manual", "--budget=USD",
                "--template=NAME", "--follow", "--orchestrator-url=URL", "--context-store-url=URL", "-h, --help")) {
            assertTrue(submit.contains(option), option + " in\n" + submit);
        }
        assertTrue(submit.replaceAll("\\s+", " ").contains("(default: "
                + System.getenv().getOrDefault("COHORT_ORCHESTRATOR_URL", "http://localhost:8080")
                + "; env COHORT_ORCHESTRATOR_URL)"), "the default, from the environment: " + submit);
        assertTrue(!submit.contains("--no-retry") && !submit.contains("--plan"), "only submit's own options: " + submit);
        printed.reset();
        cli.run("help", "submit");
        assertEquals(submit, out(), "cohort help submit is cohort submit --help");
        assertEquals(List.of(), received, "help asks no server");
    }

    @Test
    void anUnknownOptionIsNamedWithTheUsageAndNothingIsSent() {
        CliException e = assertThrows(CliException.class, () -> cli.run("submit", "Build it", "--folow"));

        assertEquals(Cohort.USAGE_ERROR, e.exitCode);
        assertEquals("did not understand --folow: 'cohort submit' has no such option", e.getMessage());
        assertTrue(e.usage.startsWith("Usage: cohort submit "), e.usage);
        assertEquals(List.of(), received, "a typo never half-runs a command");

        CliException top = assertThrows(CliException.class, () -> cli.run("--verbose", "list"));
        assertEquals(Cohort.USAGE_ERROR, top.exitCode);
        assertEquals("did not understand --verbose: 'cohort' has no such option", top.getMessage());
        assertEquals("did not understand --folow: 'cohort submit' has no such option",
                assertThrows(CliException.class, () -> cli.run("submit", "--folow", "Build it")).getMessage());
        CliException command = assertThrows(CliException.class, () -> cli.run("frobnicate", "t-1"));
        assertEquals("unknown command 'frobnicate'", command.getMessage());
        assertTrue(command.usage.contains("Commands:"), command.usage);
        CliException none = assertThrows(CliException.class, () -> cli.run());
        assertEquals(Cohort.USAGE_ERROR, none.exitCode);
        assertEquals("missing a command", none.getMessage());
        CliException value = assertThrows(CliException.class, () -> cli.run("reject", "t-1", "--reason"));
        assertEquals("--reason needs a value", value.getMessage());
        assertEquals(List.of(), received);
    }

    @Test
    void oneCommandsOptionsAreNotAnothers() {
        CliException budget = assertThrows(CliException.class, () -> cli.run("pause", "t-1", "--budget", "5"));
        assertEquals(Cohort.USAGE_ERROR, budget.exitCode);
        assertEquals("did not understand --budget: 'cohort pause' has no such option", budget.getMessage());
        CliException follow = assertThrows(CliException.class, () -> cli.run("list", "--follow"));
        assertEquals("did not understand --follow: 'cohort list' has no such option", follow.getMessage());
        CliException servers = assertThrows(CliException.class,
                () -> cli.run("token", "--orchestrator-url", "http://elsewhere", "--keys", dir.toString()));
        assertEquals("did not understand --orchestrator-url: 'cohort token' has no such option", servers.getMessage());
        assertTrue(Files.notExists(dir.resolve("private.pem")), "no keys made");
        CliException extra = assertThrows(CliException.class, () -> cli.run("show", "t-1", "t-2"));
        assertEquals("did not understand t-2: 'cohort show' takes no more arguments", extra.getMessage());
        assertEquals(List.of(), received, "nothing sent for a command that was not understood");

        canned.put("POST /api/tasks/t-1/resume", Canned.json(200, "{\"id\":\"t-1\",\"status\":\"running\"}"));
        cli.run("resume", "t-1", "--budget", "5");
        assertEquals("budgetUsd=5", only("POST", "/api/tasks/t-1/resume").query(), "--budget is resume's");
    }

    @Test
    void aTextMayStartWithADashAndAfterDashDashWithTwo() {
        canned.put("POST /api/tasks/t-1/messages", Canned.json(200, "{\"to\":{\"type\":\"team\",\"id\":\"all\"},\"kind\":\"note\"}"));

        canned.put("POST /api/tasks/t-1/reject", Canned.json(200, "{\"id\":\"t-1\",\"status\":\"rejected\"}"));

        cli.run("submit", "- an API\n- a web front end");
        cli.run("message", "t-1", "--to", "team", "-v is verbose");
        cli.run("message", "t-1", "--to", "team", "--", "--force is not the answer");
        cli.run("reject", "t-1", "--reason", "--no");

        assertEquals("- an API\n- a web front end", only("POST", "/api/tasks").json().get("description").asText());
        assertEquals(List.of("-v is verbose", "--force is not the answer"),
                all("POST", "/api/tasks/t-1/messages").stream().map(r -> r.json().get("text").asText()).toList());
        assertEquals("--no", only("POST", "/api/tasks/t-1/reject").json().get("reason").asText(), "an option's value");
    }

    @Test
    void theServersComeFromTheOptionsAndTheTokenFromTheEnvironmentOnlyWhenACommandCallsOne() throws Exception {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        Cohort configured = new Cohort(Map.of("COHORT_TOKEN", "env-t0k3n"), new PrintStream(printed, true,
                StandardCharsets.UTF_8), false);

        configured.run("show", "t-1", "--orchestrator-url", url);
        canned.put("GET /api/tasks/t-1/artifacts", Canned.json(200, "[]"));
        configured.run("artifacts", "--context-store-url", url + "/", "t-1");

        assertEquals(List.of("GET /api/tasks/t-1", "GET /api/tasks/t-1/artifacts"),
                received.stream().map(r -> r.method() + " " + r.path()).toList());
        assertEquals(List.of("Bearer env-t0k3n", "Bearer env-t0k3n"), authorizations);
        CliException elsewhere = assertThrows(CliException.class,
                () -> configured.run("list", "--orchestrator-url", "http://127.0.0.1:1"));
        assertEquals(3, elsewhere.exitCode);
        assertTrue(elsewhere.getMessage().contains("http://127.0.0.1:1"), elsewhere.getMessage());

        Cohort unreadableToken = new Cohort(Map.of("COHORT_TOKEN_FILE", dir.toString()),
                new PrintStream(printed, true, StandardCharsets.UTF_8), false);
        unreadableToken.run("help", "list");
        CliException token = assertThrows(CliException.class, () -> unreadableToken.run("list", "--orchestrator-url", url));
        assertEquals(1, token.exitCode);
        assertTrue(token.getMessage().startsWith("cannot read the token in " + dir), token.getMessage());
    }

    @Test
    void approveWithoutAPlanSendsNoBodyAndPrintsTheNewStatus() {
        canned.put("POST /api/tasks/t-1/approve", Canned.json(200, "{\"id\":\"t-1\",\"status\":\"running\"}"));

        cli.run("approve", "t-1");

        Received r = only("POST", "/api/tasks/t-1/approve");
        assertEquals("", r.body(), "no body approves the plan as proposed");
        assertEquals("t-1: running\n", out());
    }

    @Test
    void approveWithAPlanFileSendsTheEditedPlan() throws Exception {
        canned.put("POST /api/tasks/t-1/approve", Canned.json(200, "{\"id\":\"t-1\",\"status\":\"running\"}"));
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, """
                {"subtasks": [
                  {"id": "spec", "role": "architect", "title": "Write the spec", "dependsOn": []},
                  {"id": "impl", "role": "backend", "title": "Implement it with paging", "dependsOn": ["spec"],
                   "model": {"provider": "openrouter", "model": "openai/gpt-4.1"}}
                ]}""");

        cli.run("approve", "t-1", "--plan", plan.toString());

        Received r = only("POST", "/api/tasks/t-1/approve");
        assertEquals("application/json", r.contentType());
        assertEquals(Api.JSON.readTree(Files.readString(plan)), r.json(), "the file's plan, unchanged");
        assertEquals("t-1: running\n", out());
    }

    @Test
    void approveWithAPlanFileThatCannotBeReadSendsNothing() {
        Path missing = dir.resolve("no-such-plan.json");

        CliException e = assertThrows(CliException.class, () -> cli.run("approve", "t-1", "--plan", missing.toString()));

        assertEquals(66, e.exitCode);
        assertTrue(e.getMessage().contains("cannot read the plan from " + missing), e.getMessage());
        assertEquals(List.of(), received);
    }

    @Test
    void rejectSendsTheReasonAndPrintsIt() {
        canned.put("POST /api/tasks/t-1/reject", Canned.json(200,
                "{\"id\":\"t-1\",\"status\":\"rejected\",\"statusReason\":\"too costly for a demo\"}"));

        cli.run("reject", "t-1", "--reason", "too costly for a demo");

        Received r = only("POST", "/api/tasks/t-1/reject");
        assertEquals("too costly for a demo", r.json().get("reason").asText());
        assertEquals("t-1: rejected (too costly for a demo)\n", out());
    }

    @Test
    void rejectWithoutAReasonSendsNoEmptyOne() {
        canned.put("POST /api/tasks/t-1/reject", Canned.json(200, "{\"id\":\"t-1\",\"status\":\"rejected\"}"));

        cli.run("reject", "t-1");

        assertEquals("", only("POST", "/api/tasks/t-1/reject").body(), "no reason rather than an empty one");
        assertEquals("t-1: rejected\n", out());
    }

    @Test
    void pauseAndCancelPostToTheirCommandsAndPrintTheStatus() {
        canned.put("POST /api/tasks/t-1/pause", Canned.json(200,
                "{\"id\":\"t-1\",\"status\":\"paused\",\"statusReason\":\"paused by user\"}"));
        canned.put("POST /api/tasks/t-1/cancel", Canned.json(200,
                "{\"id\":\"t-1\",\"status\":\"cancelled\",\"statusReason\":\"cancelled by user\"}"));

        cli.run("pause", "t-1");
        cli.run("cancel", "t-1");

        assertEquals(List.of("POST /api/tasks/t-1/pause", "POST /api/tasks/t-1/cancel"),
                received.stream().map(r -> r.method() + " " + r.path()).toList());
        assertEquals("", received.get(0).body());
        assertEquals("", received.get(1).body());
        assertEquals("t-1: paused (paused by user)\nt-1: cancelled (cancelled by user)\n", out());
    }

    @Test
    void resumeWithABudgetSendsItAsTheQueryParameterTheOrchestratorReads() {
        canned.put("POST /api/tasks/t-1/resume", Canned.json(200, "{\"id\":\"t-1\",\"status\":\"running\"}"));

        cli.run("resume", "t-1", "--budget", "5.00");
        cli.run("resume", "t-1");

        List<Received> resumes = all("POST", "/api/tasks/t-1/resume");
        assertEquals(2, resumes.size());
        assertEquals("budgetUsd=5.00", resumes.get(0).query());
        assertEquals(null, resumes.get(1).query(), "no budget, no parameter");
        assertEquals("t-1: running\nt-1: running\n", out());
    }

    @Test
    void aRefusedResumeShowsTheServersWordsAndExitsWithTwo() {
        canned.put("POST /api/tasks/t-1/resume", Canned.json(400,
                "{\"status\":400,\"error\":\"'budgetUsd' must be positive\",\"detail\":\"was -1\"}"));

        CliException e = assertThrows(CliException.class, () -> cli.run("resume", "t-1", "--budget", "-1"));

        assertEquals(2, e.exitCode);
        assertEquals("the orchestrator refused the request (HTTP 400): 'budgetUsd' must be positive (was -1)",
                e.getMessage());
        assertEquals("", out(), "nothing printed as if it had worked");
    }

    @Test
    void aMessageToARoleIsANoteAndWithQuestionAQuestion() {
        canned.put("POST /api/tasks/t-1/messages", Canned.json(200,
                "{\"type\":\"agent.message\",\"to\":{\"type\":\"role\",\"id\":\"backend\"},\"kind\":\"note\"}"));

        cli.run("message", "t-1", "--to", "role:backend", "Please add pagination.");
        canned.put("POST /api/tasks/t-1/messages", Canned.json(200,
                "{\"type\":\"agent.message\",\"to\":{\"type\":\"agent\",\"id\":\"backend-1\"},\"kind\":\"question\"}"));
        cli.run("message", "t-1", "--to", "agent:backend-1", "--question", "Which port?");

        List<Received> sent = all("POST", "/api/tasks/t-1/messages");
        assertEquals(2, sent.size());
        JsonNode note = sent.get(0).json();
        assertEquals("role", note.at("/to/type").asText());
        assertEquals("backend", note.at("/to/id").asText());
        assertEquals("note", note.get("kind").asText());
        assertEquals("Please add pagination.", note.get("text").asText());
        assertEquals(System.getProperty("user.name"), note.get("from").asText());
        JsonNode question = sent.get(1).json();
        assertEquals("agent", question.at("/to/type").asText());
        assertEquals("backend-1", question.at("/to/id").asText());
        assertEquals("question", question.get("kind").asText());
        assertEquals("Which port?", question.get("text").asText());
        assertEquals("sent note to role backend\nsent question to agent backend-1\n", out());
    }

    @Test
    void aMessageToTheTeamGoesToAll() {
        canned.put("POST /api/tasks/t-1/messages", Canned.json(200,
                "{\"to\":{\"type\":\"team\",\"id\":\"all\"},\"kind\":\"note\"}"));

        cli.run("message", "t-1", "--to", "team", "Stand-up in five minutes");

        JsonNode body = only("POST", "/api/tasks/t-1/messages").json();
        assertEquals("team", body.at("/to/type").asText());
        assertEquals("all", body.at("/to/id").asText());
        assertEquals("sent note to team all\n", out());
        assertTrue(assertThrows(CliException.class, () -> cli.run("message", "t-1", "--to", "backend", "hi"))
                .getMessage().contains("--to must be role:NAME, agent:ID or team, was 'backend'"));
    }

    @Test
    void spawnSendsTheRoleTitleInstructionsAndDependencies() {
        canned.put("POST /api/tasks/t-1/subtasks", Canned.json(200, "{\"id\":\"t-1\",\"status\":\"running\"}"));

        cli.run("spawn", "t-1", "--role", "reviewer", "--title", "Second review", "--instructions", "Check the SQL",
                "--after", "api,ui");

        JsonNode body = only("POST", "/api/tasks/t-1/subtasks").json();
        assertEquals("reviewer", body.get("role").asText());
        assertEquals("Second review", body.get("title").asText());
        assertEquals("Check the SQL", body.get("instructions").asText());
        assertEquals(List.of("api", "ui"), strings(body.get("dependsOn")));
        assertEquals("t-1: running\n", out());

        CliException noTitle = assertThrows(CliException.class, () -> cli.run("spawn", "t-1", "--role", "tester"));
        assertEquals(64, noTitle.exitCode);
        assertEquals("--title is required", noTitle.getMessage());
        assertEquals(1, all("POST", "/api/tasks/t-1/subtasks").size(), "nothing sent without a title");
    }

    @Test
    void artifactPrintsTheContentOfTheVersionAsked() {
        canned.put("GET /api/tasks/t-1/artifacts/src/App.java", Canned.json(200,
                "{\"key\":\"src/App.java\",\"version\":2,\"content\":\"public class App {\\n}\\n\"}"));

        cli.run("artifact", "t-1", "src/App.java", "--version", "2");

        Received r = only("GET", "/api/tasks/t-1/artifacts/src/App.java");
        assertEquals("version=2", r.query());
        assertEquals("public class App {\n}\n", out());
    }

    @Test
    void artifactKeysWithSpacesAndReservedCharactersArriveIntact() {
        String key = "docs/release notes #1?.md";
        canned.put("GET /api/tasks/t-1/artifacts/" + key, Canned.json(200,
                "{\"key\":\"docs/release notes #1?.md\",\"version\":1,\"content\":\"# Notes\"}"));

        cli.run("artifact", "t-1", key);

        Received r = only("GET", "/api/tasks/t-1/artifacts/" + key);
        assertEquals("/api/tasks/t-1/artifacts/docs/release%20notes%20%231%3F.md", r.rawPath(),
                "each segment encoded, the '/' kept");
        assertEquals(null, r.query());
        assertEquals("# Notes", out());
    }

    @Test
    void exportWritesTheZipWhereAskedAndARefusalLeavesNoFile() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("src/App.java"));
            z.write("public class App {}\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("docs/api.md"));
            z.write("# API\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        canned.put("GET /api/tasks/t-1/export.zip", new Canned(200, "application/zip", zip.toByteArray()));
        Path target = dir.resolve("out").resolve("..").resolve("todo.zip").normalize();

        cli.run("export", "t-1", "--out", target.toString());

        only("GET", "/api/tasks/t-1/export.zip");
        assertEquals("exported to " + target.toAbsolutePath() + "\n", out());
        try (ZipFile written = new ZipFile(target.toFile())) {
            assertEquals(List.of("src/App.java", "docs/api.md"), written.stream().map(ZipEntry::getName).toList());
            assertEquals("public class App {}\n", new String(written.getInputStream(written.getEntry("src/App.java"))
                    .readAllBytes(), StandardCharsets.UTF_8));
        }

        canned.put("GET /api/tasks/t-2/export.zip", Canned.json(404,
                "{\"status\":404,\"error\":\"task t-2 has no artifacts\"}"));
        Path refused = dir.resolve("t-2.zip");
        CliException e = assertThrows(CliException.class, () -> cli.run("export", "t-2", "--out", refused.toString()));
        assertEquals(2, e.exitCode);
        assertEquals("the context store refused the request (HTTP 404): task t-2 has no artifacts", e.getMessage());
        assertTrue(Files.notExists(refused), "no half-written or error file left behind");
    }

    @Test
    void aRefusedExportKeepsTheEarlierFileAndAMissingDirectoryIsNamed() throws Exception {
        canned.put("GET /api/tasks/t-1/export.zip", Canned.json(503,
                "{\"status\":503,\"error\":\"the context store's database is not reachable\"}"));
        Path earlier = dir.resolve("todo.zip");
        Files.writeString(earlier, "the export of yesterday");

        CliException refused = assertThrows(CliException.class, () -> cli.run("export", "t-1", "--out", earlier.toString()));

        assertEquals(2, refused.exitCode);
        assertTrue(refused.getMessage().contains("database is not reachable"), refused.getMessage());
        assertEquals("the export of yesterday", Files.readString(earlier), "the earlier export is untouched");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(earlier), files.toList(), "no partial file left behind");
        }

        Path nowhere = dir.resolve("no-such-dir").resolve("todo.zip");
        CliException missing = assertThrows(CliException.class, () -> cli.run("export", "t-1", "--out", nowhere.toString()));
        assertEquals(73, missing.exitCode);
        assertEquals("cannot write " + nowhere + ": the directory " + nowhere.getParent() + " does not exist",
                missing.getMessage());
        assertEquals(1, all("GET", "/api/tasks/t-1/export.zip").size(), "nothing asked of the server it cannot save");
    }

    private Received only(String method, String path) {
        List<Received> matching = all(method, path);
        assertEquals(1, matching.size(), "one " + method + " " + path + " in " + received);
        return matching.get(0);
    }

    private List<Received> all(String method, String path) {
        return received.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    private String out() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }
}
