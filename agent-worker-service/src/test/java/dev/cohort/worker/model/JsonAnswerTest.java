package dev.cohort.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON in a model's answer, read as a careful person would and no further. */
class JsonAnswerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLAN = "{\"subtasks\": [{\"id\": \"a\", \"dependsOn\": []}, {\"id\": \"b\", \"dependsOn\": [\"a\"]}]}";

    @Test
    void cleanJsonIsTakenAsItIs() {
        JsonAnswer.Read read = JsonAnswer.read("  " + PLAN + "\n");

        assertTrue(read.ok());
        assertEquals(PLAN, read.json());
        assertEquals(List.of(), read.repairs());
    }

    @Test
    void jsonBetweenSentencesIsTakenWithoutThem() throws Exception {
        JsonAnswer.Read read = JsonAnswer.read("Sure! Here is the plan for /todos/{id}:\n\n" + PLAN
                + "\n\nThe design comes first. {Good luck}");

        assertTrue(read.ok(), read.problem());
        assertEquals(JSON.readTree(PLAN), JSON.readTree(read.json()));
        assertEquals(List.of("took the JSON from between the sentences around it"), read.repairs());
    }

    @Test
    void aFencedBlockWinsOverTheProseAroundIt() throws Exception {
        JsonAnswer.Read read = JsonAnswer.read("Here it is, with {braces} in prose:\n```json\n" + PLAN + "\n```\nDone.");

        assertTrue(read.ok(), read.problem());
        assertEquals(JSON.readTree(PLAN), JSON.readTree(read.json()));
    }

    @Test
    void commentsAndTrailingCommasAreRemoved() throws Exception {
        String sloppy = """
                ```json
                {
                  // the plan
                  "subtasks": [
                    /* first */ {"id": "a", "dependsOn": [],},
                    {"id": "b", "dependsOn": ["a",],},
                  ],
                }
                ```""";

        JsonAnswer.Read read = JsonAnswer.read(sloppy);

        assertTrue(read.ok(), read.problem());
        assertEquals(JSON.readTree(PLAN), JSON.readTree(read.json()));
        assertTrue(read.repairs().contains("removed comments or trailing commas"), read.repairs().toString());
        assertFalse(read.json().contains("//"));
    }

    @Test
    void slashesInsideStringsAreNotComments() throws Exception {
        String text = "{\"url\": \"http://example.com/a\", \"note\": \"/* not a comment */\"}";

        JsonAnswer.Read read = JsonAnswer.read("The answer: " + text);

        assertEquals(JSON.readTree(text), read.value());
    }

    @Test
    void jsonCutOffIsNotReadable() {
        JsonAnswer.Read read = JsonAnswer.read("Here is the plan:\n" + PLAN.substring(0, PLAN.length() - 20));

        assertFalse(read.ok());
        assertTrue(read.problem().contains("cut off"), read.problem());
    }

    @Test
    void twoDifferentJsonValuesAreAmbiguous() {
        JsonAnswer.Read read = JsonAnswer.read("First try: {\"subtasks\": []}\nBetter: " + PLAN);

        assertFalse(read.ok());
        assertTrue(read.problem().contains("2 different JSON values"), read.problem());
    }

    @Test
    void textThatIsNotJsonSaysWhere() {
        JsonAnswer.Read read = JsonAnswer.read("{\"subtasks\": [{'id': 'a'}]}");

        assertFalse(read.ok());
        assertTrue(read.problem().startsWith("the JSON is not valid"), read.problem());
        assertTrue(read.problem().contains("line 1"), read.problem());
        assertFalse(JsonAnswer.read("Sure! First design, then build.").ok());
        assertFalse(JsonAnswer.read("").ok());
    }

    @Test
    void aResponseHandsOnTheRepairedJson() throws Exception {
        ModelResponse response = new ModelResponse("Plan:\n```json\n{\"subtasks\": [],}\n```\nBye", null, null, "stop",
                null, 1);

        assertEquals(JSON.readTree("{\"subtasks\": []}"), JSON.readTree(response.jsonText()));
    }
}
