package dev.cohort.simulator.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.regex.Pattern;

/**
 * A fault to inject into matching calls. Null matchers match everything; {@code model} is a glob ({@code *},
 * {@code ?}). {@code times} null means every matching call until the rules are cleared.
 *
 * @param id                assigned by the simulator
 * @param model             model name glob
 * @param role              role id from the {@code Cohort-Role} line (or the model name)
 * @param kind              subtask kind from the {@code Cohort-Subtask-Kind} line
 * @param protocol          {@code ollama} or {@code openai}
 * @param action            what to do
 * @param status            HTTP status for {@code fail} (default 500)
 * @param retryAfterSeconds Retry-After for {@code rate-limit} (default 1)
 * @param afterTokens       tokens sent before {@code hang} or {@code drop} strikes
 * @param hangMs            how long {@code hang} stalls; null stalls until the client gives up
 * @param times             how many matching calls the rule applies to
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FaultRule(String id,
                        String model,
                        String role,
                        String kind,
                        String protocol,
                        FaultAction action,
                        Integer status,
                        Integer retryAfterSeconds,
                        Integer afterTokens,
                        Long hangMs,
                        Integer times) {

    public FaultRule {
        if (action == null) {
            throw new IllegalArgumentException("action is required");
        }
        if (times != null && times < 1) {
            throw new IllegalArgumentException("times must be >= 1, or absent for every matching call");
        }
        if (status != null && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("status must be an HTTP error status (400-599)");
        }
        if (afterTokens != null && afterTokens < 0) {
            throw new IllegalArgumentException("afterTokens must be >= 0");
        }
        if (hangMs != null && hangMs < 0) {
            throw new IllegalArgumentException("hangMs must be >= 0");
        }
        if (retryAfterSeconds != null && retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0");
        }
    }

    public FaultRule withId(String newId) {
        return new FaultRule(newId, model, role, kind, protocol, action, status, retryAfterSeconds, afterTokens,
                hangMs, times);
    }

    public int statusOrDefault() {
        return status != null ? status : action == FaultAction.RATE_LIMIT ? 429 : 500;
    }

    public int retryAfterOrDefault() {
        return retryAfterSeconds != null ? retryAfterSeconds : 1;
    }

    boolean matches(String callModel, String callRole, String callKind, String callProtocol) {
        return (model == null || glob(model).matcher(callModel).matches())
                && (role == null || role.equalsIgnoreCase(callRole))
                && (kind == null || kind.equalsIgnoreCase(callKind))
                && (protocol == null || protocol.equalsIgnoreCase(callProtocol));
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
