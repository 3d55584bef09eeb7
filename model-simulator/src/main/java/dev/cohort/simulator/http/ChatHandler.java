package dev.cohort.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.simulator.script.ChatPrompt;
import dev.cohort.simulator.script.ScriptedAnswers;
import dev.cohort.simulator.script.Tokens;
import dev.cohort.simulator.script.ToolCall;
import dev.cohort.simulator.script.ToolConversation;
import dev.cohort.simulator.script.ToolScript;
import dev.cohort.simulator.service.AnswerStyle;
import dev.cohort.simulator.service.CallRecord;
import dev.cohort.simulator.service.FaultAction;
import dev.cohort.simulator.service.FaultRule;
import dev.cohort.simulator.service.ModelGate;
import dev.cohort.simulator.service.ModelSettings;
import dev.cohort.simulator.service.Simulator;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Serves one chat call on either wire: faults, the model's generation slots, latency, then the scripted answer: text,
 * or the next turn of the tool loop when the request offers tools.
 */
final class ChatHandler implements Handler<RoutingContext> {

    /** The shortest pause between streamed chunks; faster models send several tokens per chunk. */
    private static final long MIN_TICK_MS = 10;
    private static final AtomicLong IDS = new AtomicLong();

    private final Simulator simulator;
    private final Wire wire;

