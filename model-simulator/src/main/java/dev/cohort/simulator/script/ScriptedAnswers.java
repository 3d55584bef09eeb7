package dev.cohort.simulator.script;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.simulator.service.AnswerStyle;
import dev.cohort.simulator.service.FaultAction;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's answers: deterministic functions of the prompt. A plan subtask gets a JSON plan (architect,
 * then backend and frontend in parallel, then reviewer and tester; or the chain or fan-out a {@code [plan: ...]}
 * phrase in the task asks for, see {@link PlanShape}); every other subtask gets Markdown with each file in a fenced
 * block whose info string carries its path, and a closing {@code summary} block with a structured summary.
 */
public final class ScriptedAnswers {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    static final String README = "README.md";
    /** The roles the subtasks of a chain or fan-out take in turn, so that no one role's slots hold them up. */
    static final List<String> WORKER_ROLES = List.of("backend", "frontend", "tester", "researcher", "optimizer",
            "reviewer", "architect");
    /** The most dependencies (and reads) one subtask of a plan may have (the orchestrator's plan rules). */
    static final int MAX_JOIN = 50;

    private ScriptedAnswers() {
    }

    /**
     * The answer to a prompt.
     *
     * @param answerTokens minimum length of a Markdown answer; notes are added until it is reached
     * @param fault        an answer-altering fault ({@code invalid-plan}, {@code cyclic-plan}, {@code not-json}), or null
     */
    public static String answer(ChatPrompt prompt, int answerTokens, FaultAction fault) {
        return answer(prompt, answerTokens, fault, AnswerStyle.CLEAN, null);
    }

    /**
     * The answer to a prompt in a model's {@link AnswerStyle} (one call's, as {@link AnswerStyle#forCall} gives it).
     * An answer-altering fault wins over the style.
     *
     * @param limit the request's output token limit, or null: a looping answer runs until it
     */
    public static String answer(ChatPrompt prompt, int answerTokens, FaultAction fault, AnswerStyle style,
                                Integer limit) {
        String clean = clean(prompt, answerTokens, fault, NodeStore.broken(style, prompt));
        return fault != null || style == null || style == AnswerStyle.CLEAN ? clean
                : StyledAnswers.apply(style, clean, prompt, limit);
    }

    private static String clean(ChatPrompt prompt, int answerTokens, FaultAction fault, boolean brokenStore) {
        if (fault == FaultAction.NOT_JSON) {
            return "Sure! Here is how I would approach " + prompt.slug() + ": first design the API, then build the "
                    + "backend and the frontend, then review and test everything.";
        }
        if (fault == FaultAction.INVALID_PLAN) {
            return invalidPlan(prompt);
        }
        if (fault == FaultAction.CYCLIC_PLAN) {
            return plan(prompt, true);
        }
        return switch (prompt.kind()) {
            case "plan" -> plan(prompt, false);
            case "merge" -> pad(merge(prompt), prompt, answerTokens);
            case "summary" -> pad(finalSummary(prompt), prompt, answerTokens);
            case "answer" -> pad(reply(prompt), prompt, answerTokens);
            default -> pad(work(prompt, brokenStore), prompt, answerTokens);
        };
    }

    // ---- plans ----

    static String plan(ChatPrompt prompt, boolean cyclic) {
        PlanShape shape = cyclic ? PlanShape.DIAMOND : PlanShape.of(prompt.userText());
        return switch (shape.kind()) {
            case CHAIN -> chain(prompt, shape.width());
            case FAN_OUT -> fanOut(prompt, shape.width());
            case DIAMOND -> diamond(prompt, cyclic);
            case VERIFIED -> verified(prompt);
        };
    }

