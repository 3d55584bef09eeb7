package dev.cohort.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Renders a task as text: a line for the task and one progress bar per agent's subtask. */
final class Progress {

    static final int BAR = 20;

    private Progress() {
    }

    static List<String> render(JsonNode task, boolean color) {
        List<String> lines = new ArrayList<>();
        JsonNode subtasks = task.path("subtasks");
        long done = 0;
        long doneTokens = 0;
        for (JsonNode s : subtasks) {
            if ("done".equals(s.path("status").asText())) {
                done++;
                doneTokens += s.path("completionTokens").asLong();
            }
        }
        long expected = done == 0 ? 400 : Math.max(50, doneTokens / done);
        lines.add(String.format("%s  %s  %s  %d/%d done  %,d tokens  $%s", task.path("title").asText(),
                paint(task.path("status").asText(), color), bar(subtasks.size() == 0 ? 0 : (double) done / subtasks.size()),
                done, subtasks.size(), task.path("promptTokens").asLong() + task.path("completionTokens").asLong(),
                usd(task.path("costUsd"))));
        int keyWidth = 12;
        for (JsonNode s : subtasks) {
            keyWidth = Math.max(keyWidth, s.path("key").asText().length());
        }
        for (JsonNode s : subtasks) {
            String status = s.path("status").asText();
            double fill = switch (status) {
                case "done" -> 1.0;
                case "running" -> Math.min(0.95, (double) s.path("progressTokens").asLong() / expected);
                default -> 0.0;
            };
            String model = s.hasNonNull("model")
                    ? s.path("model").asText() + " " + ("ollama".equals(s.path("provider").asText()) ? "[local]" : "[cloud]")
                    : "";
            long tokens = "running".equals(status) ? s.path("progressTokens").asLong() : s.path("completionTokens").asLong();
            lines.add(String.format("  %-" + keyWidth + "s %-10s %s %-10s %6d tok  %s%s", s.path("key").asText(),
                    s.path("role").asText(),
                    bar(fill), paint(status, color), tokens, model, elapsed(s)));
        }
        if (task.hasNonNull("statusReason")) {
            lines.add("  " + task.path("statusReason").asText());
        }
        return lines;
    }

    /** A cost in plain decimals, e.g. 0.00036 rather than 3.6E-4. */
    static String usd(JsonNode cost) {
        return cost.isNumber() ? cost.decimalValue().stripTrailingZeros().toPlainString() : cost.asText("0");
    }

    static String bar(double fill) {
        int full = (int) Math.round(Math.max(0, Math.min(1, fill)) * BAR);
        return "[" + "#".repeat(full) + ".".repeat(BAR - full) + "]";
    }

    private static String elapsed(JsonNode s) {
        if (!s.hasNonNull("startedAt")) {
            return "";
        }
        Instant start = Instant.parse(s.get("startedAt").asText());
        Instant end = s.hasNonNull("finishedAt") ? Instant.parse(s.get("finishedAt").asText()) : Instant.now();
        return String.format("  %.1fs", Duration.between(start, end).toMillis() / 1000.0);
    }

    private static String paint(String status, boolean color) {
        if (!color) {
            return status;
        }
        String code = switch (status) {
            case "done", "completed" -> "32";
            case "running", "dispatched", "planning" -> "36";
            case "failed", "cancelled" -> "31";
            case "paused", "awaiting-approval", "skipped" -> "33";
            default -> "0";
        };
        return "\u001b[" + code + "m" + status + "\u001b[0m";
    }
}
