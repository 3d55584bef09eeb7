package dev.cohort.simulator.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cohort.simulator.service.AnswerStyle;
import dev.cohort.simulator.service.FaultAction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each answer style changes the form of the clean answer the way small models do, and keeps its content. */
class StyledAnswersTest {

    private static final ObjectMapper STRICT = JsonMapper.builder().build();
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA).build();
    private static final String BACKEND_TASK = "Task: Build a todo REST API\n"
            + "Writes: src/main/java/todo/Todo.java, src/main/java/todo/TodoResource.java";

    private static ChatPrompt prompt(String role, String kind, String user) {
        return ChatPrompt.parse("sim-" + role, List.of(
                new ChatPrompt.Message("system", "Cohort-Role: " + role + "\nCohort-Subtask-Kind: " + kind),
                new ChatPrompt.Message("user", user)), false);
    }

    private static String plan(AnswerStyle style) {
        return ScriptedAnswers.answer(prompt("lead", "plan", "Task: Build a todo REST API"), 0, null, style, 4096);
    }

    private static String work(AnswerStyle style) {
        return ScriptedAnswers.answer(prompt("backend", "work", BACKEND_TASK), 0, null, style, 4096);
    }

    @Test
    void aPlanInProseHasSentencesAroundTheSameJson() throws Exception {
        String answer = plan(AnswerStyle.PROSE);

        assertFalse(answer.strip().startsWith("{"), answer);
        assertFalse(answer.strip().endsWith("}"), answer);
        String json = answer.substring(answer.indexOf('{'), answer.lastIndexOf('}') + 1);
        assertEquals(STRICT.readTree(plan(AnswerStyle.CLEAN)), STRICT.readTree(json));
    }

    @Test
    void lenientJsonHasCommentsAndTrailingCommasButTheSameContent() throws Exception {
        String answer = plan(AnswerStyle.LENIENT_JSON);
        String body = answer.replaceAll("(?s)^```json\\n(.*)\\n```\\n$", "$1");

        assertTrue(body.contains("//") && body.contains("/*"), body);
        assertTrue(Pattern.compile(",\\s*[}\\]]").matcher(body).find(), "a trailing comma: " + body);
        assertThrows(Exception.class, () -> STRICT.readTree(body));
        assertEquals(STRICT.readTree(plan(AnswerStyle.CLEAN)), LENIENT.readTree(body));
    }

    @Test
    void anOddPlanNamesAnUnknownRoleAndAnUnknownDependency() throws Exception {
        JsonNode plan = STRICT.readTree(plan(AnswerStyle.ODD_PLAN));
        Set<String> ids = new HashSet<>();
        List<String> roles = new ArrayList<>();
        List<String> dependencies = new ArrayList<>();
        plan.get("subtasks").forEach(s -> {
            ids.add(s.get("id").asText());
            roles.add(s.get("role").asText());
            s.get("dependsOn").forEach(d -> dependencies.add(d.asText()));
        });

        assertTrue(roles.contains("devops"), roles.toString());
        assertTrue(dependencies.stream().anyMatch(d -> !ids.contains(d)), dependencies.toString());
    }

    @Test
    void headingPathsMoveEachPathOutOfTheFenceIntoTheHeadingBeforeIt() {
        String answer = work(AnswerStyle.HEADING_PATH);

        assertFalse(answer.contains("path="), answer);
        for (String path : List.of("src/main/java/todo/Todo.java", "src/main/java/todo/TodoResource.java")) {
            assertTrue(answer.contains("### `" + path + "`\n\n```java\n"), answer);
        }
    }

    @Test
    void commentPathsPutEachPathOnTheFirstLineInsideItsFence() {
        String answer = work(AnswerStyle.COMMENT_PATH);

        assertFalse(answer.contains("path="), answer);
        assertEquals(List.of("src/main/java/todo/Todo.java", "src/main/java/todo/TodoResource.java"),
                firstLineComments(answer));
    }

    @Test
    void twoFilesShareOneFenceSeparatedByTheirPathComments() {
        String answer = work(AnswerStyle.TWO_FILES);
        Matcher fence = Pattern.compile("(?ms)^```java\\n(.*?)^```$").matcher(answer);

        assertTrue(fence.find(), answer);
        String body = fence.group(1);
        assertTrue(body.startsWith("// path: src/main/java/todo/Todo.java\n"), body);
        assertTrue(body.contains("\n// path: src/main/java/todo/TodoResource.java\n"), body);
        assertFalse(fence.find(), "the two files are in one fence: " + answer);
    }

    @Test
    void theCommentSyntaxFollowsTheFilesLanguage() {
        assertEquals("// path: web/todo.js", StyledAnswers.pathComment("web/todo.js"));
        assertEquals("<!-- path: web/todo.html -->", StyledAnswers.pathComment("web/todo.html"));
        assertEquals("# file: api/openapi.yaml", StyledAnswers.pathComment("api/openapi.yaml"));
    }

    @Test
    void aCutAnswerStopsTwoThirdsOfTheWayThrough() {
        String clean = work(AnswerStyle.CLEAN);
        String cut = work(AnswerStyle.CUT);

        assertTrue(clean.startsWith(cut), "the start of the clean answer");
        assertEquals(Tokens.split(clean).size() * 2 / 3, Tokens.split(cut).size());
        assertFalse(cut.contains("```summary"), "the summary at the end is lost");
    }

    @Test
    void aLoopingAnswerRepeatsOneParagraphPastTheLimit() {
        String answer = ScriptedAnswers.answer(prompt("backend", "work", BACKEND_TASK), 0, null, AnswerStyle.REPEAT, 300);
        List<String> paragraphs = List.of(answer.split("\n\n"));

        assertTrue(Tokens.split(answer).size() >= 300, "reaches the limit");
        assertTrue(paragraphs.size() > 5);
        assertEquals(1, new HashSet<>(paragraphs.subList(1, paragraphs.size())).size(), "one paragraph, again and again");
    }

    @Test
    void summaryStylesDropOrBreakTheSummaryBlock() {
        assertFalse(work(AnswerStyle.NO_SUMMARY).contains("```summary"));
        String broken = work(AnswerStyle.BROKEN_SUMMARY);
        Matcher summary = Pattern.compile("(?s)```summary\\n(.*?)\\n```").matcher(broken);
        assertTrue(summary.find(), broken);
        assertThrows(Exception.class, () -> LENIENT.readTree(summary.group(1)));
        String lenient = work(AnswerStyle.LENIENT_JSON);
        Matcher readable = Pattern.compile("(?s)```summary\\n(.*?)\\n```").matcher(lenient);
        assertTrue(readable.find(), lenient);
        assertThrows(Exception.class, () -> STRICT.readTree(readable.group(1)));
        assertEquals("done", assertDoesNotThrowRead(readable.group(1)).get("status").asText());
    }

    @Test
    void stylesThatDoNotFitTheSubtaskAnswerCleanly() {
        assertEquals(AnswerStyle.CLEAN, AnswerStyle.HEADING_PATH.forCall("plan", 0));
        assertEquals(AnswerStyle.CLEAN, AnswerStyle.ODD_PLAN.forCall("work", 0));
        assertEquals(AnswerStyle.CUT, AnswerStyle.CUT.forCall("plan", 7));
    }

    @Test
    void sloppyTakesEveryStyleInTurnAndNeverTwoUnusableOnesInARow() {
        Set<AnswerStyle> markdown = new HashSet<>();
        Set<AnswerStyle> plans = new HashSet<>();
        AnswerStyle previous = null;
        for (int turn = 0; turn < 40; turn++) {
            AnswerStyle style = AnswerStyle.SLOPPY.forCall("work", turn);
            markdown.add(style);
            plans.add(AnswerStyle.SLOPPY.forCall("plan", turn));
            assertFalse(style.endsAtLimit() && previous != null && previous.endsAtLimit(), "turn " + turn);
            previous = style;
        }
        assertEquals(Set.of(AnswerStyle.PROSE, AnswerStyle.LENIENT_JSON, AnswerStyle.HEADING_PATH,
                AnswerStyle.COMMENT_PATH, AnswerStyle.TWO_FILES, AnswerStyle.CUT, AnswerStyle.REPEAT,
                AnswerStyle.NO_SUMMARY, AnswerStyle.BROKEN_SUMMARY), markdown);
        assertEquals(Set.of(AnswerStyle.PROSE, AnswerStyle.LENIENT_JSON, AnswerStyle.ODD_PLAN, AnswerStyle.CUT,
                AnswerStyle.REPEAT), plans);
        assertNotEquals(AnswerStyle.SLOPPY.forCall("work", 0), AnswerStyle.SLOPPY.forCall("work", 1));
    }

    @Test
    void aFaultWinsOverTheStyle() {
        String answer = ScriptedAnswers.answer(prompt("lead", "plan", "Task: todo"), 0, FaultAction.NOT_JSON,
                AnswerStyle.LENIENT_JSON, null);

        assertTrue(answer.startsWith("Sure!"), answer);
    }

    @Test
    void unknownStylesAreRejectedNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AnswerStyle.fromId("messy"));
        assertTrue(e.getMessage().contains("sloppy") && e.getMessage().contains("two-files"), e.getMessage());
    }

    private static JsonNode assertDoesNotThrowRead(String json) {
        try {
            return LENIENT.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("readable with comments and trailing commas allowed: " + json, e);
        }
    }

    private static List<String> firstLineComments(String answer) {
        Matcher m = Pattern.compile("(?m)^```\\w*\\n// path: (\\S+)\\n").matcher(answer);
        List<String> paths = new ArrayList<>();
        while (m.find()) {
            paths.add(m.group(1));
        }
        return paths;
    }
}
