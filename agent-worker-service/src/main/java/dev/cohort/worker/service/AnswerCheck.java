package dev.cohort.worker.service;

import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.worker.model.JsonAnswer;
import dev.cohort.worker.model.ModelResponse;
import dev.cohort.worker.model.OutputCheck;

/**
 * Whether a model's answer to a dispatched subtask can be used, as a careful reader would judge it. Unusable: an
 * answer that stopped at the token limit (it is not complete, whatever it holds), a plan with no readable JSON
 * ({@link JsonAnswer}), a work answer with a code block that is never closed or with no file at all where files
 * were asked for, and an empty summary or reply. Everything {@link Answer} and {@link JsonAnswer} repair is usable.
 *
 * <p>A readable plan is handed on as it is, even when it names an unknown role or depends on a subtask it does not
 * have: the orchestrator's plan validator judges plans (with the task's team and limits, which a worker does not
 * know) and sends an invalid one back to the lead with every error, so the rules live in one place. Dropping such a
 * subtask or dependency here would run work the lead did not plan.
 */
public final class AnswerCheck {

    private AnswerCheck() {
    }

    public static OutputCheck of(SubtaskDispatch d) {
        return response -> {
            String problem = problem(d, response);
            if (problem != null) {
                throw OutputCheck.unusable(response, problem);
            }
        };
    }

    /** Why the answer cannot be used, or null when it can. */
    static String problem(SubtaskDispatch d, ModelResponse response) {
        if (response.truncatedByLimit()) {
            String tokens = response.usage() == null ? "" : " (" + response.usage().completionTokens() + " tokens)";
            return "the answer stopped at the token limit" + tokens + ", so it is not complete";
        }
        if (d.kind() == SubtaskKind.PLAN) {
            JsonAnswer.Read plan = JsonAnswer.read(response.text());
            return plan.ok() ? null : "the plan is not readable JSON: " + plan.problem();
        }
        Answer answer = Answer.parse(response.text(), d.role());
        if (answer.unclosedBlock()) {
            return "a code block is opened but never closed with ```";
        }
        boolean wantsFiles = d.kind() == SubtaskKind.MERGE && d.conflictId() != null
                || d.kind() == SubtaskKind.WORK && !d.writes().isEmpty();
        if (wantsFiles && answer.files().isEmpty()) {
            return "the answer has no file: each file must be in a fenced block whose info string has its path, e.g. "
                    + "```java path=" + (d.writes().isEmpty() ? "src/Main.java" : d.writes().get(0)) + "```"
                    + (answer.unnamedBlocks() == 0 ? "" : "; " + answer.unnamedBlocks()
                    + " code block(s) named no path");
        }
        if ((d.kind() == SubtaskKind.SUMMARY || d.kind() == SubtaskKind.ANSWER) && answer.prose().isBlank()) {
            return "the answer is empty";
        }
        return null;
    }
}
