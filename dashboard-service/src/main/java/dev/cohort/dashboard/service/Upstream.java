package dev.cohort.dashboard.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cohort.contracts.EventCodec;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * How a call to another service ends for the page, the same for each service: a refusal (4xx) keeps the service's
 * status and words, its failure (5xx) is 502, no answer in time 504, no answer at all 503, and so is a call its
 * circuit breaker holds back. The REST clients leave every status to this class (their default exception mapper is
 * off). No answer, none in time, or a 502/503/504 from the service is an {@link UpstreamUnavailableException}, which
 * reads are retried on and the breaker counts.
 *
 * @param name the service as a sentence names it, e.g. "orchestrator"
 * @param url where the dashboard expects it
 * @param urlKey the setting that holds {@code url}
 * @param breaker the service's circuit breaker ({@link UpstreamBreakers})
 */
record Upstream(String name, String url, String urlKey, Breaker breaker) {

    /** Runs a call through an upstream's circuit breaker; implemented by a method reference to {@link UpstreamBreakers}. */
    interface Breaker {
        <T> Uni<T> guard(Supplier<Uni<T>> call);
    }

    /**
     * Sends {@code request} through the breaker; an answer below 400 becomes {@code reply}'s result, anything else a
     * {@link DashboardException}.
     */
    <T> Uni<T> call(String what, Supplier<Uni<Response>> request, Function<Response, T> reply) {
        return breaker.<T>guard(() -> request.get().onFailure().transform(failure -> unanswered(what, failure))
                        .map(response -> {
                            if (response.getStatus() >= 400) {
                                throw refused(what, response);
                            }
                            return reply.apply(response);
                        }))
                .onFailure(CircuitBreakerOpenException.class).transform(open -> new DashboardException(503,
                        "The " + name + " is not reachable, so the dashboard could not " + what
                                + "; it tries the " + name + " again in a few seconds",
                        "its last calls failed, so the dashboard does not call it for a while; it is expected at "
                                + url + " (" + urlKey + ")"));
    }

    private DashboardException refused(String what, Response response) {
        int status = response.getStatus();
        String error = null;
        String detail = null;
        try {
            String body = response.hasEntity() ? response.readEntity(String.class) : null;
            JsonNode json = body == null || body.isBlank() ? null : EventCodec.mapper().readTree(body);
            if (json != null) {
                error = json.path("error").asText(null);
                detail = json.path("detail").asText(null);
            }
        } catch (Exception e) {
            // not a JSON error body: the status alone must do
        }
        if (status >= 500) {
            String message = "The " + name + " failed to " + what + " (HTTP " + status + ")"
                    + (error == null ? "" : ": " + error);
            // 502-504 come from a proxy in front of a service that is away, not from the service's own code.
            return status <= 504 && status >= 502 ? new UpstreamUnavailableException(502, message, detail)
                    : new DashboardException(502, message, detail);
        }
        return new DashboardException(status, "The " + name + " could not " + what + ": "
                + (error == null ? "HTTP " + status : error), detail);
    }

    private DashboardException unanswered(String what, Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException) {
                return new UpstreamUnavailableException(504, "The " + name + " did not answer in time to " + what,
                        "it is at " + url + "; try again in a moment");
            }
            root = t;
        }
        Log.debugf(failure, "Call to the %s failed: %s", name, what);
        return new UpstreamUnavailableException(503, "The " + name + " is not reachable, so the dashboard could not "
                + what, "it is expected at " + url + " (" + urlKey + "): " + root.getMessage());
    }
}
