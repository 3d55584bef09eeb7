package dev.cohort.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Usage;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Runs one provider call to its end, the same way for both wire formats: collects the chunks, tells the listener,
 * watches the first-token, stall and total time limits and the cancellation, stops a stream that repeats itself
 * ({@link RepetitionDetector}), and checks JSON where JSON was asked for ({@link JsonAnswer}). Each provider
 * supplies only the HTTP call and the parsing of one line or event.
 */
public final class ChatStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatStream() {
    }

    /**
     * @param source   the lines (Ollama) or SSE data (OpenAI) of the answer, or one whole body when not streaming
     * @param parser   reads one element; returns null for elements that carry nothing
     */
    public static Uni<ModelResponse> run(Multi<String> source, Function<String, StreamChunk> parser,
                                         ModelRequest request, TokenListener listener, ProviderSettings settings,
                                         PriceTable prices) {
        return Uni.createFrom().emitter(emitter -> new Run(emitter, parser, request, listener, settings, prices)
                .start(source));
    }

    private static final class Run {
        private final UniEmitter<? super ModelResponse> emitter;
        private final Function<String, StreamChunk> parser;
        private final ModelRequest request;
        private final TokenListener listener;
        private final ProviderSettings settings;
        private final PriceTable prices;
        private final AtomicBoolean over = new AtomicBoolean();
        private final long startedNanos = System.nanoTime();
        private final StringBuilder text = new StringBuilder();
        private final RepetitionDetector repetition = new RepetitionDetector();
        private final java.util.TreeMap<Integer, ToolCallBuilder> toolCalls = new java.util.TreeMap<>();
        private long chunks;
        private long firstTokenNanos;
        private boolean terminal;
        private String doneReason;
        private Long promptTokens;
        private Long completionTokens;
        private BigDecimal cost;
        private String answeredBy;
        private volatile ScheduledFuture<?> firstTokenTimer;
        private volatile ScheduledFuture<?> stallTimer;
        private volatile ScheduledFuture<?> totalTimer;
        private volatile Cancellable subscription;
        private volatile Runnable unregister;

        Run(UniEmitter<? super ModelResponse> emitter, Function<String, StreamChunk> parser, ModelRequest request,
            TokenListener listener, ProviderSettings settings, PriceTable prices) {
            this.emitter = emitter;
            this.parser = parser;
            this.request = request;
            this.listener = listener == null ? TokenListener.NONE : listener;
            this.settings = settings;
            this.prices = prices;
        }

        void start(Multi<String> source) {
            emitter.onTermination(this::cleanUp);
            ProviderSettings.Timeouts limits = settings.timeouts();
            totalTimer = schedule(limits.total(), () -> fail(timeout(FailureKind.TOTAL_TIMEOUT,
                    "did not finish within " + human(limits.total()), "timeouts.total")));
            if (request.stream()) {
                firstTokenTimer = schedule(limits.firstToken(), () -> fail(timeout(FailureKind.FIRST_TOKEN_TIMEOUT,
                        "sent no token within " + human(limits.firstToken())
                                + " (a local model may still be loading)", "timeouts.first-token")));
            }
            unregister = request.cancellation().onCancel(() -> fail(ModelCallException.of(FailureKind.CANCELLED,
                    false, request.model(), "The call to " + request.model() + " was cancelled: "
                            + request.cancellation().reason())));
            if (over.get()) {
                return;
            }
            subscription = source.subscribe().with(this::onItem,
                    failure -> fail(Failures.classify(failure, request.model(), settings, chunks)),
                    this::onComplete);
        }

        private void onItem(String element) {
            if (over.get()) {
                return;
            }
            StreamChunk chunk;
            try {
                chunk = parser.apply(element);
            } catch (ModelCallException e) {
                fail(e);
                return;
            } catch (RuntimeException e) {
                fail(new ModelCallException(FailureKind.SERVER_ERROR, true, settings.displayName()
                        + " sent a piece of answer that could not be read (" + e.getMessage() + "): "
                        + abbreviate(element), request.model(), null, null, e));
                return;
            }
            if (chunk == null) {
                return;
            }
            String content = chunk.content();
            long count;
            int loop;
            synchronized (this) {
                terminal |= chunk.terminal();
                doneReason = chunk.doneReason() != null ? chunk.doneReason() : doneReason;
                promptTokens = chunk.promptTokens() != null ? chunk.promptTokens() : promptTokens;
                completionTokens = chunk.completionTokens() != null ? chunk.completionTokens() : completionTokens;
                cost = chunk.cost() != null ? chunk.cost() : cost;
                answeredBy = chunk.model() != null && !chunk.model().isBlank() ? chunk.model() : answeredBy;
                boolean hasText = content != null && !content.isEmpty();
                if (!hasText && chunk.toolCalls().isEmpty()) {
                    return;
                }
                for (StreamChunk.ToolCallPiece piece : chunk.toolCalls()) {
                    toolCalls.computeIfAbsent(piece.index(), i -> new ToolCallBuilder()).add(piece);
                }
                if (hasText) {
                    text.append(content);
                }
                count = ++chunks;
                if (count == 1) {
                    firstTokenNanos = System.nanoTime();
                    cancel(firstTokenTimer);
                }
                loop = hasText ? repetition.check(text) : 0;
            }
            if (loop > 0) {
                fail(ModelCallException.of(FailureKind.INVALID_OUTPUT, true, request.model(), "repetition: the model "
                        + request.model() + " wrote the same passage of " + loop + " characters "
                        + RepetitionDetector.REPEATS + " times in a row, so the stream was stopped after " + count
                        + " chunks: " + abbreviate(text.substring(text.length() - loop))));
                return;
            }
            if (request.stream()) {
                cancel(stallTimer);
                Duration stall = settings.timeouts().stall();
                stallTimer = schedule(stall, () -> fail(timeout(FailureKind.STALLED,
                        "stopped sending tokens for " + human(stall) + " after " + chunks + " chunks",
                        "timeouts.stall")));
            }
            if (content == null || content.isEmpty()) {
                return;
            }
            try {
                listener.onToken(content, count);
            } catch (RuntimeException e) {
                Log.warnf(e, "A token listener failed; the call to %s goes on", request.model());
            }
        }

        private void onComplete() {
            synchronized (this) {
                if (!terminal && doneReason == null) {
                    fail(Failures.truncated(request.model(), settings, chunks, null));
                    return;
                }
            }
            succeed();
        }

        private void succeed() {
            ModelResponse response;
            synchronized (this) {
                String answer = text.toString();
                JsonAnswer.Read json = request.wantsJson() ? JsonAnswer.read(answer) : null;
                if (json != null && !json.ok()) {
                    String cut = "length".equals(doneReason) ? " The answer stopped at the token limit"
                            + (request.maxTokens() == null ? "" : " (" + request.maxTokens() + " tokens)") + "." : "";
                    fail(new ModelCallException(FailureKind.INVALID_OUTPUT, true,
                            "The model " + request.model() + " was asked for JSON (" + request.schemaName()
                                    + ") but " + json.problem() + "." + cut + " It answered: " + abbreviate(answer),
                            request.model(), null, null, null));
                    return;
                }
                ModelRef model = answeredBy == null ? request.model() : new ModelRef(request.model().provider(), answeredBy);
                long completion = completionTokens != null ? completionTokens : chunks;
                Usage usage = prices.usage(model, promptTokens == null ? 0 : promptTokens, completion, cost);
                long end = System.nanoTime();
                Duration first = firstTokenNanos == 0 ? null : Duration.ofNanos(firstTokenNanos - startedNanos);
                List<ToolCall> calls = new ArrayList<>();
                toolCalls.forEach((index, call) -> calls.add(call.build(index)));
                response = new ModelResponse(answer, usage, model, doneReason == null ? "stop" : doneReason,
                        new ModelResponse.Timings(first, Duration.ofNanos(end - startedNanos)), 1, calls);
            }
            if (over.compareAndSet(false, true)) {
                emitter.complete(response);
            }
        }

        private void fail(ModelCallException failure) {
            if (over.compareAndSet(false, true)) {
                emitter.fail(failure);
            }
        }

        private ModelCallException timeout(FailureKind kind, String what, String key) {
            return ModelCallException.of(kind, true, request.model(), settings.displayName() + " model "
                    + request.model().model() + " " + what + ". Raise " + settings.configPrefix() + "." + key
                    + " if the model is just slow, or use a smaller model.");
        }

        private void cleanUp() {
            cancel(firstTokenTimer);
            cancel(stallTimer);
            cancel(totalTimer);
            Cancellable current = subscription;
            if (current != null) {
                current.cancel();
            }
            Runnable registration = unregister;
            if (registration != null) {
                registration.run();
            }
        }

        private static ScheduledFuture<?> schedule(Duration delay, Runnable action) {
            return Infrastructure.getDefaultWorkerPool().schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
        }

        private static void cancel(ScheduledFuture<?> timer) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /** One tool call joined from its pieces: OpenAI streams its arguments as text in many deltas. */
    private static final class ToolCallBuilder {
        private String id;
        private String name;
        private final StringBuilder arguments = new StringBuilder();
        private JsonNode argumentsJson;

        void add(StreamChunk.ToolCallPiece piece) {
            id = piece.id() != null && !piece.id().isBlank() ? piece.id() : id;
            name = piece.name() != null && !piece.name().isBlank() ? piece.name() : name;
            if (piece.arguments() != null) {
                arguments.append(piece.arguments());
            }
            argumentsJson = piece.argumentsJson() != null ? piece.argumentsJson() : argumentsJson;
        }

        ToolCall build(int index) {
            String callId = id == null ? "call_" + index : id;
            String tool = name == null ? "" : name;
            return argumentsJson != null ? ToolCall.ofJson(callId, tool, argumentsJson)
                    : ToolCall.ofText(callId, tool, arguments.toString());
        }
    }

    /** Whether the text is one JSON value, allowing the Markdown fence some models put around it. */
    public static boolean isJson(String text) {
        String body = stripFence(text);
        if (body.isEmpty()) {
            return false;
        }
        try (var parser = JSON.createParser(body)) {
            JSON.readTree(parser);
            return parser.nextToken() == null;
        } catch (Exception e) {
            return false;
        }
    }

    /** The text without a surrounding {@code ```json ... ```} fence. */
    public static String stripFence(String text) {
        String body = text.strip();
        if (body.startsWith("```") && body.endsWith("```") && body.length() >= 6) {
            int firstLine = body.indexOf('\n');
            body = firstLine < 0 ? "" : body.substring(firstLine + 1, body.length() - 3).strip();
        }
        return body;
    }

    static String abbreviate(String text) {
        String flat = String.valueOf(text).replaceAll("\\s+", " ").strip();
        return "'" + (flat.length() > 120 ? flat.substring(0, 120) + "..." : flat) + "'";
    }

    private static String human(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
