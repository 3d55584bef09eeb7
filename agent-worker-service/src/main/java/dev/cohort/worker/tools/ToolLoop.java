package dev.cohort.worker.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cohort.contracts.Fence;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.AgentToolCalled;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.ConflictRef;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.Usage;
import dev.cohort.contracts.model.Verification;
import dev.cohort.sandbox.Command;
import dev.cohort.sandbox.Limits;
import dev.cohort.sandbox.Result;
import dev.cohort.sandbox.Sandbox;
import dev.cohort.worker.config.RoleProfile;
import dev.cohort.worker.context.ContextStoreClient;
import dev.cohort.worker.context.ContextStoreClient.Stored;
import dev.cohort.worker.context.ContextStoreClient.Written;
import dev.cohort.worker.model.Cancellation;
import dev.cohort.worker.model.ChatMessage;
import dev.cohort.worker.model.GenAiTelemetry;
import dev.cohort.worker.model.ModelCallException;
import dev.cohort.worker.model.ModelCalls;
import dev.cohort.worker.model.ModelRequest;
import dev.cohort.worker.model.ModelResponse;
import dev.cohort.worker.model.OutputCheck;
import dev.cohort.worker.model.TokenListener;
import dev.cohort.worker.model.ToolCall;
import dev.cohort.worker.model.ToolSpec;
import dev.cohort.worker.service.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One attempt of a work subtask done through tools: the model is offered the {@link ToolCatalog tools} and called
 * turn after turn, each turn's tool calls carried out and answered, until it calls {@code finish} or reaches its
 * role's turn limit. A tool that fails, or a call whose arguments do not fit, is answered to the model as a result;
 * it never ends the attempt. A model that answers the first offer with prose (no tool support, or it ignored them)
 * is read the Markdown way instead ({@link Outcome#prose()}).
 */
public final class ToolLoop {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Settings of one loop, from the role's profile and the tools' and sandbox's configuration. */
    public record Settings(int maxTurns, int maxAttempts, List<String> programs, Duration askTimeout,
                           int maxReadChars, Sandbox sandbox, String sandboxProblem, Limits limits) {
    }

    /**
     * How the loop ended. With {@code prose} set, the model answered in prose instead of calling tools: read it as
     * a Markdown answer, adding what the tools already wrote.
     */
    public record Outcome(StructuredSummary summary, List<ArtifactRef> artifacts, List<ConflictRef> conflicts,
                          List<String> notes, Verification verification, Usage usage, ModelRef answeredBy,
                          int turns, ModelResponse prose) {
    }

    private final ModelCalls models;
    private final SubtaskDispatch d;
    private final String agentId;
    private final ToolHost host;
    private final Settings settings;
    private final List<String> writable;
    private final Map<String, Long> versions;
    private final Map<String, ArtifactRef> written = new LinkedHashMap<>();
    private final List<ConflictRef> conflicts = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<ToolSpec> tools;
    private final Set<String> offered;
    private Verification verification;
    private StructuredSummary finished;

    /**
     * @param versions the versions the attempt has read so far, key to version: the base of its writes
     */
    public ToolLoop(ModelCalls models, SubtaskDispatch d, String agentId, ToolHost host, Settings settings,
                    Map<String, Long> versions) {
        this.models = models;
        this.d = d;
        this.agentId = agentId;
        this.host = host;
        this.settings = settings;
        this.writable = Fence.writable(d.kind(), d.writes());
        this.versions = new LinkedHashMap<>(versions);
        this.tools = ToolCatalog.offered(settings.programs());
        this.offered = tools.stream().map(ToolSpec::name)
                .collect(Collectors.toSet());
    }

    /** The tools this loop offers. */
    public List<ToolSpec> tools() {
        return tools;
    }

    /** The paragraph that tells the model how to work, after the subtask's description. */
    public static String instructions(List<ToolSpec> tools) {
        return "\nYou work through tools. Read what you need with list_artifacts and read_artifact (nothing is "
                + "quoted here), write each file you produce with write_artifact (whole content; only the keys "
                + "under Writes), and call finish with your summary when you are done. Tools you have: "
                + tools.stream().map(ToolSpec::name).collect(Collectors.joining(", ")) + "."
                + (tools.stream().anyMatch(t -> t.name().equals(ToolCatalog.RUN))
                ? " Check what you build with run, and fix what fails before you finish." : "") + "\n";
    }

    /** Runs the loop from the first request (system and user messages, no tools yet). */
    public Outcome run(ModelRequest first, TokenListener listener) {
        Cancellation cancellation = first.cancellation();
        List<ChatMessage> messages = new ArrayList<>(first.messages());
        ModelRequest request = first.withTools(tools());
        Usage usage = Usage.NONE;
        ModelRef answeredBy = first.model();
        boolean nudged = false;
        for (int turn = 1; turn <= settings.maxTurns(); turn++) {
            if (cancellation.isCancelled()) {
                throw ModelCallException.of(FailureKind.CANCELLED, false, first.model(),
                        "cancelled: " + cancellation.reason());
            }
            ModelResponse response = models.call(request.withMessages(messages), settings.maxAttempts(), listener,
                    OutputCheck.NONE).await().indefinitely();
            usage = usage.plus(response.usage());
            answeredBy = response.answeredBy();
            if (!response.calledTools()) {
                if (turn == 1 || written.isEmpty() && verification == null) {
                    // No tool use at all: the model answered the Markdown way.
                    return outcome(null, usage, answeredBy, turn, new ModelResponse(response.text(), usage,
                            answeredBy, response.doneReason(), response.timings(), response.attempts()));
                }
                if (!nudged) {
                    nudged = true;
                    messages.add(ChatMessage.assistant(response.text()));
                    messages.add(ChatMessage.user("Call finish with your summary now, or another tool if you are "
                            + "not done."));
                    continue;
                }
                return outcome(Answer.parse(response.text(), d.role()).summary(), usage, answeredBy, turn, null);
            }
            messages.add(ChatMessage.assistant(response.text(), response.toolCalls()));
            for (ToolCall call : response.toolCalls()) {
                long started = System.nanoTime();
                Reply reply;
                try (GenAiTelemetry.ToolSpan span = models.telemetry().tool(
                        call.name() == null || call.name().isBlank() ? "(none)" : call.name(), call.id())) {
                    reply = execute(call);
                    span.outcome(reply.outcome());
                }
                messages.add(ChatMessage.toolResult(call, reply.text()));
                host.toolCalled(new AgentToolCalled(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), agentId,
                        d.role(), turn, call.name() == null || call.name().isBlank() ? "(none)" : call.name(),
                        call.rawArguments(), reply.outcome(), reply.text(),
                        Duration.ofNanos(System.nanoTime() - started).toMillis()));
            }
            if (finished != null) {
                return outcome(finished, usage, answeredBy, turn, null);
            }
        }
        throw new ModelCallException(FailureKind.INVALID_OUTPUT, true, "The model " + answeredBy
                + " did not call finish within " + settings.maxTurns() + " turns (cohort.roles." + d.role().id()
                + ".max-turns); it wrote " + (written.isEmpty() ? "nothing" : String.join(", ", written.keySet())),
                first.model(), null, null, null);
    }

    private Outcome outcome(StructuredSummary summary, Usage usage, ModelRef answeredBy, int turns,
                            ModelResponse prose) {
        StructuredSummary honest = summary;
        if (summary != null && verification != null) {
            List<String> points = new ArrayList<>(summary.keyPoints());
            points.add("checked with `" + verification.command() + "`: exit " + verification.exitCode()
                    + (verification.timedOut() ? " (timed out)" : "") + (verification.passed() ? ", passed" : ", failed"));
            String status = summary.status();
            if (!verification.passed() && !status.toLowerCase(java.util.Locale.ROOT).contains("fail")) {
                points.add("the model reported '" + status + "', but its last check failed");
                status = "tests failed";
            }
            honest = new StructuredSummary(status, points, summary.recommendation());
        }
        return new Outcome(honest, List.copyOf(written.values()), List.copyOf(conflicts), List.copyOf(notes),
                verification, usage, answeredBy, turns, prose);
    }

    /** What a tool answers the model, and how the call ended. */
    private record Reply(String outcome, String text) {
        static Reply ok(String text) {
            return new Reply("ok", text);
        }

        static Reply error(String text) {
            return new Reply("error", text);
        }

        static Reply invalid(String text) {
            return new Reply("invalid", text);
        }
    }

    private Reply execute(ToolCall call) {
        String name = call.name() == null ? "" : call.name();
        if (!offered.contains(name)) {
            return Reply.invalid("There is no tool '" + name + "'. Your tools are: "
                    + String.join(", ", tools.stream().map(ToolSpec::name).toList()) + ".");
        }
        if (call.argumentsProblem() != null) {
            return Reply.invalid("Your call of " + name + " could not be read: " + call.argumentsProblem()
                    + ". Call it again with a JSON object that fits its parameters.");
        }
        List<String> problems = ToolCatalog.problems(name, call.arguments());
        if (!problems.isEmpty()) {
            return Reply.invalid("Your arguments do not fit " + name + "'s parameters: " + String.join("; ", problems)
                    + ". Call it again with arguments that fit.");
        }
        JsonNode args = call.arguments();
        try {
            return switch (name) {
                case ToolCatalog.LIST -> list(args.path("prefix").asText(""));
                case ToolCatalog.READ -> read(args.path("key").asText(),
                        args.hasNonNull("version") ? args.get("version").asLong() : null);
                case ToolCatalog.WRITE -> write(args.path("key").asText(), args.path("content").asText(),
                        args.hasNonNull("kind") ? ArtifactKind.fromId(args.get("kind").asText()) : null);
                case ToolCatalog.MESSAGE -> message(args.path("to").asText(), args.path("text").asText(),
                        args.hasNonNull("kind") ? MessageKind.fromId(args.get("kind").asText()) : MessageKind.NOTE);
                case ToolCatalog.ASK -> ask(Role.fromId(args.path("role").asText()), args.path("question").asText());
                case ToolCatalog.RUN -> run(args.path("command").asText());
                case ToolCatalog.FINISH -> finish(args);
                default -> Reply.invalid("There is no tool '" + name + "'.");
            };
        } catch (ContextStoreClient.ContextStoreException e) {
            if (e.isStaleAttempt() || e.isTransient()) {
                throw e; // fenced, or the store stayed away past the outage window: the attempt ends
            }
            return Reply.error("The context store refused: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return Reply.invalid(e.getMessage());
        }
    }

    private Reply list(String prefix) {
        ArrayNode listing = JSON.createArrayNode();
        for (ContextStoreClient.Listed item : host.list(prefix)) {
            listing.addObject().put("key", item.key()).put("version", item.version()).put("kind", item.kind());
        }
        return Reply.ok(listing.toString());
    }

    private Reply read(String key, Long version) {
        Optional<Stored> stored = host.read(key, version);
        if (stored.isEmpty()) {
            return Reply.error("There is no artifact " + key + (version == null ? "" : " version " + version)
                    + " (list_artifacts shows what exists).");
        }
        Stored s = stored.get();
        if (version == null) {
            versions.put(key, s.version());
        }
        String content = s.content();
        String cut = "";
        if (content.length() > settings.maxReadChars()) {
            content = content.substring(0, settings.maxReadChars());
            cut = "\n[cut at " + settings.maxReadChars() + " of " + s.content().length() + " characters]";
        }
        return Reply.ok(key + " v" + s.version() + " by " + s.author() + "\n" + content + cut);
    }

    private Reply write(String key, String content, ArtifactKind kind) {
        if (!Fence.allows(writable, key)) {
            return new Reply("denied", "You may not write " + key + "; your subtask writes only: "
                    + String.join(", ", writable) + ".");
        }
        long base = versions.getOrDefault(key, 0L);
        Written result = host.write(key, kind != null ? kind : Answer.kind(key, d.role()), Answer.mediaType(key),
                content, base);
        if (result.conflicted()) {
            conflicts.add(new ConflictRef(key, result.conflictId(), base, result.ref().version()));
            notes.add("my change to " + key + " conflicted with another agent's; kept as conflict "
                    + result.conflictId() + " for the lead to merge");
            return new Reply("conflict", "Conflict: " + key + " changed since version " + base + ", which you based "
                    + "this on; it is now version " + result.ref().version() + ". Your write is kept as conflict "
                    + result.conflictId() + " for the lead to merge. If your change must go in now, read_artifact "
                    + key + " and write it again on top of the current version.");
        }
        versions.put(key, result.ref().version());
        written.put(key, result.ref());
        return Reply.ok("wrote " + key + " version " + result.ref().version());
    }

    private Reply message(String to, String text, MessageKind kind) {
        Participant recipient = to.equals("team") ? Participant.TEAM
                : to.startsWith("role:") ? Participant.role(Role.fromId(to.substring(5)))
                : Participant.agent(to.substring("agent:".length()));
        host.send(new AgentMessage(d.taskId(), Participant.agent(agentId), recipient, kind, text, d.subtaskId(),
                null));
        return Reply.ok("sent to " + to);
    }

    private Reply ask(Role role, String question) {
        AgentMessage asked = new AgentMessage(d.taskId(), Participant.agent(agentId), Participant.role(role),
                MessageKind.QUESTION, question, d.subtaskId(), null);
        host.send(asked);
        return host.answer(asked.eventId(), settings.askTimeout())
                .map(answer -> Reply.ok("The " + role.id() + " answered:\n" + answer))
                .orElseGet(() -> Reply.error("No answer from the " + role.id() + " within "
                        + settings.askTimeout().toSeconds() + " s. If it has work pending it will see your question "
                        + "there; go on with your best judgement and say in your summary what you assumed."));
    }

    private Reply run(String commandLine) {
        if (settings.sandbox() == null) {
            return Reply.error("Commands cannot run on this worker: " + settings.sandboxProblem());
        }
        List<String> argv = Command.parse(commandLine);
        String program = Command.program(argv);
        if (!settings.programs().contains(program)) {
            return new Reply("denied", "You may not run " + program + "; you may run: "
                    + String.join(", ", settings.programs()) + ".");
        }
        Result result = settings.sandbox().run(host.files(), argv, settings.limits());
        verification = new Verification(commandLine, result.exitCode(), result.passed(), result.timedOut(),
                result.stdout() + (result.stderr().isEmpty() ? "" : "\n" + result.stderr()));
        return Reply.ok(result.toToolText());
    }

    private Reply finish(JsonNode args) {
        List<String> points = new ArrayList<>();
        args.path("key_points").forEach(p -> points.add(p.asText()));
        points.addAll(notes);
        finished = new StructuredSummary(args.path("status").asText(), points,
                args.hasNonNull("recommendation") ? args.get("recommendation").asText() : null);
        return Reply.ok("finished");
    }
}
