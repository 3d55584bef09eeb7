package dev.cohort.context;

import static dev.cohort.context.Api.personBody;
import static dev.cohort.context.Api.publish;
import static dev.cohort.context.Api.publishAsPerson;
import static dev.cohort.context.Api.publishBody;
import static dev.cohort.context.Api.publishOk;
import static dev.cohort.context.Api.with;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a request that breaks its constraints is answered (RequestViolations): the first refusal's code, every detail. */
@QuarkusTest
class RequestValidationTest extends ContextStoreTestBase {

    @Test
    void aStandardConstraintNamesTheFieldAndTheValue() {
        String task = newTaskId();
        publish(task, with(publishBody("a.txt", "x", null, "s", 1), "attempt", 0)).statusCode(400)
                .body("error", equalTo("invalid-field"))
                .body("detail", equalTo("field 'attempt' must be at least 1, was 0"));
        publishAsPerson(task, with(personBody("a.txt", "x", null), "content", null)).statusCode(400)
                .body("error", equalTo("missing-field"))
                .body("detail", equalTo("field 'content' is required (it may be empty)"));
    }

    @Test
    void aQueryParameterIsNamedAsOne() {
        String task = newTaskId();
        publishOk(task, "a.txt", "a", null);
        given().queryParam("baseVersion", -1).delete("/api/tasks/{t}/artifacts/{k}", task, "a.txt").then()
                .statusCode(400).body("error", equalTo("invalid-field"))
                .body("detail", equalTo("query parameter 'baseVersion' must be 0 or more, was -1"));
        given().queryParam("from", 1).get("/api/tasks/{t}/diff/{k}", task, "a.txt").then()
                .statusCode(400).body("error", equalTo("missing-field"))
                .body("detail", equalTo("query parameter 'to' is required: the version to diff to"));
    }

    @Test
    void severalViolationsAreAnsweredWithTheFirstCodeAndEveryDetail() {
        Map<String, Object> body = with(with(personBody("../a", "x", null), "mediaType", "plain"), "model",
                "m".repeat(201));
        publishAsPerson("bad task!", body).statusCode(400)
                .body("error", equalTo("invalid-task-id"))
                .body("detail", equalTo("task id 'bad task!' must be 1-100 letters, digits, '.', '_', ':' or '-',"
                        + " starting with a letter or digit; key '../a' contains a '..' segment; keys must not"
                        + " navigate the path; media type 'plain' is not of the form type/subtype, e.g. 'text/x-java';"
                        + " field 'model' is 201 characters; at most 200 are allowed"));
    }

    @Test
    void aRuleAnswersWithItsOwnStatusAndFields() {
        String task = newTaskId();
        publishAsPerson(task, personBody("big.txt", "x".repeat(1048577), null)).statusCode(413)
                .body("error", equalTo("content-too-large"))
                .body("limitBytes", equalTo(1048576)).body("sizeBytes", equalTo(1048577));
    }
}
