package dev.cohort.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Answer styles set per model, carried by both wire protocols while streaming. */
@QuarkusTest
class AnswerStylesApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORK = "Task: Build a todo REST API\\nWrites: src/main/java/todo/Todo.java, "
            + "src/main/java/todo/TodoResource.java";

    /** What one streamed call said: its text, done reason and completion tokens. */
    record Streamed(String text, String doneReason, long completionTokens) {
    }

    @BeforeEach
    @AfterEach
    void reset() {
        given().delete("/sim/calls").then().statusCode(204);
        for (String model : List.of("sim-backend", "sim-lead")) {
            given().delete("/sim/models/" + model).then().statusCode(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void headingAndCommentPathsAndTwoFilesInOneFence(String protocol) {
        style("sim-backend", "heading-path");
        String headings = stream(protocol, "sim-backend", "backend", "work", WORK, null).text();
        assertTrue(headings.contains("### `src/main/java/todo/Todo.java`\n\n```java\n"), headings);
        assertFalse(headings.contains("path="), headings);

        style("sim-backend", "comment-path");
        String comments = stream(protocol, "sim-backend", "backend", "work", WORK, null).text();
        assertTrue(comments.contains("```java\n// path: src/main/java/todo/TodoResource.java\n"), comments);

        style("sim-backend", "two-files");
        String joined = stream(protocol, "sim-backend", "backend", "work", WORK, null).text();
        assertEquals(2, count(joined, "// path: "), joined);
        assertEquals(2, count(joined, "```java\n") + count(joined, "```summary\n"), "one file fence and the summary");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void aCutAnswerEndsWithDoneReasonLength(String protocol) {
        style("sim-backend", "cut");

        Streamed cut = stream(protocol, "sim-backend", "backend", "work", WORK, null);

        assertEquals("length", cut.doneReason());
        assertFalse(cut.text().contains("```summary"), cut.text());
        given().get("/sim/calls").then().body("[0].outcome", equalTo("length")).body("[0].style", equalTo("cut"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void aLoopingAnswerRunsToTheTokenLimit(String protocol) {
        style("sim-backend", "repeat");

        Streamed loop = stream(protocol, "sim-backend", "backend", "work", WORK, 250);

        assertEquals("length", loop.doneReason());
        assertEquals(250, loop.completionTokens());
        String[] paragraphs = loop.text().split("\n\n");
        assertTrue(paragraphs.length > 4, loop.text());
        assertEquals(paragraphs[1], paragraphs[3]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void aPlanInProseOrWithCommentsOrNamingUnknownRoles(String protocol) throws Exception {
        style("sim-lead", "prose");
        String prose = stream(protocol, "sim-lead", "lead", "plan", "Task: Build a todo REST API", null).text();
        assertTrue(prose.startsWith("Sure!") && prose.strip().endsWith("Good luck!"), prose);
        JsonNode plan = JSON.readTree(prose.substring(prose.indexOf('{'), prose.lastIndexOf('}') + 1));
        assertEquals(5, plan.get("subtasks").size());

        style("sim-lead", "lenient-json");
        String lenient = stream(protocol, "sim-lead", "lead", "plan", "Task: Build a todo REST API", null).text();
        assertTrue(lenient.startsWith("```json\n") && lenient.contains("//") && lenient.contains("/*"), lenient);

        style("sim-lead", "odd-plan");
        String odd = stream(protocol, "sim-lead", "lead", "plan", "Task: Build a todo REST API", null).text();
        assertTrue(odd.contains("\"role\":\"devops\"") && odd.contains("\"research\""), odd);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "openai"})
    void summaryMissingOrMalformed(String protocol) {
        style("sim-backend", "no-summary");
        assertFalse(stream(protocol, "sim-backend", "backend", "work", WORK, null).text().contains("```summary"));

        style("sim-backend", "broken-summary");
        String broken = stream(protocol, "sim-backend", "backend", "work", WORK, null).text();
        assertTrue(broken.contains("```summary\n{status:\"done\""), broken);
    }

    @Test
    void sloppyModelsAnswerEachCallInTheNextStyle() {
        style("sim-backend", "sloppy");

        for (int i = 0; i < 3; i++) {
            stream("ollama", "sim-backend", "backend", "work", WORK, null);
        }

        given().get("/sim/calls").then().body("style", equalTo(List.of("heading-path", "cut", "comment-path")));
        given().get("/sim/models/sim-backend").then().body("style", equalTo("sloppy"));
    }

    @Test
    void anUnknownStyleIsRejected() {
        given().contentType(ContentType.JSON).body("{\"style\": \"messy\"}").put("/sim/models/sim-backend")
                .then().statusCode(400);
    }

    private static void style(String model, String style) {
        given().contentType(ContentType.JSON).body("{\"style\": \"" + style + "\"}").put("/sim/models/" + model)
                .then().statusCode(200).body("style", equalTo(style));
    }

    private static Streamed stream(String protocol, String model, String role, String kind, String user,
                                   Integer maxTokens) {
        boolean ollama = protocol.equals("ollama");
        String limit = maxTokens == null ? null
                : ollama ? "\"options\": {\"num_predict\": " + maxTokens + "}" : "\"max_tokens\": " + maxTokens;
        String body = given().contentType(ContentType.JSON)
                .body(ChatApiTest.chat(model, role, kind, user, true, limit))
                .post(ollama ? "/api/chat" : "/v1/chat/completions").then().statusCode(200).extract().asString();
        StringBuilder text = new StringBuilder();
        String doneReason = null;
        long tokens = -1;
        try {
            for (String line : body.split("\n")) {
                if (ollama) {
                    JsonNode chunk = JSON.readTree(line);
                    text.append(chunk.path("message").path("content").asText(""));
                    if (chunk.path("done").asBoolean()) {
                        doneReason = chunk.path("done_reason").asText();
                        tokens = chunk.path("eval_count").asLong();
                    }
                } else if (line.startsWith("data: {")) {
                    JsonNode chunk = JSON.readTree(line.substring("data: ".length()));
                    for (JsonNode choice : chunk.path("choices")) {
                        text.append(choice.path("delta").path("content").asText(""));
                        if (choice.hasNonNull("finish_reason")) {
                            doneReason = choice.get("finish_reason").asText();
                        }
                    }
                    if (chunk.has("usage")) {
                        tokens = chunk.path("usage").path("completion_tokens").asLong();
                    }
                }
            }
        } catch (Exception e) {
            throw new AssertionError("unreadable stream: " + body, e);
        }
        return new Streamed(text.toString(), doneReason, tokens);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