    /** A design, then a Node store after it, then its tests after the store, written and run by the tester. */
    static String verified(ChatPrompt prompt) {
        String slug = prompt.slug();
        String entity = prompt.entity();
        List<String> design = List.of("api/openapi.yaml", "docs/design.md");
        String store = "src/" + slug + "-store.mjs";
        ObjectNode root = JSON.createObjectNode();
        ArrayNode subtasks = root.putArray("subtasks");
        subtasks.add(subtask("design", "architect", "Design the " + entity + " API",
                "Write the OpenAPI contract and a short design note for: " + firstLine(prompt) + ".",
                List.of(), List.of(), design));
        subtasks.add(subtask("backend", "backend", "Implement the " + entity + " store",
                "Implement the store behind api/openapi.yaml as an ES module: createStore() with add(title), get(id), "
                        + "list(), remove(id) and toggle(id); add rejects a blank title.",
                List.of("design"), design.subList(0, 1), List.of(store)));
        subtasks.add(subtask("test", "tester", "Test the " + entity + " store",
                "Write tests for the store and run them with `node --test test/`.",
                List.of("backend"), List.of(store), List.of("test/" + slug + "-store.test.mjs")));
        return write(root);
    }

    /** {@code length} subtasks, each after the one before, the roles taken in turn. */
    static String chain(ChatPrompt prompt, int length) {
        String slug = prompt.slug();
        ObjectNode root = JSON.createObjectNode();
        ArrayNode subtasks = root.putArray("subtasks");
        List<String> previous = List.of();
        for (int i = 1; i <= length; i++) {
            List<String> writes = List.of("steps/" + slug + "-step-" + i + ".md");
            subtasks.add(subtask("step-" + i, WORKER_ROLES.get((i - 1) % WORKER_ROLES.size()),
                    "Step " + i + " of " + length + " for the " + prompt.entity() + " task",
                    "Do step " + i + " of " + length + " of: " + firstLine(prompt) + ".",
                    i == 1 ? List.of() : List.of("step-" + (i - 1)), previous, writes));
            previous = writes;
        }
        return write(root);
    }

    /**
     * A design subtask, then {@code width} parallel subtasks after it (the roles taken in turn), then a reviewer
     * joining them all. A subtask may depend on at most {@value #MAX_JOIN} others, so a wider fan-out is joined in
     * groups first ({@code review-1}, {@code review-2}, ...), then by the one {@code review}.
     */
    static String fanOut(ChatPrompt prompt, int width) {
        String slug = prompt.slug();
        String entity = prompt.entity();
        List<String> design = List.of("api/openapi.yaml", "docs/design.md");
        ObjectNode root = JSON.createObjectNode();
        ArrayNode subtasks = root.putArray("subtasks");
        subtasks.add(subtask("design", "architect", "Design the " + entity + " API",
                "Write the OpenAPI contract and a short design note for: " + firstLine(prompt) + ".",
                List.of(), List.of(), design));
        List<String> parts = new ArrayList<>();
        List<String> partWrites = new ArrayList<>();
        for (int i = 1; i <= width; i++) {
            String role = WORKER_ROLES.get((i - 1) % WORKER_ROLES.size());
            String key = "parts/" + slug + "-part-" + i + ".md";
            subtasks.add(subtask("part-" + i, role, "Part " + i + " of " + width + " (" + role + ") of the " + entity
                            + " task", "Do part " + i + " of " + width + " of the work, as the " + role + ".",
                    List.of("design"), design.subList(0, 1), List.of(key)));
            parts.add("part-" + i);
            partWrites.add(key);
        }
        String review = "reviews/" + slug + "-review.md";
        if (width <= MAX_JOIN) {
            subtasks.add(subtask("review", "reviewer", "Review the " + entity + " parts",
                    "Review every part against the contract; list defects by severity.",
                    parts, partWrites, List.of(review)));
            return write(root);
        }
        List<String> groups = new ArrayList<>();
        List<String> groupWrites = new ArrayList<>();
        for (int from = 0, group = 1; from < width; from += MAX_JOIN, group++) {
            int to = Math.min(width, from + MAX_JOIN);
            String key = "reviews/" + slug + "-review-" + group + ".md";
            subtasks.add(subtask("review-" + group, "reviewer", "Review parts " + (from + 1) + " to " + to
                            + " of the " + entity + " task", "Review these parts against the contract.",
                    parts.subList(from, to), partWrites.subList(from, to), List.of(key)));
            groups.add("review-" + group);
            groupWrites.add(key);
        }
        subtasks.add(subtask("review", "reviewer", "Review the " + entity + " parts",
                "Combine the group reviews; list defects by severity.", groups, groupWrites, List.of(review)));
        return write(root);
    }

