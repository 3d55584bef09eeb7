package dev.cohort.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.contracts.Redaction;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeoutException;

/** Turns whatever a provider call threw, or an HTTP error answer, into a classified {@link ModelCallException}. */
public final class Failures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Failures() {
    }

    /**
     * Classifies a failure of a call.
     *
     * @param chunks how many chunks had arrived: a broken connection after some is a truncated stream
     */
    public static ModelCallException classify(Throwable failure, ModelRef model, ProviderSettings settings,
                                               long chunks) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ModelCallException known) {
                return known;
            }
            if (t instanceof WebApplicationException web && web.getResponse() != null) {
                Response response = web.getResponse();
                return fromStatus(response.getStatus(), body(response), retryAfter(response.getHeaderString("Retry-After")),
                        model, settings, t);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectTimeoutException) {
                return new ModelCallException(FailureKind.CONNECT_TIMEOUT, true,
                        "Could not connect to " + settings.displayName() + " at " + settings.url() + " within "
                                + settings.timeouts().connect().toMillis() + " ms. Check that it runs and that "
                                + settings.configPrefix() + ".url is right, or raise " + settings.configPrefix()
                                + ".timeouts.connect.", model, null, null, failure);
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return new ModelCallException(FailureKind.CONNECT_TIMEOUT, true,
                        "Could not connect to " + settings.displayName() + " at " + settings.url() + " ("
                                + t.getMessage() + "). Start " + startHint(settings) + ", or fix "
                                + settings.configPrefix() + ".url.", model, null, null, failure);
            }
            if (t instanceof TimeoutException) {
                return new ModelCallException(FailureKind.TOTAL_TIMEOUT, true,
                        settings.displayName() + " did not answer in time (" + t.getMessage() + "); see "
                                + settings.configPrefix() + ".timeouts.", model, null, null, failure);
            }
            if (isConnectionClosed(t)) {
                return truncated(model, settings, chunks, failure);
            }
        }
        return new ModelCallException(FailureKind.INTERNAL, false,
                "Unexpected failure calling " + settings.displayName() + " model " + model.model() + ": " + failure,
                model, null, null, failure);
    }

    public static ModelCallException truncated(ModelRef model, ProviderSettings settings, long chunks,
                                               Throwable cause) {
        String when = chunks == 0 ? "before any answer" : "after " + chunks + " chunks";
        return new ModelCallException(FailureKind.TRUNCATED_STREAM, true,
                "The connection to " + settings.displayName() + " closed " + when + ", before the model said it was "
                        + "done. The call is retried; if it keeps happening, check the server's logs and proxies "
                        + "between here and " + settings.url() + ".", model, null, null, cause);
    }

    /** Classifies an HTTP error status with the provider's error body and Retry-After. */
    public static ModelCallException fromStatus(int status, String body, Duration retryAfter, ModelRef model,
                                                ProviderSettings settings, Throwable cause) {
        // An error body may echo the request's credentials: none of it reaches an event, a log or an answer.
        String detail = Redaction.redact(errorMessage(body), settings.apiKey());
        String name = settings.displayName();
        String said = name + " answered " + status + (detail.isEmpty() ? "" : " (" + detail + ")");
        boolean openRouter = settings.provider() == Provider.OPENROUTER;
        if (status == 401 || (status == 403 && openRouter && settings.apiKey() == null)) {
            String fix = settings.apiKey() == null
                    ? "No API key is set: export OPENROUTER_API_KEY with a key from https://openrouter.ai/keys."
                    : "The API key was rejected: set OPENROUTER_API_KEY to a valid key from https://openrouter.ai/keys.";
            return new ModelCallException(FailureKind.AUTHENTICATION, false,
                    said + ". " + (openRouter ? fix : "Check the credentials of the server at " + settings.url() + "."),
                    model, status, null, cause);
        }
        if (status == 402) {
            return new ModelCallException(FailureKind.AUTHENTICATION, false,
                    said + ". The account or key has insufficient credits: add credits on openrouter.ai, or move "
                            + "the role to Ollama (cohort.roles.<role>.provider=ollama).", model, status, null, cause);
        }
        if (status == 429) {
            return new ModelCallException(FailureKind.RATE_LIMITED, true,
                    said + ". Rate limited" + (retryAfter == null ? "" : "; retry after " + retryAfter.toSeconds() + " s")
                            + ".", model, status, retryAfter, cause);
        }
        if (status == 408) {
            return new ModelCallException(FailureKind.TOTAL_TIMEOUT, true, said + ". The provider timed out.",
                    model, status, retryAfter, cause);
        }
        if (status == 404 && !openRouter) {
            return new ModelCallException(FailureKind.BAD_REQUEST, false,
                    said + ". Ollama has no model '" + model.model() + "': run `ollama pull " + model.model()
                            + "`, or change the role's model (cohort.roles.<role>.model).", model, status, null, cause);
        }
        if (status >= 500) {
            return new ModelCallException(FailureKind.SERVER_ERROR, true,
                    said + (status == 503 ? ". The server is busy or no provider is available; retrying." : "."),
                    model, status, retryAfter, cause);
        }
        return new ModelCallException(FailureKind.BAD_REQUEST, false,
                said + ". The request was rejected; check the role's model name (" + model + "), max-tokens and "
                        + "temperature settings.", model, status, null, cause);
    }

    /** The human part of an error body: Ollama's {@code {"error": "..."}} or OpenAI's {@code {"error": {"message": ...}}}. */
    public static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
            if (error.isObject() && error.has("message")) {
                return error.get("message").asText();
            }
        } catch (Exception e) {
            // Not JSON: show the start of the text.
        }
        String text = body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    public static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    private static String body(Response response) {
        try {
            if (response.hasEntity()) {
                return response.readEntity(String.class);
            }
        } catch (RuntimeException e) {
            // The body was already consumed or is not text; the status alone classifies the error.
        }
        return null;
    }

    private static boolean isConnectionClosed(Throwable t) {
        String message = String.valueOf(t.getMessage()).toLowerCase();
        return t instanceof HttpClosedException
                || (t instanceof VertxException && message.contains("closed"))
                || t instanceof ClosedChannelException
                || (t instanceof IOException && (message.contains("reset") || message.contains("closed")));
    }

    private static String startHint(ProviderSettings settings) {
        return settings.provider() == Provider.OLLAMA ? "Ollama (`ollama serve`) or the model simulator"
                : "the OpenAI-compatible server";
    }
}