    ChatHandler(Simulator simulator, Wire wire) {
        this.simulator = simulator;
        this.wire = wire;
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        } catch (Exception e) {
            wire.error(ctx.response(), 400, "the request body is not JSON: " + e.getMessage());
            return;
        }
        if (body == null || !body.isObject()) {
            wire.error(ctx.response(), 400, "the request body must be a JSON object");
            return;
        }
        String model = body.path("model").asText("");
        if (model.isBlank()) {
            wire.error(ctx.response(), 400, "model is required");
            return;
        }
        if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
            wire.error(ctx.response(), 400, "messages is required and must not be empty");
            return;
        }
        if (wire.checksApiKey() && simulator.apiKey() != null
                && !("Bearer " + simulator.apiKey()).equals(ctx.request().getHeader("Authorization"))) {
            wire.error(ctx.response(), 401, "No auth credentials found or the API key is invalid");
            return;
        }
        List<ChatPrompt.Message> messages = new ArrayList<>();
        for (JsonNode message : body.get("messages")) {
            messages.add(message(message));
        }
        boolean stream = wire.stream(body);
        ChatPrompt prompt = ChatPrompt.parse(model, messages, wire.jsonRequested(body));
        ToolConversation conversation = ToolConversation.of(toolNames(body.path("tools")), messages);
        CallRecord call = simulator.calls().start(wire.protocol(), model, prompt.role(), prompt.kind(), stream,
                prompt.promptTokens(), prompt.task());
        FaultRule fault = simulator.faults().take(model, prompt.role(), prompt.kind(), wire.protocol());
        if (fault != null) {
            simulator.calls().fault(call, fault);
        }
        new Call(ctx, call, prompt, conversation, fault, simulator.settings(model), stream, wire.maxTokens(body)).start();
    }

    /** A message of either protocol, with the tool calls of an assistant message and what a tool result answers. */
    private static ChatPrompt.Message message(JsonNode message) {
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            JsonNode arguments = function.get("arguments");
            String text = arguments == null || arguments.isNull() ? ""
                    : arguments.isTextual() ? arguments.asText() : Json.write(arguments);
            calls.add(new ToolCall(call.path("id").asText(null), function.path("name").asText(""), text));
        }
        String toolName = message.path("tool_name").asText(message.path("name").asText(null));
        return new ChatPrompt.Message(message.path("role").asText("user"), content(message.get("content")), calls,
                message.path("tool_call_id").asText(null), toolName);
    }

    /** The names of the tools a request offers: {@code [{type: "function", function: {name, ...}}]}. */
    private static List<String> toolNames(JsonNode tools) {
        List<String> names = new ArrayList<>();
        for (JsonNode tool : tools) {
            String name = tool.path("function").path("name").asText(tool.path("name").asText(""));
            if (!name.isBlank()) {
                names.add(name);
            }
        }
        return names;
    }

    /** A tool-call turn's completion tokens: each call's name and arguments, as the model would have written them. */
    private static long tokens(List<ToolCall> calls) {
        StringBuilder text = new StringBuilder();
        calls.forEach(call -> text.append(call.name()).append(' ').append(call.arguments()).append('\n'));
        return Tokens.split(text.toString()).size();
    }

    /** OpenAI allows content as an array of parts; only the text parts matter here. */
    private static String content(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            content.forEach(part -> text.append(part.path("text").asText("")));
            return text.toString();
        }
        return content.asText();
    }

    /** The life of one call, driven by Vert.x timers on the request's context. */
    private final class Call {
        private final RoutingContext ctx;
        private final HttpServerResponse response;
        private final Vertx vertx;
        private final Context context;
        private final CallRecord record;
        private final ChatPrompt prompt;
        private final ToolConversation conversation;
        private final FaultRule fault;
        private final ModelSettings settings;
        private final boolean stream;
        private final Integer maxTokens;
        private final ModelGate gate;
        private final Wire.Stats stats;
        private final Runnable admit = this::admittedElsewhere;
        private List<String> tokens = List.of();
        /** A tool-call turn: its calls, the chunks it is streamed in and its completion tokens; null for text. */
        private List<ToolCall> toolCalls;
        private List<Consumer<HttpServerResponse>> toolChunks;
        private long toolTokens;
        private int sent;
        private boolean begun;
        private boolean stalled;
        private boolean holdsSlot;
        private boolean closed;
        private long timer = -1;

        Call(RoutingContext ctx, CallRecord record, ChatPrompt prompt, ToolConversation conversation, FaultRule fault,
             ModelSettings settings, boolean stream, Integer maxTokens) {
            this.ctx = ctx;
            this.response = ctx.response();
            this.vertx = ctx.vertx();
            this.context = Vertx.currentContext();
            this.record = record;
            this.prompt = prompt;
            this.conversation = conversation;
            this.fault = fault;
            this.settings = settings;
            this.stream = stream;
            this.maxTokens = maxTokens;
            this.gate = simulator.gate(record.getModel());
            String prefix = wire.protocol().equals("openai") ? "chatcmpl-sim-" : "sim-";
            this.stats = new Wire.Stats(prefix + IDS.incrementAndGet(), record.getModel(), prompt.promptTokens());
            stats.inputCostPerMillion = settings.inputCostPerMillion();
            stats.outputCostPerMillion = settings.outputCostPerMillion();
        }

        void start() {
            response.closeHandler(v -> clientClosed());
            if (action() == FaultAction.FAIL) {
                int status = fault.statusOrDefault();
                end("fault:fail", status);
                wire.error(response, status, "simulated failure (" + fault.id() + ")");
                return;
            }
            if (action() == FaultAction.RATE_LIMIT) {
                end("fault:rate-limit", 429);
                response.putHeader("Retry-After", String.valueOf(fault.retryAfterOrDefault()));
                wire.error(response, 429, "simulated rate limit (" + fault.id() + "); retry after "
                        + fault.retryAfterOrDefault() + " s");
                return;
            }
            ModelGate.Admission admission = gate.offer(settings.maxConcurrent(), settings.maxQueue(), admit);
            if (admission == ModelGate.Admission.REJECTED) {
                end("busy", 503);
                wire.error(response, 503, "server busy, please try again. maximum pending requests exceeded");
            }
        }

        /** Admission may come from another call's thread; continue on this request's context. */
        private void admittedElsewhere() {
            context.runOnContext(v -> admitted());
        }

        private void admitted() {
            holdsSlot = true;
            if (closed) {
                releaseSlot();
                return;
            }
            simulator.calls().admitted(record);
            FaultAction altering = fault != null && fault.action().altersAnswer() ? fault.action() : null;
            boolean tools = conversation.offersTools();
            AnswerStyle style = altering != null ? AnswerStyle.CLEAN
                    : simulator.style(record.getModel(), prompt.kind(), tools);
            simulator.calls().style(record, style);
            if (tools && altering == null && !prompt.kind().equals("plan") && style != AnswerStyle.TOOL_PROSE) {
                // The request's token limit does not cut a tool-call turn: half a call would be no call at all.
                toolCalls = ToolScript.next(prompt, conversation, style, wire.argumentsAsText());
                toolChunks = wire.toolChunks(stats, toolCalls, style == AnswerStyle.TOOL_SPLIT);
                toolTokens = tokens(toolCalls);
                stats.toolCalls = true;
                simulator.calls().toolCalls(record, toolCalls.stream().map(ToolCall::name).toList());
            } else {
                String answer = ScriptedAnswers.answer(prompt, settings.answerTokens(), altering, style, maxTokens);
                tokens = Tokens.split(answer);
                if (maxTokens != null && tokens.size() > maxTokens) {
                    tokens = tokens.subList(0, maxTokens);
                    stats.doneReason = "length";
                }
                if (style.endsAtLimit()) {
                    stats.doneReason = "length";
                }
            }
            if (stream && wire.beginsEarly()) {
                wire.begin(response, stats);
                begun = true;
            }
            schedule(settings.timeToFirstTokenMs(), stream ? this::emit : this::answerWhole);
        }

        private void emit() {
            if (closed || record.ended()) {
                return;
            }
            if (strikes()) {
                return;
            }
            int batch = batch();
            Integer faultAt = faultAt();
            if (faultAt != null && faultAt > sent) {
                batch = Math.min(batch, faultAt - sent);
            }
            int upTo = Math.min(units(), sent + batch);
            if (sent < upTo) {
                if (!begun) {
                    wire.begin(response, stats);
                    begun = true;
                }
                boolean first = sent == 0;
                if (first) {
                    stats.firstTokenNanos = System.nanoTime();
                }
                int from = sent;
                sent = upTo;
                stats.completionTokens = completionTokens(sent);
                record.tokens(stats.completionTokens);
                if (toolChunks != null) {
                    toolChunks.subList(from, upTo).forEach(chunk -> chunk.accept(response));
                } else {
                    wire.chunk(response, stats, String.join("", tokens.subList(from, upTo)), first);
                }
            }
            if (sent >= units() && !strikesAtEnd()) {
                if (!begun) {
                    wire.begin(response, stats);
                }
                // Recorded before the last bytes go out, so a client that has the answer also sees it logged.
                end(stats.doneReason.equals("length") ? "length" : "ok", 200);
                wire.finish(response, stats);
                return;
            }
            if (sent < units() || faultAt() != null) {
                schedule(tick(), this::emit);
            }
        }

        /** What a stream is sent in: tokens of text, or the chunks of a tool-call turn. */
        private int units() {
            return toolChunks != null ? toolChunks.size() : tokens.size();
        }

        /** The completion tokens once {@code units} of the answer are sent. */
        private long completionTokens(int units) {
            if (toolChunks == null) {
                return units;
            }
            return units >= toolChunks.size() ? toolTokens : toolTokens * units / toolChunks.size();
        }

        private void answerWhole() {
            if (closed || record.ended() || strikes()) {
                return;
            }
            long completion = toolCalls != null ? toolTokens : tokens.size();
            long generation = settings.tokensPerSecond() <= 0 ? 0
                    : Math.round(completion * 1000.0 / settings.tokensPerSecond());
            schedule(generation, () -> {
                stats.firstTokenNanos = System.nanoTime();
                stats.completionTokens = completion;
                record.tokens(completion);
                end(stats.doneReason.equals("length") ? "length" : "ok", 200);
                if (toolCalls != null) {
                    wire.wholeTools(response, stats, toolCalls);
                } else {
                    wire.whole(response, stats, String.join("", tokens));
                }
            });
        }

        /** Applies a hang or drop due at the current position; true if the call stops here (for now). */
        private boolean strikes() {
            Integer at = faultAt();
            if (at == null || sent != at) {
                return false;
            }
            if (action() == FaultAction.HANG && !stalled) {
                stalled = true;
                if (fault.hangMs() != null) {
                    schedule(fault.hangMs(), stream ? this::emit : this::answerWhole);
                }
                // Without hangMs the call stays open, holding its slot, until the client gives up.
                return true;
            }
            if (action() == FaultAction.DROP) {
                end("fault:drop", begun ? 200 : 0);
                releaseSlot();
                ctx.request().connection().close();
                return true;
            }
            return false;
        }

        /** A hang or drop placed after the last token still strikes before the stream is finished. */
        private boolean strikesAtEnd() {
            Integer at = faultAt();
            return at != null && at >= units() && sent >= units() && strikes();
        }

        /** The token position where a hang or drop strikes, or null. */
        private Integer faultAt() {
            FaultAction action = action();
            if (action != FaultAction.HANG && action != FaultAction.DROP) {
                return null;
            }
            if (action == FaultAction.HANG && stalled) {
                return null;
            }
            if (!stream) {
                return 0;
            }
            int defaultAt = action == FaultAction.DROP ? units() / 2 : 0;
            int at = fault.afterTokens() != null ? fault.afterTokens() : defaultAt;
            return Math.min(at, units());
        }

        private FaultAction action() {
            return fault == null ? null : fault.action();
        }

        private int batch() {
            double tps = settings.tokensPerSecond();
            if (tps <= 0) {
                return Integer.MAX_VALUE;
            }
            return (int) Math.max(1, Math.ceil(tps * tick() / 1000.0));
        }

        private long tick() {
            double tps = settings.tokensPerSecond();
            return tps <= 0 ? 0 : Math.max(MIN_TICK_MS, Math.round(1000.0 / tps));
        }

        private void schedule(long delayMs, Runnable action) {
            if (delayMs <= 0) {
                context.runOnContext(v -> action.run());
            } else {
                timer = vertx.setTimer(delayMs, id -> action.run());
            }
        }

        private void end(String outcome, int status) {
            simulator.calls().end(record, outcome, status);
            releaseSlot();
        }

        private void releaseSlot() {
            if (holdsSlot) {
                holdsSlot = false;
                gate.release();
            }
        }

        private void clientClosed() {
            closed = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            gate.withdraw(admit);
            if (!record.ended()) {
                end("client-closed", 0);
            } else {
                releaseSlot();
            }
        }
    }
}