    /** The default plan: design, then backend and frontend in parallel, then review and test. */
    static String diamond(ChatPrompt prompt, boolean cyclic) {
        String slug = prompt.slug();
        String entity = prompt.entity();
        List<String> design = List.of("api/openapi.yaml", "docs/design.md");
        List<String> backend = List.of(javaMain(slug, entity), javaMain(slug, entity + "Resource"));
        List<String> frontend = List.of("web/" + slug + ".html", "web/" + slug + ".js");
        if (prompt.userText().toLowerCase(Locale.ROOT).contains("readme")) {
            // A task that asks for a README gets one from both the backend and the frontend, written at the same
            // time from the same (absent) base: a conflict for the lead to merge.
            backend = concat(backend, List.of(README));
            frontend = concat(frontend, List.of(README));
        }
        List<String> built = concat(backend, frontend).stream().distinct().toList();
        ObjectNode root = JSON.createObjectNode();
        ArrayNode subtasks = root.putArray("subtasks");
        subtasks.add(subtask("design", "architect", "Design the " + entity + " API",
                "Write the OpenAPI contract and a short design note for: " + firstLine(prompt) + ".",
                cyclic ? List.of("test") : List.of(), List.of(), design));
        subtasks.add(subtask("backend", "backend", "Implement the " + entity + " service",
                "Implement the endpoints of api/openapi.yaml with an in-memory store.",
                List.of("design"), design.subList(0, 1), backend));
        subtasks.add(subtask("frontend", "frontend", "Build the " + entity + " page",
                "Build a page that lists, creates and deletes " + slug + " items through the API.",
                List.of("design"), design.subList(0, 1), frontend));
        subtasks.add(subtask("review", "reviewer", "Review the " + entity + " implementation",
                "Review the backend and frontend against the contract; list defects by severity.",
                List.of("backend", "frontend"), concat(design.subList(0, 1), built),
                List.of("reviews/" + slug + "-review.md")));
        subtasks.add(subtask("test", "tester", "Test the " + entity + " API",
                "Write API tests for every endpoint, including error cases.",
                List.of("backend", "frontend"), concat(design.subList(0, 1), backend),
                List.of(javaTest(slug, entity + "ResourceTest"))));
        return write(root);
    }

