package dev.cohort.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The figures of the chaos suite, one row per scenario, written as Markdown after every scenario (so a run that dies
 * half-way still leaves what it measured) in the shape of the tables of {@code docs/reliability.md}.
 */
final class ChaosReport {

    private final Path file;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> setup = new ArrayList<>();
    private Row current;

    ChaosReport(Path file) {
        this.file = file;
    }

    /** Starts the row of a scenario; its name begins with its letter in parentheses, e.g. "(a) ...". */
    Row begin(String scenario) {
        current = new Row(scenario, Instant.now());
        rows.add(current);
        return current;
    }

    /** A line about the run as a whole, e.g. how long the stack took to start. */
    void setup(String line) {
        setup.add(line);
    }

    Row current() {
        return current;
    }

    void passed() {
        finish("passed");
    }

    void failed(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        int cut = message.indexOf('\n');
        finish("FAILED: " + (cut > 0 ? message.substring(0, cut) : message));
    }

    void skipped(Throwable cause) {
        finish("skipped: " + cause.getMessage());
    }

    private void finish(String result) {
        if (current != null) {
            current.result = result;
            current.duration = Duration.between(current.started, Instant.now());
        }
        write();
    }

    /** The report as Markdown: a summary table, then each scenario's observations and dead letters. */
    String markdown() {
        StringBuilder md = new StringBuilder("# Chaos suite (ChaosIT)\n\n")
                .append("Run ").append(Instant.now()).append(". Recovery times are wall-clock on the test machine; ")
                .append("model calls are counted at the simulator for the scenario's task, against its subtasks in ")
                .append("status `done` (plus the calls of a killed worker's attempts, which may be repeated).\n\n");
        setup.forEach(line -> md.append("- ").append(line).append('\n'));
        md.append("- scenarios: ").append(seconds(rows.stream().map(r -> r.duration == null ? Duration.ZERO : r.duration)
                .reduce(Duration.ZERO, Duration::plus))).append(" in all\n\n")
                .append("| scenario | result | recovery | model calls / subtasks done | dead letters | scenario time |\n")
                .append("|---|---|---|---|---|---|\n");
        List<Row> sorted = rows.stream().sorted(Comparator.comparing(r -> r.scenario)).toList();
        for (Row r : sorted) {
            md.append("| ").append(cell(r.scenario))
                    .append(" | ").append(cell(r.result))
                    .append(" | ").append(cell(String.join("; ", r.recovery)))
                    .append(" | ").append(cell(r.calls))
                    .append(" | ").append(r.deadLetters == null ? "" : Integer.toString(r.deadLetters.size()))
                    .append(" | ").append(r.duration == null ? "" : seconds(r.duration))
                    .append(" |\n");
        }
        for (Row r : sorted) {
            md.append("\n## ").append(r.scenario).append("\n\n");
            md.append("- result: ").append(r.result).append('\n');
            r.notes.forEach(n -> md.append("- ").append(n).append('\n'));
            if (r.deadLetters != null && !r.deadLetters.isEmpty()) {
                md.append("- dead letters:\n");
                r.deadLetters.forEach(d -> md.append("  - ").append(d).append('\n'));
            }
        }
        return md.toString();
    }

    void write() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, markdown());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    /** What one scenario measured and saw. */
    static final class Row {
        final String scenario;
        final Instant started;
        final List<String> recovery = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        String calls;
        List<String> deadLetters;
        String result = "not finished";
        Duration duration;

        Row(String scenario, Instant started) {
            this.scenario = scenario;
            this.started = started;
        }

        /** A recovery figure, e.g. "database back → task completed: 4.2 s"; null end means it never happened. */
        void recovery(String what, Instant from, Instant to) {
            recovery.add(what + ": " + (from == null || to == null ? "never" : seconds(Duration.between(from, to))));
        }

        void calls(int calls, int done, int repeatsAllowed) {
            this.calls = calls + " / " + done + (repeatsAllowed > 0 ? " (+" + repeatsAllowed + " repeat allowed)" : "");
        }

        void note(String note) {
            notes.add(note.replaceAll("\\s*\\R\\s*", " "));
        }
    }
}
