package dev.cohort.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.worker.config.CohortModelsConfig;
import dev.cohort.worker.config.RoleProfile;
import dev.cohort.worker.config.RoleProfiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the worker calls models: builds a role's request from its profile and makes the call, retrying retryable
 * failures with backoff and jitter (honouring Retry-After) up to the profile's {@code max-attempts}. Escalation to
 * another model is the orchestrator's decision and arrives as the dispatch's model override.
 */
@Singleton
public class ModelCalls {

    private final ModelProviders providers;
    private final RoleProfiles profiles;
    private final RetryPolicy retryPolicy;
    private final MeterRegistry meters;
    private final GenAiTelemetry telemetry;

    @Inject
    public ModelCalls(ModelProviders providers, RoleProfiles profiles, CohortModelsConfig config, MeterRegistry meters,
                      OpenTelemetry openTelemetry) {
        this(providers, profiles, new RetryPolicy(config.retry().initialBackoff(), config.retry().maxBackoff(),
                config.retry().maxRetryAfter(), config.retry().jitter()), meters,
                new GenAiTelemetry(openTelemetry, config.telemetry().captureContent()));
    }

    public ModelCalls(ModelProviders providers, RoleProfiles profiles, RetryPolicy retryPolicy) {
        this(providers, profiles, retryPolicy, Metrics.globalRegistry);
    }

    public ModelCalls(ModelProviders providers, RoleProfiles profiles, RetryPolicy retryPolicy, MeterRegistry meters) {
        this(providers, profiles, retryPolicy, meters, GenAiTelemetry.NONE);
    }

    public ModelCalls(ModelProviders providers, RoleProfiles profiles, RetryPolicy retryPolicy, MeterRegistry meters,
                      GenAiTelemetry telemetry) {
        this.providers = providers;
        this.profiles = profiles;
        this.retryPolicy = retryPolicy;
        this.meters = meters;
        this.telemetry = telemetry;
    }

    /** Spans and metrics of model and tool calls. */
    public GenAiTelemetry telemetry() {
        return telemetry;
    }

    /**
     * A streaming request for a role's subtask: the profile's model (or {@code override}), its system prompt under
     * the {@link PromptHeaders}, temperature and limits; with {@code jsonSchema} the answer must be that JSON.
     */
    public ModelRequest request(Role role, SubtaskKind kind, ModelRef override, String userMessage,
                                JsonNode jsonSchema, Cancellation cancellation) {
        return request(role, kind, profiles.profile(role).modelFor(override), userMessage, jsonSchema, cancellation,
                override == null);
    }

    /**
     * The request for a dispatched subtask: its role's profile; the dispatch's model override, or the escalation
     * model when the dispatch says to escalate; the plan schema for a plan subtask.
     */
    public ModelRequest request(SubtaskDispatch dispatch, Cancellation cancellation) {
        return request(dispatch, "", cancellation);
    }

    /** As {@link #request(SubtaskDispatch, Cancellation)}, with {@code context} (artifact contents) after the prompt. */
    public ModelRequest request(SubtaskDispatch dispatch, String context, Cancellation cancellation) {
        RoleProfile profile = profiles.profile(dispatch.role());
        ModelRef model = profile.modelFor(dispatch.model(), dispatch.escalate());
        return request(dispatch.role(), dispatch.kind(), model, SubtaskPrompts.userMessage(dispatch) + context,
                dispatch.kind() == SubtaskKind.PLAN ? PlanSchema.schema() : null, cancellation,
                model.equals(profile.model()));
    }

    private ModelRequest request(Role role, SubtaskKind kind, ModelRef model, String userMessage, JsonNode jsonSchema,
                                 Cancellation cancellation, boolean ownModel) {
        RoleProfile profile = profiles.profile(role);
        ModelRequest request = new ModelRequest(model,
                List.of(ChatMessage.system(PromptHeaders.systemMessage(role, kind, profile.systemPrompt())),
                        ChatMessage.user(userMessage)),
                profile.temperature(), profile.maxTokens(), profile.contextTokens(), null, null, true,
                ownModel ? profile.fallbackModels() : List.of(), cancellation);
        return jsonSchema == null ? request : request.withJsonSchema(kind.id(), jsonSchema);
    }

    /** Calls with the retries of the role's profile. */
    public Uni<ModelResponse> call(Role role, ModelRequest request, TokenListener listener) {
        return call(request, profiles.profile(role).maxAttempts(), listener);
    }

