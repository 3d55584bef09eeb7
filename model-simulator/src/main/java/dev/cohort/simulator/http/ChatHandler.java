package dev.cohort.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.simulator.script.ChatPrompt;
import dev.cohort.simulator.script.ScriptedAnswers;
import dev.cohort.simulator.script.Tokens;
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

/** Serves one chat call on either wire: faults, the model's generation slots, latency, then the scripted answer. */
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
            messages.add(new ChatPrompt.Message(message.path("role").asText("user"), content(message.get("content"))));
        }
        boolean stream = wire.stream(body);
        ChatPrompt prompt = ChatPrompt.parse(model, messages, wire.jsonRequested(body));
        CallRecord call = simulator.calls().start(wire.protocol(), model, prompt.role(), prompt.kind(), stream,
                prompt.promptTokens(), prompt.task());
        FaultRule fault = simulator.faults().take(model, prompt.role(), prompt.kind(), wire.protocol());
        if (fault != null) {
            simulator.calls().fault(call, fault);
        }
        new Call(ctx, call, prompt, fault, simulator.settings(model), stream, wire.maxTokens(body)).start();
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
        private final FaultRule fault;
        private final ModelSettings settings;
        private final boolean stream;
        private final Integer maxTokens;
        private final ModelGate gate;
        private final Wire.Stats stats;
        private final Runnable admit = this::admittedElsewhere;
        private List<String> tokens = List.of();
        private int sent;
        private boolean begun;
        private boolean stalled;
        private boolean holdsSlot;
        private boolean closed;
        private long timer = -1;

        Call(RoutingContext ctx, CallRecord record, ChatPrompt prompt, FaultRule fault, ModelSettings settings,
             boolean stream, Integer maxTokens) {
            this.ctx = ctx;
            this.response = ctx.response();
            this.vertx = ctx.vertx();
            this.context = Vertx.currentContext();
            this.record = record;
            this.prompt = prompt;
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
            AnswerStyle style = altering != null ? AnswerStyle.CLEAN : simulator.style(record.getModel(), prompt.kind());
            simulator.calls().style(record, style);
            String answer = ScriptedAnswers.answer(prompt, settings.answerTokens(), altering, style, maxTokens);
            tokens = Tokens.split(answer);
            if (maxTokens != null && tokens.size() > maxTokens) {
                tokens = tokens.subList(0, maxTokens);
                stats.doneReason = "length";
            }
            if (style.endsAtLimit()) {
                stats.doneReason = "length";
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
            int upTo = Math.min(tokens.size(), sent + batch);
            if (sent < upTo) {
                if (!begun) {
                    wire.begin(response, stats);
                    begun = true;
                }
                String text = String.join("", tokens.subList(sent, upTo));
                boolean first = sent == 0;
                if (first) {
                    stats.firstTokenNanos = System.nanoTime();
                }
                sent = upTo;
                stats.completionTokens = sent;
                record.tokens(sent);
                wire.chunk(response, stats, text, first);
            }
            if (sent >= tokens.size() && !strikesAtEnd()) {
                if (!begun) {
                    wire.begin(response, stats);
                }
                // Recorded before the last bytes go out, so a client that has the answer also sees it logged.
                end(stats.doneReason.equals("length") ? "length" : "ok", 200);
                wire.finish(response, stats);
                return;
            }
            if (sent < tokens.size() || faultAt() != null) {
                schedule(tick(), this::emit);
            }
        }

        private void answerWhole() {
            if (closed || record.ended() || strikes()) {
                return;
            }
            long generation = settings.tokensPerSecond() <= 0 ? 0
                    : Math.round(tokens.size() * 1000.0 / settings.tokensPerSecond());
            schedule(generation, () -> {
                stats.firstTokenNanos = System.nanoTime();
                stats.completionTokens = tokens.size();
                record.tokens(tokens.size());
                end(stats.doneReason.equals("length") ? "length" : "ok", 200);
                wire.whole(response, stats, String.join("", tokens));
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
            return at != null && at >= tokens.size() && sent >= tokens.size() && strikes();
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
            int defaultAt = action == FaultAction.DROP ? tokens.size() / 2 : 0;
            int at = fault.afterTokens() != null ? fault.afterTokens() : defaultAt;
            return Math.min(at, tokens.size());
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
