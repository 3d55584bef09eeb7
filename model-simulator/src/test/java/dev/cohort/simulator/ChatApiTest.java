package dev.cohort.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Ollama and OpenAI-compatible chat APIs of the simulator, streaming and not. */
@QuarkusTest
class ChatApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static String chat(String model, String role, String kind, String user, boolean stream, String extra) {
        return """
                {"model": "%s", "stream": %s, %s
                 "messages": [
                   {"role": "system", "content": "Cohort-Role: %s\\nCohort-Subtask-Kind: %s\\n\\nYou are on a team."},
                   {"role": "user", "content": "%s"}]}""".formatted(model, stream, extra == null ? "" : extra + ",",
                role, kind, user);
    }

    @BeforeEach
    void reset() {
        given().delete("/sim/faults").then().statusCode(204);
        given().delete("/sim/calls").then().statusCode(204);
    }

    @Test
    void ollamaStreamsNdjsonEndingWithDoneAndCounts() throws Exception {
        String body = given().contentType(ContentType.JSON)
                .body(chat("sim-backend", "backend", "work", "Task: Build a todo REST API", true, null))
                .post("/api/chat").then().statusCode(200).contentType("application/x-ndjson")
                .extract().asString();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        JsonNode last = lines.get(lines.size() - 1);
        assertTrue(lines.size() > 2, "several chunks");
        assertTrue(last.get("done").asBoolean());
        assertEquals("stop", last.get("done_reason").asText());
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l.path("message").path("content").asText()));
        assertEquals(text.toString().split("\\s+").length > 0, true);
        assertTrue(text.toString().contains("```java path=src/main/java/todo/TodoResource.java"));
        assertTrue(text.toString().contains("```summary"));
        assertTrue(last.get("eval_count").asLong() >= 100, "answer-tokens in the test profile is 100");
        assertTrue(last.get("prompt_eval_count").asLong() > 0);
        assertTrue(last.has("total_duration") && last.has("eval_duration") && last.has("prompt_eval_duration"));
    }

    @Test
    void theCallLogNamesTheTaskOfEachCall() {
        given().contentType(ContentType.JSON)
                .body(chat("sim-lead", "lead", "plan", "Task: Todo API #7\\nBuild a todo REST API [plan: chain 3]", false,
                        null))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", containsString("\"id\":\"step-3\""));
        given().contentType(ContentType.JSON).body(chat("sim-tester", "tester", "work", "hello", false, null))
                .post("/api/chat").then().statusCode(200);

        given().get("/sim/calls").then().body("task", equalTo(java.util.Arrays.asList("Todo API #7", null)));
    }

    @Test
    void ollamaAnswersWholeWhenNotStreaming() {
        given().contentType(ContentType.JSON)
                .body(chat("sim-tester", "tester", "work", "Task: Build a todo REST API", false, null))
                .post("/api/chat").then().statusCode(200).contentType(ContentType.JSON)
                .body("done", equalTo(true))
                .body("message.role", equalTo("assistant"))
                .body("message.content", containsString("path=src/test/java/todo/TodoResourceTest.java"))
                .body("eval_count", greaterThan(0));
    }

    @Test
    void ollamaStopsAtNumPredict() {
        given().contentType(ContentType.JSON)
                .body(chat("sim-backend", "backend", "work", "Task: todo", false, "\"options\": {\"num_predict\": 7}"))
                .post("/api/chat").then().statusCode(200)
                .body("done_reason", equalTo("length"))
                .body("eval_count", equalTo(7));
    }

    @Test
    void openAiStreamsSseWithCommentsUsageCostAndDone() {
        String body = given().contentType(ContentType.JSON)
                .body(chat("sim-lead", "lead", "plan", "Task: Build a todo REST API", true,
                        "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"plan\", \"schema\": {}}}"))
                .post("/v1/chat/completions").then().statusCode(200).contentType(startsWith("text/event-stream"))
                .extract().asString();

        assertTrue(body.startsWith(": "), "a keep-alive comment first, as OpenRouter sends");
        assertTrue(body.endsWith("data: [DONE]\n\n"));
        assertTrue(body.contains("\"finish_reason\":\"stop\""));
        // sim-lead is priced in application.properties, so its usage carries a cost.
        assertTrue(body.contains("\"usage\":{\"prompt_tokens\""), body);
        assertTrue(body.contains("\"cost\":"), body);
    }

    @Test
    void openAiAnswersAPlanAsJsonWhenAskedFor() throws Exception {
        String content = given().contentType(ContentType.JSON)
                .body(chat("sim-lead", "lead", "plan", "Task: Build a todo REST API", false,
                        "\"response_format\": {\"type\": \"json_object\"}"))
                .post("/api/v1/chat/completions").then().statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.total_tokens", greaterThan(0))
                .extract().path("choices[0].message.content");

        JsonNode plan = JSON.readTree(content);
        assertEquals(5, plan.get("subtasks").size());
    }

    @Test
    void listsModelsOnBothProtocols() {
        given().get("/api/tags").then().statusCode(200).body("models.name", hasItem("sim-lead"));
        given().get("/api/version").then().statusCode(200).body("version", containsString("simulator"));
        given().get("/v1/models").then().statusCode(200).body("data.id", hasItem("sim-backend"));
        given().get("/api/v1/models").then().statusCode(200).body("object", equalTo("list"));
    }

    @Test
    void theOpenApiDocumentDescribesTheControlApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.keySet()", hasItem("/sim/faults"))
                .body("paths.keySet()", hasItem("/api/chat"))
                .body("components.schemas.FaultRule.properties.action.enum", hasItem("cyclic-plan"));
    }

    @Test
    void rejectsRequestsItCannotRead() {
        given().contentType(ContentType.JSON).body("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}")
                .post("/api/chat").then().statusCode(400).body("error", equalTo("model is required"));
        given().contentType(ContentType.JSON).body("not json")
                .post("/v1/chat/completions").then().statusCode(400).body("error.code", equalTo(400));
    }

    @Test
    void readsTheRoleFromTheModelNameWhenThePromptHasNone() {
        given().contentType(ContentType.JSON)
                .body("{\"model\": \"sim-frontend\", \"stream\": false, \"messages\": [{\"role\": \"user\", \"content\": \"Task: todo\"}]}")
                .post("/api/chat").then().statusCode(200)
                .body("message.content", containsString("path=web/todo.html"));
        given().get("/sim/calls").then().body("[0].role", equalTo("frontend")).body("[0].kind", equalTo("work"));
    }
}