    private static String invalidPlan(ChatPrompt prompt) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode subtasks = root.putArray("subtasks");
        subtasks.add(subtask("design", "wizard", "", "Conjure the " + prompt.slug() + " design.",
                List.of("research"), List.of(), List.of("api/openapi.yaml")));
        subtasks.add(subtask("design", "backend", "Implement everything", "", List.of("design"), List.of(),
                List.of("src/main/java/App.java")));
        return write(root);
    }

    private static ObjectNode subtask(String id, String role, String title, String instructions,
                                      List<String> dependsOn, List<String> reads, List<String> writes) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        node.put("role", role);
        node.put("title", title);
        node.put("instructions", instructions);
        ArrayNode dependsOnNode = node.putArray("dependsOn");
        dependsOn.forEach(dependsOnNode::add);
        ArrayNode readsNode = node.putArray("reads");
        reads.forEach(readsNode::add);
        ArrayNode writesNode = node.putArray("writes");
        writes.forEach(writesNode::add);
        return node;
    }

    // ---- work ----

    static String work(ChatPrompt prompt) {
        return work(prompt, false);
    }

    /** The Markdown answer of a work subtask; with {@code brokenStore}, a Node store it writes is the broken one. */
    static String work(ChatPrompt prompt, boolean brokenStore) {
        List<String> paths = prompt.writes().isEmpty() ? defaultFiles(prompt) : prompt.writes();
        StringBuilder out = new StringBuilder();
        out.append(intro(prompt)).append("\n\n");
        for (String path : paths) {
            fence(out, path, FileContents.of(path, prompt, brokenStore));
        }
        if (prompt.role().equals("frontend") && prompt.userText().toLowerCase(Locale.ROOT).contains("ask the architect")) {
            // A task that says so has the frontend ask the architect a question, as structured output.
            ObjectNode question = JSON.createObjectNode();
            question.putObject("to").put("type", "role").put("id", "architect");
            question.put("kind", "question");
            question.put("text", "Which port does the " + prompt.slug() + " API listen on?");
            out.append("```messages\n").append(write(JSON.createArrayNode().add(question))).append("\n```\n\n");
        }
        return closeWithSummary(out, prompt, List.of(
                "Wrote " + String.join(", ", paths),
                rolePoint(prompt),
                "Kept to the contract in api/openapi.yaml"), recommendation(prompt));
    }

    static String merge(ChatPrompt prompt) {
        StringBuilder out = new StringBuilder("Merged both versions; every line either side added is kept.\n\n");
        List<String> merged = new ArrayList<>();
        for (Map.Entry<String, List<String>> file : prompt.quotedFiles().entrySet()) {
            Set<String> lines = new LinkedHashSet<>();
            List<String> versions = file.getValue();
            // The last two quoted versions are ours and theirs; an earlier one is the base.
            for (String version : versions.subList(Math.max(0, versions.size() - 2), versions.size())) {
                lines.addAll(List.of(version.split("\\R", -1)));
            }
            lines.remove("");
            fence(out, file.getKey(), String.join("\n", lines) + "\n");
            merged.add(file.getKey());
        }
        if (merged.isEmpty()) {
            out.append("No conflicting files were quoted, so there was nothing to merge.\n\n");
        }
        return closeWithSummary(out, prompt, List.of(
                merged.isEmpty() ? "Nothing to merge" : "Merged " + String.join(", ", merged),
                "Kept the changes of both writers"), "Re-run the reviewer on the merged files.");
    }

    static String finalSummary(ChatPrompt prompt) {
        StringBuilder out = new StringBuilder();
        out.append("## Summary: ").append(prompt.entity()).append("\n\n")
                .append("The team designed the ").append(prompt.slug()).append(" API, implemented the backend and ")
                .append("the page in parallel, then reviewed and tested them.\n\n");
        if (!prompt.writes().isEmpty()) {
            for (String path : prompt.writes()) {
                fence(out, path, FileContents.of(path, prompt));
            }
        }
        return closeWithSummary(out, prompt, List.of("Design, backend, frontend, review and tests are done",
                "The contract is api/openapi.yaml"), "Ship it after a person reads the review.");
    }

    static String reply(ChatPrompt prompt) {
        StringBuilder out = new StringBuilder();
        out.append("As the ").append(prompt.role()).append(", my answer: the ").append(prompt.slug())
                .append(" API keeps its contract in api/openapi.yaml; ids are server-generated and errors use ")
                .append("RFC 9457 problem details.\n\n");
        return closeWithSummary(out, prompt, List.of("Answered the question", "The contract is the reference"),
                "Ask again if the contract changes.");
    }

    private static List<String> defaultFiles(ChatPrompt prompt) {
        String slug = prompt.slug();
        String entity = prompt.entity();
        return switch (prompt.role()) {
            case "architect" -> List.of("api/openapi.yaml", "docs/design.md");
            case "backend" -> List.of(javaMain(slug, entity), javaMain(slug, entity + "Resource"));
            case "frontend" -> List.of("web/" + slug + ".html", "web/" + slug + ".js");
            case "reviewer" -> List.of("reviews/" + slug + "-review.md");
            case "tester" -> List.of(javaTest(slug, entity + "ResourceTest"));
            case "researcher" -> List.of("docs/" + slug + "-research.md");
            case "optimizer" -> List.of("docs/" + slug + "-performance.md");
            default -> List.of("docs/" + slug + "-notes.md");
        };
    }

    private static String intro(ChatPrompt prompt) {
        return switch (prompt.role()) {
            case "architect" -> "Here is the contract and design for the " + prompt.slug() + " API.";
            case "backend" -> "Here is the " + prompt.entity() + " service, implementing api/openapi.yaml.";
            case "frontend" -> "Here is the " + prompt.slug() + " page; it talks to the API only.";
            case "reviewer" -> "Review of the " + prompt.slug() + " implementation against its contract.";
            case "tester" -> "API tests for the " + prompt.slug() + " endpoints, error cases included.";
            case "researcher" -> "What I found about building a " + prompt.slug() + " service.";
            case "optimizer" -> "Where the " + prompt.slug() + " service spends its time, and what to change.";
            default -> "Notes on the " + prompt.slug() + " task.";
        };
    }

    static String rolePoint(ChatPrompt prompt) {
        return switch (prompt.role()) {
            case "architect" -> "Resources: GET/POST /" + prompt.slug() + "s, GET/PUT/DELETE /" + prompt.slug() + "s/{id}";
            case "backend" -> "In-memory store with server-generated ids";
            case "frontend" -> "Plain HTML and fetch(), no build step";
            case "reviewer" -> "No blocking defects; two minor findings";
            case "tester" -> "Covers create, read, update, delete and 404";
            case "researcher" -> "Two approaches compared";
            case "optimizer" -> "The hot path is the list endpoint";
            default -> "Notes written";
        };
    }

    static String recommendation(ChatPrompt prompt) {
        return switch (prompt.role()) {
            case "architect" -> "Implement the backend and the page in parallel against the contract.";
            case "reviewer" -> "Fix the minor findings before release.";
            case "tester" -> "Run the tests in CI on every change.";
            default -> "Review next.";
        };
    }

    // ---- shared formatting ----

    private static void fence(StringBuilder out, String path, String content) {
        out.append("```").append(FileContents.language(path)).append(" path=").append(path).append('\n')
                .append(content.endsWith("\n") ? content : content + "\n").append("```\n\n");
    }

    private static String closeWithSummary(StringBuilder out, ChatPrompt prompt, List<String> keyPoints,
                                           String recommendation) {
        ObjectNode summary = JSON.createObjectNode();
        summary.put("status", "done");
        ArrayNode points = summary.putArray("keyPoints");
        keyPoints.forEach(points::add);
        summary.put("recommendation", recommendation);
        return out + "```summary\n" + write(summary) + "\n```\n";
    }

    /** Adds numbered notes before the summary block until the answer has at least {@code answerTokens} tokens. */
    static String pad(String answer, ChatPrompt prompt, int answerTokens) {
        int missing = answerTokens - Tokens.split(answer).size();
        if (missing <= 0) {
            return answer;
        }
        int cut = answer.lastIndexOf("```summary");
        StringBuilder notes = new StringBuilder("### Notes\n\n");
        String[] sentences = {
                "Inputs are validated at the boundary and rejected with a clear message.",
                "Every " + prompt.slug() + " has a server-generated id and a version for optimistic updates.",
                "Errors use problem details with a type, a title and the offending field.",
                "Lists are paged; the default page size is twenty.",
                "Timestamps are ISO-8601 in UTC.",
                "Deleting an unknown id answers 404, never 500.",
        };
        int count = 0;
        while (Tokens.split(notes.toString()).size() < missing + 3) {
            notes.append(count + 1).append(". ").append(sentences[count % sentences.length]).append('\n');
            count++;
        }
        notes.append('\n');
        return answer.substring(0, cut) + notes + answer.substring(cut);
    }

    private static String firstLine(ChatPrompt prompt) {
        for (String line : PlanShape.strip(prompt.userText()).split("\\R")) {
            String trimmed = line.trim().replaceFirst("^#+\\s*", "").replaceFirst("(?i)^(task|title)\\s*:\\s*", "");
            if (!trimmed.isEmpty()) {
                return trimmed.length() > 120 ? trimmed.substring(0, 120) : trimmed;
            }
        }
        return "the task";
    }

    static String javaMain(String slug, String type) {
        return "src/main/java/" + slug + "/" + type + ".java";
    }

    static String javaTest(String slug, String type) {
        return "src/test/java/" + slug + "/" + type + ".java";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
