package dev.cohort.orchestrator.service;

import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Role;
import java.util.List;
import java.util.Map;

/** Fixed plans chosen at submit time; they run without a planning call. */
public final class WorkflowTemplates {

    public static final String CODE_REVIEW = "code-review";
    public static final String DESIGN_REVIEW = "design-review";

    private static final Map<String, List<PlannedSubtask>> PLANS = Map.of(
            CODE_REVIEW, List.of(
                    new PlannedSubtask("review", Role.REVIEWER, "Review the code",
                            "Review the code described in the task for correctness, security, readability and tests. "
                                    + "Write findings with severity and a suggested fix for each.",
                            List.of(), List.of(), List.of("review/code.md")),
                    new PlannedSubtask("tests", Role.TESTER, "Check the tests",
                            "Find behaviour of the code in the task that no test covers and write the missing tests.",
                            List.of(), List.of(), List.of("review/tests.md")),
                    new PlannedSubtask("verdict", Role.REVIEWER, "Decide",
                            "Weigh the review and the test findings; say whether the change can be merged and what "
                                    + "must change first.",
                            List.of("review", "tests"), List.of("review/code.md", "review/tests.md"),
                            List.of("review/verdict.md"))),
            DESIGN_REVIEW, List.of(
                    new PlannedSubtask("critique", Role.ARCHITECT, "Critique the design",
                            "Assess the design in the task: components, data flow, failure modes, scaling, security. "
                                    + "Name the risks and alternatives.",
                            List.of(), List.of(), List.of("review/design.md")),
                    new PlannedSubtask("research", Role.RESEARCHER, "Check prior art",
                            "Find how comparable systems solve the same problems and what went wrong for them.",
                            List.of(), List.of(), List.of("review/prior-art.md")),
                    new PlannedSubtask("verdict", Role.REVIEWER, "Recommend",
                            "From the critique and the prior art, recommend changes to the design in order of value.",
                            List.of("critique", "research"), List.of("review/design.md", "review/prior-art.md"),
                            List.of("review/recommendations.md"))));

    private WorkflowTemplates() {
    }

    /**
     * The template's name, when it is one.
     *
     * @throws IllegalArgumentException naming the known templates when it is not
     */
    public static String fromId(String name) {
        if (name == null || !PLANS.containsKey(name.strip())) {
            throw new IllegalArgumentException("unknown template '" + name + "'; known: " + String.join(", ", names()));
        }
        return name.strip();
    }

    public static List<String> names() {
        return PLANS.keySet().stream().sorted().toList();
    }

    /** The template's plan; the task's description is what the subtasks work on. */
    public static List<PlannedSubtask> plan(String name, String description) {
        return PLANS.get(fromId(name));
    }
}
