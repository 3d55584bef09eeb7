package dev.cohort.orchestrator.service;

import dev.cohort.contracts.Fence;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.Verification;
import dev.cohort.orchestrator.domain.Subtask;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verify loop's graph rule. A work subtask whose agent checked the team's code in the sandbox and saw it fail
 * gets a fix round: for each done subtask that wrote a file the check read (its authors), a fix subtask of the
 * author's role with the failing output, then a new check by the checker's role after all the fixes. Rounds stop
 * after {@code maxRounds}; the failing check then stands, and the lead's summary reports it.
 */
final class VerifyRounds {

    /** A check's key is its first check's key, plus {@code -recheck-<round>} from the second round on. */
    private static final Pattern RECHECK = Pattern.compile("^(.*)-recheck-(\\d+)$");

    /** Makes a subtask of the task: key, role, kind, title, instructions, dependencies. */
    interface Factory {
        Subtask create(String key, Role role, SubtaskKind kind, String title, String instructions,
                       List<String> dependsOn);
    }

    /** A round to add: fix subtasks, the new check, and the message each author's role gets. */
    record Round(int number, List<Subtask> fixes, Subtask recheck, List<Notice> notices) {
    }

    /** The failing output, for one author's role. */
    record Notice(Role to, String text) {
    }

    private VerifyRounds() {
    }

    /** The round a failed check calls for, or null when it passed, has no authors to fix, or rounds are used up. */
    static Round after(TaskGraph graph, Subtask check, Verification verification, int maxRounds,
                       Factory factory) {
        if (verification == null || verification.passed() || check.kindValue() != SubtaskKind.WORK) {
            return null;
        }
        Matcher recheck = RECHECK.matcher(check.planKey);
        String base = recheck.matches() ? recheck.group(1) : check.planKey;
        int done = recheck.matches() ? Integer.parseInt(recheck.group(2)) - 1 : 0;
        if (done >= maxRounds) {
            return null;
        }
        int round = done + 1;
        List<Subtask> authors = authors(graph, check);
        if (authors.isEmpty()) {
            return null;
        }
        String failure = "`" + verification.command() + "` exited " + verification.exitCode()
                + (verification.timedOut() ? " (timed out)" : "") + " in the sandbox";
        String recheckKey = base + "-recheck-" + (round + 1);
        if (graph.byKey(recheckKey).isPresent()) {
            return null; // this round was added already
        }
        List<Subtask> fixes = new ArrayList<>();
        List<Notice> notices = new ArrayList<>();
        for (Subtask author : authors) {
            String key = base + "-fix-" + round + "-" + author.planKey;
            if (graph.byKey(key).isPresent()) {
                return null; // this round was added already
            }
            Subtask fix = factory.create(key, author.roleValue(), SubtaskKind.WORK,
                    "Fix " + author.title + " (round " + round + ")",
                    "Fix the failing tests: " + failure + ", after " + check.planKey + " checked your work ("
                            + author.planKey + "). Change your files so that the check passes; change a test only "
                            + "if it is wrong, and say so. The failing output is in the checker's message to you."
                            + (author.instructions == null || author.instructions.isBlank() ? ""
                            : "\n\nYour original instructions:\n" + author.instructions),
                    List.of(check.planKey));
            Set<String> reads = new LinkedHashSet<>(author.readKeys());
            reads.addAll(author.writeKeys());
            reads.addAll(check.writeKeys());
            fix.readKeys(List.copyOf(reads));
            fix.writeKeys(author.writeKeys());
            fixes.add(fix);
            graph.add(fix);
            notices.add(new Notice(author.roleValue(), "The check " + failure + " after " + check.planKey
                    + " tested your work (" + author.planKey + "). Fix round " + round + " of at most " + maxRounds
                    + ". The end of its output:\n\n```\n" + verification.output() + "\n```"));
        }
        Subtask again = factory.create(recheckKey, check.roleValue(),
                SubtaskKind.WORK, check.title.replaceAll(" \\(check \\d+\\)$", "") + " (check " + (round + 1) + ")",
                (check.instructions == null ? "" : check.instructions.replaceAll("(?s)\n\nCheck \\d+:.*$", ""))
                        + "\n\nCheck " + (round + 1) + ": the authors fixed what the last check found ("
                        + failure + "). Run the checks again and report the result as it is.",
                fixes.stream().map(f -> f.planKey).toList());
        again.readKeys(check.readKeys());
        again.writeKeys(check.writeKeys());
        graph.add(again);
        return new Round(round, fixes, again, notices);
    }

    /**
     * The done work subtasks that wrote a key the check reads: not the check's own role's, and not fix subtasks
     * (a later round goes to the original author again, with its original instructions).
     */
    private static List<Subtask> authors(TaskGraph graph, Subtask check) {
        List<Subtask> authors = new ArrayList<>();
        for (Subtask s : graph.work()) {
            if (s != check && s.statusValue() == SubtaskStatus.DONE && s.roleValue() != check.roleValue()
                    && !s.planKey.contains("-fix-")
                    && check.readKeys().stream().anyMatch(key -> Fence.allows(s.writeKeys(), key))) {
                authors.add(s);
            }
        }
        return authors;
    }
}
