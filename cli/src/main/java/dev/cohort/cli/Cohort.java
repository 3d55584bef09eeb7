package dev.cohort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code cohort} command. It talks to the orchestrator ({@code COHORT_ORCHESTRATOR_URL}, default
 * http://localhost:8080) and the context store ({@code COHORT_CONTEXT_STORE_URL}, default http://localhost:8081).
 */
public final class Cohort {

    static final String USAGE = """
            usage: cohort <command> [arguments]

              submit "<description>" [--title T] [--roles a,b] [--manual] [--budget USD] [--template NAME] [--follow]
              list [--status S]
              show <task> [--follow]          the team's progress, one bar per agent; --follow until the task ends
              approve <task> [--plan FILE]    approve the plan, or an edited plan ({"subtasks": [...]}) from FILE
              reject <task> [--reason R]
              pause <task> | resume <task> [--budget USD] | cancel <task>
              stop <task> <subtask> [--reason R] [--no-retry]
                                              stop one agent: its subtask runs again as a new attempt,
                                              or with --no-retry is cancelled and what depends on it skipped
              message <task> --to role:NAME|agent:ID|team [--question] "<text>"
              spawn <task> --role ROLE --title T [--instructions I] [--after k1,k2]
              artifacts <task>                list the task's artifacts
              artifact <task> <key> [--version N]
              export <task> [--out FILE]      the task's latest artifacts as a zip
              wait <url>... [--timeout S]     wait until services are ready (for scripts)
              token [--role R] [--subject NAME] [--ttl HOURS] [--keys DIR]
                                              print a token signed with the local stack's key ($COHORT_HOME/keys):
                                              role viewer, operator (default), admin, worker or orchestrator

            Servers: COHORT_ORCHESTRATOR_URL (default http://localhost:8080),
                     COHORT_CONTEXT_STORE_URL (default http://localhost:8081)
            Token:   COHORT_TOKEN, or the file COHORT_TOKEN_FILE (default $COHORT_HOME/token, COHORT_HOME=.cohort)
            """;

    static final int SUMMARY_LINES = 15;

    private final Api orchestrator;
    private final Api contextStore;
    private final PrintStream out;
    private final boolean color;

    Cohort(Api orchestrator, Api contextStore, PrintStream out, boolean color) {
        this.orchestrator = orchestrator;
        this.contextStore = contextStore;
        this.out = out;
        this.color = color;
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        String token = token(env);
        Cohort cli = new Cohort(
                new Api("orchestrator", env.getOrDefault("COHORT_ORCHESTRATOR_URL", "http://localhost:8080"), token),
                new Api("context store", env.getOrDefault("COHORT_CONTEXT_STORE_URL", "http://localhost:8081"), token),
                System.out, System.console() != null && env.get("NO_COLOR") == null);
        try {
            cli.run(args);
        } catch (CliException e) {
            System.err.println("cohort: " + e.getMessage());
            System.exit(e.exitCode);
        }
    }

    /** Where the local stack keeps its state: {@code COHORT_HOME}, by default {@code .cohort}. */
    static String home(Map<String, String> env) {
        return env.getOrDefault("COHORT_HOME", ".cohort");
    }

    /** {@code COHORT_TOKEN}, else the contents of {@code COHORT_TOKEN_FILE} (default {@code $COHORT_HOME/token}), else none. */
    static String token(Map<String, String> env) {
        String token = env.get("COHORT_TOKEN");
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        Path file = Path.of(env.getOrDefault("COHORT_TOKEN_FILE", home(env) + "/token"));
        try {
            return Files.isReadable(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            throw new CliException(1, "cannot read the token in " + file + ": " + e.getMessage());
        }
    }

    void run(String... argv) {
        Args args = new Args(argv);
        args.rejectUnknownOptions();
        String command = args.next("a command");
        switch (command) {
            case "submit" -> submit(args);
            case "list" -> list(args);
            case "show" -> show(args.next("a task id"), args.flag("follow"));
            case "approve" -> approve(args);
            case "reject" -> {
                String path = task(args);
                String reason = args.option("reason", null);
                print(orchestrator.post(path + "/reject", reason == null ? null : Map.of("reason", reason)));
            }
            case "pause" -> status(orchestrator.post(task(args) + "/pause", null));
            case "cancel" -> status(orchestrator.post(task(args) + "/cancel", null));
            case "resume" -> {
                String path = task(args);
                String budget = args.option("budget", null);
                status(orchestrator.post(path + "/resume" + (budget == null ? "" : "?budgetUsd=" + Api.encode(budget)), null));
            }
            case "stop" -> stop(args);
            case "message" -> message(args);
            case "spawn" -> spawn(args);
            case "artifacts" -> artifacts(args.next("a task id"));
            case "artifact" -> artifact(args);
            case "export" -> export(args);
            case "wait" -> waitReady(args);
            case "token" -> mintToken(args);
            case "help", "--help", "-h" -> out.print(USAGE);
            default -> throw new CliException(64, "unknown command '" + command + "'\n" + USAGE);
        }
        args.requireConsumed();
    }

    private void submit(Args args) {
        String description = args.next("a description of the task");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("description", description);
        body.put("title", args.option("title", null));
        String roles = args.option("roles", null);
        if (roles != null) {
            body.put("roles", Arrays.asList(roles.split(",")));
        }
        body.put("approvalMode", args.flag("manual") ? "manual" : "auto");
        body.put("budgetUsd", args.option("budget", null));
        body.put("template", args.option("template", null));
        boolean follow = args.flag("follow");
        JsonNode task = orchestrator.post("/api/tasks", body);
        out.println("submitted " + task.path("id").asText() + " (" + task.path("status").asText() + ")");
        if (follow) {
            show(task.path("id").asText(), true);
        }
    }

    private void list(Args args) {
        String status = args.option("status", null);
        JsonNode tasks = orchestrator.get("/api/tasks" + (status == null ? "" : "?status=" + Api.encode(status)));
        if (tasks.isEmpty()) {
            out.println("no tasks yet: cohort submit \"what the team should build\"");
        }
        for (JsonNode t : tasks) {
            out.printf("%s  %-18s %8s tok  $%-8s %s%n", t.path("id").asText(), t.path("status").asText(),
                    t.path("promptTokens").asLong() + t.path("completionTokens").asLong(), Progress.usd(t.path("costUsd")),
                    t.path("title").asText());
        }
    }

    /** Prints the task; with {@code follow}, redraws it every second until it ends. */
    void show(String id, boolean follow) {
        Set<String> finished = Set.of("completed", "failed", "cancelled");
        int drawn = 0;
        List<String> last = List.of();
        while (true) {
            JsonNode task = orchestrator.get("/api/tasks/" + Api.encode(id));
            List<String> lines = Progress.render(task, color);
            if (color) {
                if (drawn > 0) {
                    out.print("\u001b[" + drawn + "F\u001b[J"); // back to the first line of the last drawing
                }
                lines.forEach(out::println);
                drawn = lines.size();
            } else if (!lines.equals(last)) {
                // Not a terminal (a log, a pipe): a new block only when something changed.
                if (!last.isEmpty()) {
                    out.println();
                }
                lines.forEach(out::println);
            }
            last = lines;
            if (!follow || finished.contains(task.path("status").asText())) {
                if (task.hasNonNull("summary") && follow) {
                    printSummary(id, task.path("summary").asText());
                }
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!color) {
                out.println();
            }
        }
    }

    private void printSummary(String id, String summary) {
        List<String> lines = summary.lines().toList();
        out.println();
        lines.stream().limit(SUMMARY_LINES).forEach(out::println);
        if (lines.size() > SUMMARY_LINES) {
            out.println("... (" + (lines.size() - SUMMARY_LINES) + " more lines: ./cohort artifact " + id + " summary)");
        }
    }

    private void approve(Args args) {
        String path = task(args);
        String plan = args.option("plan", null);
        Object body = null;
        if (plan != null) {
            try {
                body = Api.JSON.readTree(Files.readString(Path.of(plan)));
            } catch (java.io.IOException e) {
                throw new CliException(66, "cannot read the plan from " + plan + ": " + e.getMessage());
            }
        }
        status(orchestrator.post(path + "/approve", body));
    }

    private void stop(Args args) {
        String path = task(args);
        String subtask = args.next("a subtask key or id");
        boolean retry = !args.flag("no-retry");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", args.option("reason", null));
        status(orchestrator.post(path + "/subtasks/" + Api.encode(subtask) + "/stop" + (retry ? "" : "?retry=false"), body));
        out.println(retry ? "stopped " + subtask + "; it runs again as a new attempt"
                : "stopped " + subtask + "; it will not run again, and what depends on it is skipped");
    }

    private void message(Args args) {
        String path = task(args);
        String to = args.option("to", null);
        if (to == null) {
            throw new CliException(64, "say who to message: --to role:backend, --to agent:<id> or --to team");
        }
        Map<String, Object> recipient = new HashMap<>();
        if (to.equals("team")) {
            recipient.put("type", "team");
            recipient.put("id", "all");
        } else if (to.contains(":")) {
            recipient.put("type", to.substring(0, to.indexOf(':')));
            recipient.put("id", to.substring(to.indexOf(':') + 1));
        } else {
            throw new CliException(64, "--to must be role:NAME, agent:ID or team, was '" + to + "'");
        }
        String kind = args.flag("question") ? "question" : "note";
        String text = args.next("the message text");
        JsonNode sent = orchestrator.post(path + "/messages", Map.of("to", recipient, "kind", kind, "text", text,
                "from", System.getProperty("user.name", "user")));
        out.println("sent " + sent.path("kind").asText() + " to " + sent.path("to").path("type").asText() + " "
                + sent.path("to").path("id").asText());
    }

    private void spawn(Args args) {
        String path = task(args);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("role", required(args.option("role", null), "--role"));
        body.put("title", required(args.option("title", null), "--title"));
        body.put("instructions", args.option("instructions", ""));
        String after = args.option("after", null);
        body.put("dependsOn", after == null ? List.of() : Arrays.asList(after.split(",")));
        status(orchestrator.post(path + "/subtasks", body));
    }

    private void artifacts(String id) {
        JsonNode list = contextStore.get("/api/tasks/" + Api.encode(id) + "/artifacts");
        if (list.isEmpty()) {
            out.println("no artifacts yet");
        }
        for (JsonNode a : list) {
            out.printf("%-50s v%-3d %-12s %7d B  %s%n", a.path("key").asText(), a.path("version").asLong(),
                    a.path("kind").asText(), a.path("sizeBytes").asLong(), a.path("author").path("role").asText());
        }
    }

    private void artifact(Args args) {
        String id = args.next("a task id");
        String key = args.next("an artifact key");
        String version = args.option("version", null);
        JsonNode a = contextStore.get("/api/tasks/" + Api.encode(id) + "/artifacts/" + Api.encodeKey(key)
                + (version == null ? "" : "?version=" + Api.encode(version)));
        out.print(a.path("content").asText());
    }

    private void export(Args args) {
        String id = args.next("a task id");
        Path target = Path.of(args.option("out", "cohort-" + id + ".zip"));
        contextStore.download("/api/tasks/" + Api.encode(id) + "/export.zip", target);
        out.println("exported to " + target.toAbsolutePath());
    }

    static final Set<String> ROLES = Set.of("viewer", "operator", "admin", "worker", "orchestrator");

    /** Prints a token signed with the local stack's key; the keys are made on first use. */
    private void mintToken(Args args) {
        String role = args.option("role", "operator");
        if (!ROLES.contains(role)) {
            throw new CliException(64, "--role must be one of viewer, operator, admin, worker, orchestrator; was '"
                    + role + "'");
        }
        long hours;
        try {
            hours = Long.parseLong(args.option("ttl", "12"));
        } catch (NumberFormatException e) {
            throw new CliException(64, "--ttl is a number of hours");
        }
        if (hours < 1) {
            throw new CliException(64, "--ttl is at least 1 hour");
        }
        String subject = args.option("subject", System.getProperty("user.name", role));
        Path keys = Path.of(args.option("keys", home(System.getenv()) + "/keys"));
        try {
            out.println(LocalIssuer.inDirectory(keys).mint(subject, java.time.Duration.ofHours(hours), List.of(role)));
        } catch (IllegalStateException e) {
            throw new CliException(1, e.getMessage());
        }
    }

    /** Waits until each service's readiness check passes; for scripts that start Cohort. */
    private void waitReady(Args args) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(
                Long.parseLong(args.option("timeout", "180")));
        while (args.hasNext()) {
            String url = args.next("a service URL");
            Api service = new Api("service at " + url, url);
            while (true) {
                try {
                    service.get("/q/health/ready");
                    out.println("ready: " + url);
                    break;
                } catch (CliException e) {
                    if (System.nanoTime() > deadline) {
                        throw new CliException(4, url + " is not ready: " + e.getMessage());
                    }
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new CliException(130, "interrupted");
                    }
                }
            }
        }
    }

    private String task(Args args) {
        return "/api/tasks/" + Api.encode(args.next("a task id"));
    }

    private void status(JsonNode task) {
        out.println(task.path("id").asText() + ": " + task.path("status").asText()
                + (task.hasNonNull("statusReason") ? " (" + task.path("statusReason").asText() + ")" : ""));
    }

    private void print(JsonNode json) {
        if (json.has("status") && json.has("id")) {
            status(json);
        } else {
            out.println(json.toPrettyString());
        }
    }

    private static String required(String value, String option) {
        if (value == null || value.isBlank()) {
            throw new CliException(64, option + " is required");
        }
        return value;
    }

    /** Positional arguments in order; options as {@code --name value} or {@code --flag}, anywhere. */
    static final class Args {
        private final Deque<String> positional = new ArrayDeque<>();
        private final Map<String, String> options = new HashMap<>();
        private static final Set<String> FLAGS = Set.of("follow", "manual", "question", "no-retry");
        private static final Set<String> OPTIONS = Set.of("title", "roles", "budget", "template", "status", "plan",
                "reason", "to", "role", "instructions", "after", "version", "out", "timeout", "subject", "ttl", "keys");

        Args(String... argv) {
            for (int i = 0; i < argv.length; i++) {
                if (argv[i].startsWith("--") && argv[i].length() > 2) {
                    String name = argv[i].substring(2);
                    if (FLAGS.contains(name)) {
                        options.put(name, "true");
                    } else if (i + 1 < argv.length) {
                        options.put(name, argv[++i]);
                    } else {
                        throw new CliException(64, "--" + name + " needs a value");
                    }
                } else {
                    positional.add(argv[i]);
                }
            }
        }

        String next(String what) {
            if (positional.isEmpty()) {
                throw new CliException(64, "missing " + what + "\n" + USAGE);
            }
            return positional.poll();
        }

        /** Checked before anything is sent, so a typo never half-runs a command. */
        void rejectUnknownOptions() {
            for (String name : options.keySet()) {
                if (!FLAGS.contains(name) && !OPTIONS.contains(name)) {
                    throw new CliException(64, "did not understand --" + name + "\n" + USAGE);
                }
            }
        }

        boolean hasNext() {
            return !positional.isEmpty();
        }

        String option(String name, String fallback) {
            String value = options.remove(name);
            return value == null ? fallback : value;
        }

        boolean flag(String name) {
            return options.remove(name) != null;
        }

        void requireConsumed() {
            if (!options.isEmpty() || !positional.isEmpty()) {
                throw new CliException(64, "did not understand: " + String.join(" ", positional)
                        + options.keySet().stream().map(k -> " --" + k).reduce("", String::concat));
            }
        }
    }
}
