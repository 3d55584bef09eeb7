package dev.cohort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code cohort} command: one picocli subcommand per thing it does, each with its own options; the help is
 * generated from them. It talks to the orchestrator ({@code --orchestrator-url}, {@code COHORT_ORCHESTRATOR_URL},
 * default http://localhost:8080) and the context store ({@code --context-store-url}, {@code COHORT_CONTEXT_STORE_URL},
 * default http://localhost:8081), with the token of {@link #token(Map)}, which is never taken from the command line.
 *
 * <p>Exit codes: 0 done, 1 a local failure, 2 a server refused the request, 3 a server is unreachable, 4 a service did
 * not become ready, 64 bad usage (what was wrong, then the command's usage, on stderr), 66 an unreadable input file,
 * 73 an unwritable output file, 130 interrupted.
 */
@Command(name = "cohort",
        description = "Submit tasks to a team of agents, follow its progress, steer it and fetch its artifacts.",
        synopsisSubcommandLabel = "<command>",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  COHORT_ORCHESTRATOR_URL, COHORT_CONTEXT_STORE_URL",
            "                 the servers, unless --orchestrator-url or --context-store-url say otherwise",
            "  COHORT_TOKEN   the token sent with every request; without it, the contents",
            "                 of the file COHORT_TOKEN_FILE (default $COHORT_HOME/token).",
            "                 A token is never taken from the command line.",
            "  COHORT_HOME    the local stack's keys and token (default .cohort)",
            "  NO_COLOR       no colours",
            "",
            "Run 'cohort <command> --help' for a command's arguments and options."})
public final class Cohort {

    /** Bad usage: an unknown command or option, a missing argument (sysexits' EX_USAGE). */
    static final int USAGE_ERROR = 64;

    static final int SUMMARY_LINES = 15;

    /** The order in the help of the options every command has, after its own. */
    static final int LAST = 1000;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, order = LAST + 2,
            description = "Show this help and exit.")
    boolean help;

    /** The servers when they are given (tests); null when they come from the options. */
    private final Api fixedOrchestrator;
    private final Api fixedContextStore;
    /** The token, read only when a server is called, so that help and usage errors never need it. */
    private final Supplier<String> token;
    private final PrintStream out;
    private final boolean color;

    /** A command line whose servers are these, whatever the options say. */
    Cohort(Api orchestrator, Api contextStore, PrintStream out, boolean color) {
        this.fixedOrchestrator = orchestrator;
        this.fixedContextStore = contextStore;
        this.token = () -> null;
        this.out = out;
        this.color = color;
    }

    /** A command line that finds its servers in the options and its token in {@code env}. */
    Cohort(Map<String, String> env, PrintStream out, boolean color) {
        this.fixedOrchestrator = null;
        this.fixedContextStore = null;
        this.token = () -> token(env);
        this.out = out;
        this.color = color;
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        Cohort cli = new Cohort(env, System.out, System.console() != null && env.get("NO_COLOR") == null);
        try {
            cli.run(args);
        } catch (CliException e) {
            System.err.println("cohort: " + e.getMessage());
            if (e.usage != null) {
                System.err.print(e.usage);
            }
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

    /** The command line, its subcommands in the order the help lists them; a new one for each run. */
    CommandLine commandLine() {
        CommandLine cl = new CommandLine(this)
                .addSubcommand(new Submit())
                .addSubcommand(new ListTasks())
                .addSubcommand(new Show())
                .addSubcommand(new Approve())
                .addSubcommand(new Reject())
                .addSubcommand(new Pause())
                .addSubcommand(new Resume())
                .addSubcommand(new Cancel())
                .addSubcommand(new Stop())
                .addSubcommand(new Message())
                .addSubcommand(new Spawn())
                .addSubcommand(new Artifacts())
                .addSubcommand(new Artifact())
                .addSubcommand(new Export())
                .addSubcommand(new Wait())
                .addSubcommand(new MintToken())
                .addSubcommand(new HelpCommand());
        // Options in the order declared: a command's own first, then the servers' and help (their order is LAST).
        cl.getCommandSpec().usageMessage().sortOptions(false).sortSynopsis(false);
        for (CommandLine command : cl.getSubcommands().values()) {
            command.getCommandSpec().usageMessage().sortOptions(false).sortSynopsis(false);
        }
        cl.setUsageHelpWidth(100);
        cl.setOut(new PrintWriter(out, true));
        cl.setColorScheme(Help.defaultColorScheme(color ? Help.Ansi.AUTO : Help.Ansi.OFF));
        // As before picocli: an argument is never read as a file of arguments, a repeated option's last value wins, and
        // only a --name is an option, so that a text may start with '-' ("- first this, - then that"); an unknown
        // --name is refused by unknownOption, and one that is a text goes after "--".
        cl.setExpandAtFiles(false);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    /**
     * Runs one command. Everything is parsed and checked before anything is sent, so a typo never half-runs a command;
     * bad usage is a {@link CliException} with {@link #USAGE_ERROR} and the usage of the command that was misused.
     */
    void run(String... argv) {
        CommandLine cl = commandLine();
        ParseResult parsed;
        try {
            parsed = cl.parseArgs(argv);
        } catch (ParameterException e) {
            throw usageError(e, argv);
        }
        List<CommandLine> chain = parsed.asCommandLineList();
        CommandLine last = chain.get(chain.size() - 1);
        String unknown = unknownOption(last.getCommandSpec(), argv);
        if (unknown != null) {
            throw new CliException(USAGE_ERROR, "did not understand " + unknown + ": '"
                    + last.getCommandSpec().qualifiedName() + "' has no such option", last.getUsageMessage());
        }
        try {
            if (CommandLine.printHelpIfRequested(parsed)) {
                return;
            }
        } finally {
            cl.getOut().flush();
        }
        Object command = last.getCommand();
        if (command == this) {
            throw new CliException(USAGE_ERROR, "missing a command", cl.getUsageMessage());
        }
        ((Runnable) command).run();
    }

    /** What was wrong, said the way the rest of the CLI says it. */
    private CliException usageError(ParameterException e, String[] argv) {
        CommandLine where = e.getCommandLine();
        String command = where.getCommandSpec().qualifiedName();
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException unmatched) {
            List<String> args = unmatched.getUnmatched();
            String option = unknownOption(where.getCommandSpec(), argv);
            boolean top = where.getCommand() == this;
            if (top && !args.get(0).startsWith("-")) {
                message = "unknown command '" + args.get(0) + "'";
            } else if (option != null || top) {
                message = "did not understand " + (option != null ? option : args.get(0)) + ": '" + command
                        + "' has no such option";
            } else {
                message = "did not understand " + String.join(" ", args) + ": '" + command
                        + "' takes no more arguments";
            }
        } else if (e instanceof MissingParameterException missing) {
            List<String> parts = new ArrayList<>();
            for (ArgSpec arg : missing.getMissing()) {
                if (arg instanceof OptionSpec option) {
                    boolean given = Arrays.stream(argv).anyMatch(a -> Arrays.stream(option.names())
                            .anyMatch(name -> a.equals(name) || a.startsWith(name + "=")));
                    parts.add(option.longestName() + (given ? " needs a value" : " is required"));
                } else {
                    // A positional parameter's description says what it is: "a task id".
                    parts.add("missing " + arg.description()[0]);
                }
            }
            message = String.join("; ", parts);
        }
        return new CliException(USAGE_ERROR, message, where.getUsageMessage());
    }

    /** The servers' options, on each command that talks to them. */
    static final class Servers {

        @Option(names = "--orchestrator-url", paramLabel = "URL", order = LAST,
                defaultValue = "${env:COHORT_ORCHESTRATOR_URL:-http://localhost:8080}",
                description = "The orchestrator (default: ${DEFAULT-VALUE}; env COHORT_ORCHESTRATOR_URL).")
        String orchestratorUrl;

        @Option(names = "--context-store-url", paramLabel = "URL", order = LAST + 1,
                defaultValue = "${env:COHORT_CONTEXT_STORE_URL:-http://localhost:8081}",
                description = "The context store (default: ${DEFAULT-VALUE}; env COHORT_CONTEXT_STORE_URL).")
        String contextStoreUrl;
    }

    /** A command that calls the orchestrator or the context store, with the token. */
    abstract class ServerCommand implements Runnable {

        @Mixin
        Servers servers = new Servers();

        Api orchestrator() {
            return fixedOrchestrator != null ? fixedOrchestrator
                    : new Api("orchestrator", servers.orchestratorUrl, token.get());
        }

        Api contextStore() {
            return fixedContextStore != null ? fixedContextStore
                    : new Api("context store", servers.contextStoreUrl, token.get());
        }
    }

    /**
     * The first {@code --name} before any {@code --} that is not an option of {@code command} nor the value of one; null
     * when there is none.
     */
    static String unknownOption(CommandSpec command, String[] argv) {
        for (int i = 0; i < argv.length && !argv[i].equals("--"); i++) {
            if (argv[i].startsWith("--")) {
                String name = argv[i].contains("=") ? argv[i].substring(0, argv[i].indexOf('=')) : argv[i];
                OptionSpec option = command.findOption(name);
                if (option == null) {
                    return name;
                }
                if (!argv[i].contains("=") && option.arity().max() > 0) {
                    i++; // its value, whatever it looks like
                }
            }
        }
        return null;
    }

    // ---- the commands ----------------------------------------------------------------------------------------------

    @Command(name = "submit", description = "Submit a task: the lead plans it, the team carries the plan out.")
    final class Submit extends ServerCommand {

        @Parameters(paramLabel = "<description>", description = "a description of the task")
        String description;

        @Option(names = "--title", paramLabel = "T",
                description = "The task's title (default: the description's first line).")
        String title;

        @Option(names = "--roles", paramLabel = "ROLE", split = ",",
                description = "The roles for the team, comma-separated.")
        List<String> roles;

        @Option(names = "--manual",
                description = "Wait for the plan to be approved (cohort approve) before running it.")
        boolean manual;

        @Option(names = "--budget", paramLabel = "USD",
                description = "A budget in US dollars: the task pauses when it has cost this much.")
        String budget;

        @Option(names = "--template", paramLabel = "NAME",
                description = "A workflow template: code-review or design-review.")
        String template;

        @Option(names = "--follow", description = "Then show the team's progress until the task ends.")
        boolean follow;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("description", description);
            body.put("title", title);
            if (roles != null) {
                body.put("roles", roles);
            }
            body.put("approvalMode", manual ? "manual" : "auto");
            body.put("budgetUsd", budget);
            body.put("template", template);
            Api orchestrator = orchestrator();
            JsonNode task = orchestrator.post("/api/tasks", body);
            out.println("submitted " + task.path("id").asText() + " (" + task.path("status").asText() + ")");
            if (follow) {
                show(orchestrator, task.path("id").asText(), true);
            }
        }
    }

    @Command(name = "list", description = "List the tasks, newest first.")
    final class ListTasks extends ServerCommand {

        @Option(names = "--status", paramLabel = "S", description = "Only the tasks in this status.")
        String status;

        @Override
        public void run() {
            JsonNode tasks = orchestrator().get("/api/tasks" + (status == null ? "" : "?status=" + Api.encode(status)));
            if (tasks.isEmpty()) {
                out.println("no tasks yet: cohort submit \"what the team should build\"");
            }
            for (JsonNode t : tasks) {
                out.printf("%s  %-18s %8s tok  $%-8s %s%n", t.path("id").asText(), t.path("status").asText(),
                        t.path("promptTokens").asLong() + t.path("completionTokens").asLong(),
                        Progress.usd(t.path("costUsd")), t.path("title").asText());
            }
        }
    }

    @Command(name = "show", description = "Show the team's progress, one bar per agent.")
    final class Show extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Option(names = "--follow", description = "Redraw every second until the task ends, then print its summary.")
        boolean follow;

        @Override
        public void run() {
            show(orchestrator(), task, follow);
        }
    }

    @Command(name = "approve", description = "Approve the plan of a task waiting for approval, or an edited plan.")
    final class Approve extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Option(names = "--plan", paramLabel = "FILE",
                description = "Approve this plan instead, in JSON: {\"subtasks\": [...]}.")
        Path plan;

        @Override
        public void run() {
            Object body = null;
            if (plan != null) {
                try {
                    body = Api.JSON.readTree(Files.readString(plan));
                } catch (IOException e) {
                    throw new CliException(66, "cannot read the plan from " + plan + ": " + e.getMessage());
                }
            }
            status(orchestrator().post(taskPath(task) + "/approve", body));
        }
    }

    @Command(name = "reject", description = "Reject the plan of a task waiting for approval; the task is cancelled.")
    final class Reject extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Option(names = "--reason", paramLabel = "R", description = "Why, kept with the task.")
        String reason;

        @Override
        public void run() {
            print(orchestrator().post(taskPath(task) + "/reject", reason == null ? null : Map.of("reason", reason)));
        }
    }

    @Command(name = "pause", description = "Pause a running task: nothing more is dispatched, and the attempts in"
            + " flight are cancelled, to run again on resume.")
    final class Pause extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Override
        public void run() {
            status(orchestrator().post(taskPath(task) + "/pause", null));
        }
    }

    @Command(name = "resume", description = "Resume a paused task, optionally with a higher budget.")
    final class Resume extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Option(names = "--budget", paramLabel = "USD", description = "The new budget in US dollars.")
        String budget;

        @Override
        public void run() {
            status(orchestrator().post(taskPath(task) + "/resume"
                    + (budget == null ? "" : "?budgetUsd=" + Api.encode(budget)), null));
        }
    }

    @Command(name = "cancel", description = "Cancel a task.")
    final class Cancel extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Override
        public void run() {
            status(orchestrator().post(taskPath(task) + "/cancel", null));
        }
    }

    @Command(name = "stop", description = "Stop one agent: its subtask runs again as a new attempt, or with --no-retry"
            + " is cancelled and what depends on it skipped.")
    final class Stop extends ServerCommand {

        @Parameters(index = "0", paramLabel = "<task>", description = "a task id")
        String task;

        @Parameters(index = "1", paramLabel = "<subtask>", description = "a subtask key or id")
        String subtask;

        @Option(names = "--reason", paramLabel = "R", description = "Why, kept with the attempt.")
        String reason;

        @Option(names = "--no-retry", description = "Do not run the subtask again; skip what depends on it.")
        boolean noRetry;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("reason", reason);
            status(orchestrator().post(taskPath(task) + "/subtasks/" + Api.encode(subtask) + "/stop"
                    + (noRetry ? "?retry=false" : ""), body));
            out.println(noRetry ? "stopped " + subtask + "; it will not run again, and what depends on it is skipped"
                    : "stopped " + subtask + "; it runs again as a new attempt");
        }
    }

    @Command(name = "message", description = "Send a note, or a question, to an agent, a role or the whole team.")
    final class Message extends ServerCommand {

        @Parameters(index = "0", paramLabel = "<task>", description = "a task id")
        String task;

        @Parameters(index = "1", paramLabel = "<text>", description = "the message text")
        String text;

        @Option(names = "--to", required = true, paramLabel = "role:NAME|agent:ID|team",
                description = "Who: the agents of a role, one agent, or the team.")
        String to;

        @Option(names = "--question", description = "Ask a question, to be answered, rather than send a note.")
        boolean question;

        @Override
        public void run() {
            Map<String, Object> recipient = new HashMap<>();
            if (to.equals("team")) {
                recipient.put("type", "team");
                recipient.put("id", "all");
            } else if (to.contains(":")) {
                recipient.put("type", to.substring(0, to.indexOf(':')));
                recipient.put("id", to.substring(to.indexOf(':') + 1));
            } else {
                throw new CliException(USAGE_ERROR, "--to must be role:NAME, agent:ID or team, was '" + to + "'");
            }
            JsonNode sent = orchestrator().post(taskPath(task) + "/messages", Map.of("to", recipient,
                    "kind", question ? "question" : "note", "text", text, "from", System.getProperty("user.name", "user")));
            out.println("sent " + sent.path("kind").asText() + " to " + sent.path("to").path("type").asText() + " "
                    + sent.path("to").path("id").asText());
        }
    }

    @Command(name = "spawn", description = "Add a subtask to a running task's plan.")
    final class Spawn extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "The role that does it.")
        String role;

        @Option(names = "--title", required = true, paramLabel = "T", description = "What it is to do, in a line.")
        String title;

        @Option(names = "--instructions", paramLabel = "I", defaultValue = "", description = "What it is to do, in full.")
        String instructions;

        @Option(names = "--after", paramLabel = "KEY", split = ",",
                description = "The subtasks it waits for: their keys, comma-separated.")
        List<String> after;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("role", required(role, "--role"));
            body.put("title", required(title, "--title"));
            body.put("instructions", instructions);
            body.put("dependsOn", after == null ? List.of() : after);
            status(orchestrator().post(taskPath(task) + "/subtasks", body));
        }
    }

    @Command(name = "artifacts", description = "List a task's artifacts: the latest version of each.")
    final class Artifacts extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Override
        public void run() {
            JsonNode list = contextStore().get(taskPath(task) + "/artifacts");
            if (list.isEmpty()) {
                out.println("no artifacts yet");
            }
            for (JsonNode a : list) {
                out.printf("%-50s v%-3d %-12s %7d B  %s%n", a.path("key").asText(), a.path("version").asLong(),
                        a.path("kind").asText(), a.path("sizeBytes").asLong(), a.path("author").path("role").asText());
            }
        }
    }

    @Command(name = "artifact", description = "Print the content of one artifact.")
    final class Artifact extends ServerCommand {

        @Parameters(index = "0", paramLabel = "<task>", description = "a task id")
        String task;

        @Parameters(index = "1", paramLabel = "<key>", description = "an artifact key")
        String key;

        @Option(names = "--version", paramLabel = "N", description = "This version rather than the latest.")
        String version;

        @Override
        public void run() {
            JsonNode a = contextStore().get(taskPath(task) + "/artifacts/" + Api.encodeKey(key)
                    + (version == null ? "" : "?version=" + Api.encode(version)));
            out.print(a.path("content").asText());
        }
    }

    @Command(name = "export", description = "Save the task's latest artifacts as a zip.")
    final class Export extends ServerCommand {

        @Parameters(paramLabel = "<task>", description = "a task id")
        String task;

        @Option(names = "--out", paramLabel = "FILE", description = "Where (default: cohort-<task>.zip).")
        Path target;

        @Override
        public void run() {
            Path file = target != null ? target : Path.of("cohort-" + task + ".zip");
            contextStore().download(taskPath(task) + "/export.zip", file);
            out.println("exported to " + file.toAbsolutePath());
        }
    }

    @Command(name = "wait", description = "Wait until services are ready, one after the other (for scripts).")
    final class Wait implements Runnable {

        @Parameters(paramLabel = "<url>", arity = "0..*", description = "a service's URL")
        List<String> urls = List.of();

        @Option(names = "--timeout", paramLabel = "S", defaultValue = "180",
                description = "Give up after this many seconds in all (default: ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        @Override
        public void run() {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (String url : urls) {
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
    }

    static final Set<String> ROLES = Set.of("viewer", "operator", "admin", "worker", "orchestrator");

    @Command(name = "token", description = "Print a token signed with the local stack's key (made on first use).")
    final class MintToken implements Runnable {

        @Option(names = "--role", paramLabel = "R", defaultValue = "operator",
                description = "viewer, operator, admin, worker or orchestrator (default: ${DEFAULT-VALUE}).")
        String role;

        @Option(names = "--subject", paramLabel = "NAME", description = "Whose token it is (default: your user name).")
        String subject;

        @Option(names = "--ttl", paramLabel = "HOURS", defaultValue = "12",
                description = "How long it is valid (default: ${DEFAULT-VALUE}).")
        long hours;

        @Option(names = "--keys", paramLabel = "DIR", defaultValue = "${env:COHORT_HOME:-.cohort}/keys",
                description = "The key pair's directory (default: $COHORT_HOME/keys, now ${DEFAULT-VALUE}).")
        Path keys;

        @Override
        public void run() {
            if (!ROLES.contains(role)) {
                throw new CliException(USAGE_ERROR, "--role must be one of viewer, operator, admin, worker, orchestrator;"
                        + " was '" + role + "'");
            }
            if (hours < 1) {
                throw new CliException(USAGE_ERROR, "--ttl is at least 1 hour");
            }
            String sub = subject != null ? subject : System.getProperty("user.name", role);
            try {
                out.println(LocalIssuer.inDirectory(keys).mint(sub, java.time.Duration.ofHours(hours), List.of(role)));
            } catch (IllegalStateException e) {
                throw new CliException(1, e.getMessage());
            }
        }
    }

    @Command(name = "help", description = "Show the help of cohort, or of one of its commands.")
    final class HelpCommand implements Runnable {

        @Parameters(paramLabel = "<command>", arity = "0..1", description = "a command")
        String command;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            CommandLine cohort = spec.parent().commandLine();
            CommandLine subject = command == null ? cohort : cohort.getSubcommands().get(command);
            if (subject == null) {
                throw new CliException(USAGE_ERROR, "unknown command '" + command + "'", cohort.getUsageMessage());
            }
            subject.usage(cohort.getOut(), cohort.getColorScheme());
            cohort.getOut().flush();
        }
    }

    // ---- what the commands share -----------------------------------------------------------------------------------

    /** Prints the task; with {@code follow}, redraws it every second until it ends. */
    void show(Api orchestrator, String id, boolean follow) {
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

    private static String taskPath(String id) {
        return "/api/tasks/" + Api.encode(id);
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
            throw new CliException(USAGE_ERROR, option + " is required");
        }
        return value;
    }
}