    /** Calls up to {@code maxAttempts} times while failures are retryable. */
    public Uni<ModelResponse> call(ModelRequest request, int maxAttempts, TokenListener listener) {
        return call(request, maxAttempts, listener, OutputCheck.NONE);
    }

    /**
     * Calls up to {@code maxAttempts} times while failures are retryable; an answer {@code check} rejects is such a
     * failure ({@code invalid-output}), and the next call quotes its reason to the model.
     */
    public Uni<ModelResponse> call(ModelRequest request, int maxAttempts, TokenListener listener, OutputCheck check) {
        ModelProvider provider = providers.provider(request.model().provider());
        TokenListener tokens = listener == null ? TokenListener.NONE : listener;
        // Retries run on other threads: each call's span goes under the caller's trace context, taken here.
        Context parent = Context.current();
        return attempt(provider, request, request, tokens, check == null ? OutputCheck.NONE : check, 1,
                Math.max(1, maxAttempts), parent);
    }

    /**
     * The request to send after an answer that could not be used: the same conversation and one more user message
     * that quotes the reason, so the model can avoid the mistake rather than repeat it.
     */
    public static ModelRequest correction(ModelRequest original, ModelCallException failure) {
        List<ChatMessage> messages = new ArrayList<>(original.messages());
        messages.add(ChatMessage.user("Your previous answer to this could not be used. The error was:\n\n> "
                + failure.getMessage().replace("\n", "\n> ") + "\n\nAnswer again from the beginning, complete and "
                + "in exactly the format asked for above" + (original.wantsJson() ? " (one JSON value, nothing else)"
                : " (each file in its own fenced block with path=..., then the summary block)")
                + ". Do not repeat yourself, and keep it short enough to finish."));
        return original.withMessages(messages);
    }

    private Uni<ModelResponse> attempt(ModelProvider provider, ModelRequest original, ModelRequest request,
                                       TokenListener listener, OutputCheck check, int attempt, int maxAttempts,
                                       Context parent) {
        long started = System.nanoTime();
        GenAiTelemetry.Call call = telemetry.start(request, parent);
        return provider.chat(request, listener)
                .onItem().transform(response -> {
                    check.check(response);
                    call.succeeded(response);
                    record(request.model(), "ok", started);
                    meters.counter("cohort.model.tokens", tags(response.answeredBy(), "direction", "input"))
                            .increment(response.usage().promptTokens());
                    meters.counter("cohort.model.tokens", tags(response.answeredBy(), "direction", "output"))
                            .increment(response.usage().completionTokens());
                    return response.withAttempts(attempt);
                })
                .onFailure().recoverWithUni(failure -> {
                    ModelCallException error = failure instanceof ModelCallException known ? known
                            : Failures.classify(failure, request.model(), provider.settings(), 0);
                    call.failed(error);
                    record(request.model(), error.kind().id(), started);
                    if (!error.retryable() || attempt >= maxAttempts || request.cancellation().isCancelled()) {
                        return Uni.createFrom().failure(error.withAttempts(attempt));
                    }
                    Duration delay = retryPolicy.delay(attempt, error.retryAfter());
                    if (delay == null) {
                        return Uni.createFrom().failure(new ModelCallException(error.kind(), true,
                                error.getMessage() + " Not waiting: Retry-After is longer than cohort.retry.max-retry-after.",
                                error.model(), error.httpStatus(), error.retryAfter(), error).withAttempts(attempt));
                    }
                    Log.infof("Model call to %s failed (%s, attempt %d of %d); retrying in %d ms",
                            request.model(), error.kind().id(), attempt, maxAttempts, delay.toMillis());
                    listener.onRetry(attempt, error, delay);
                    return Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                            .chain(() -> request.cancellation().isCancelled()
                                    ? Uni.createFrom().failure(ModelCallException.of(FailureKind.CANCELLED, false,
                                            request.model(), "The call to " + request.model() + " was cancelled: "
                                                    + request.cancellation().reason()).withAttempts(attempt))
                                    : attempt(provider, original, error.kind() == FailureKind.INVALID_OUTPUT
                                            ? correction(original, error) : original, listener, check, attempt + 1,
                                            maxAttempts, parent));
                });
    }

    /** One HTTP call's outcome and duration, as {@code cohort.model.calls} by provider, model and outcome. */
    private void record(ModelRef model, String outcome, long startedNanos) {
        Timer.builder("cohort.model.calls").description("Model calls (one HTTP request each) by outcome")
                .tags(tags(model, "outcome", outcome)).register(meters)
                .record(Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private static Tags tags(ModelRef model, String key, String value) {
        return Tags.of("provider", model.provider().id(), "model", model.model(), key, value);
    }
}
