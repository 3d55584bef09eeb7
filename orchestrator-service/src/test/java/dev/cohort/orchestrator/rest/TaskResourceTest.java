package dev.cohort.orchestrator.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.TaskEvent;
import dev.cohort.contracts.event.TaskSubmitted;
import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.Role;
import dev.cohort.testsupport.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TaskResourceTest {

    @Test
    void submittedTaskIsStoredAndAnnouncedExactlyOnce() {
        String id = given().contentType(ContentType.JSON)
                .body("""
                        {"description": "Build a todo REST API\\nwith a web front end",
                         "roles": ["architect", "Backend"], "approvalMode": "manual", "budgetUsd": "2.50"}""")
                .when().post("/api/tasks")
                .then().statusCode(201)
                .header("Location", containsString("/api/tasks/"))
                .body("status", equalTo("planning"))
                .body("title", equalTo("Build a todo REST API"))
                .extract().path("id");

        given().when().get("/api/tasks/" + id)
                .then().statusCode(200)
                .body("roles", equalTo(List.of("architect", "backend")))
                .body("approvalMode", equalTo("manual"))
                .body("budgetUsd", equalTo(2.5f));
        given().when().get("/api/tasks?status=planning")
                .then().statusCode(200).body("id", hasItem(id));

        List<ConsumerRecord<String, String>> records = TopicReader.read(Topics.TASK_EVENTS,
                read -> read.stream().anyMatch(r -> id.equals(r.key())), Duration.ofSeconds(30), Duration.ofSeconds(1));
        List<TaskSubmitted> mine = records.stream().filter(r -> id.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), TaskEvent.class))
                .filter(TaskSubmitted.class::isInstance)
                .map(TaskSubmitted.class::cast)
                .toList();
        assertEquals(1, mine.size(), "one task.submitted event for the task");
        TaskSubmitted event = mine.get(0);
        assertEquals(List.of(Role.ARCHITECT, Role.BACKEND), event.roles());
        assertEquals(ApprovalMode.MANUAL, event.approvalMode());
        assertEquals(new BigDecimal("2.50"), event.budgetUsd());
    }

    @Test
    void badInputGetsA400ThatSaysWhatToFix() {
        given().contentType(ContentType.JSON).body("{\"description\": \"   \"}")
                .when().post("/api/tasks")
                .then().statusCode(400).body("error", containsString("'description' is required"));

        given().contentType(ContentType.JSON)
                .body("{\"description\": \"x\", \"roles\": [\"juggler\"], \"budgetUsd\": \"lots\", \"approvalMode\": \"maybe\"}")
                .when().post("/api/tasks")
                .then().statusCode(400)
                .body("status", equalTo(400))
                .body("error", containsString("'roles[0]' must be known: unknown role 'juggler'"))
                .body("error", containsString("'budgetUsd' must be a positive amount"))
                .body("error", containsString("'approvalMode'"));

        given().contentType(ContentType.JSON).body("{\"description\": \"" + "x".repeat(20001) + "\"}")
                .when().post("/api/tasks")
                .then().statusCode(400).body("error", containsString("the limit is 20000"));

        given().contentType(ContentType.JSON).body("{\"description\": ")
                .when().post("/api/tasks")
                .then().statusCode(400).body("error", containsString("not valid JSON"));

        given().when().get("/api/tasks/not-a-uuid").then().statusCode(404).body("error", containsString("no task"));
        given().when().get("/api/tasks/00000000-0000-0000-0000-000000000000").then().statusCode(404);
        given().when().get("/api/tasks?status=sleeping").then().statusCode(400).body("error", containsString("status"));
    }
}
