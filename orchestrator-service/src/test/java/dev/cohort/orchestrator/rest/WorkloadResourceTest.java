package dev.cohort.orchestrator.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.orchestrator.service.ScrapedMetrics;
import dev.cohort.orchestrator.service.ScriptedWorker;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The workload autoscalers read: subtasks waiting for a worker and running on one, per role. */
@QuarkusTest
class WorkloadResourceTest {

    static final String PLAN = """
            {"subtasks": [
              {"id": "b", "role": "backend", "title": "API", "instructions": "", "dependsOn": []},
              {"id": "f", "role": "frontend", "title": "Page", "instructions": "", "dependsOn": []}
            ]}""";

    static ScriptedWorker worker;

    @BeforeAll
    static void startWorker() {
        // The backend's worker takes its subtask and keeps working; no frontend worker takes the page.
        worker = new ScriptedWorker(WorkloadResourceTest::script);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    static List<AgentEvent> script(SubtaskDispatch d) {
        if (!d.taskDescription().equals("workload")) {
            return List.of();
        }
        if (d.kind() == SubtaskKind.PLAN) {
            return List.of(ScriptedWorker.started(d), ScriptedWorker.completed(d, PLAN));
        }
        return d.role() == Role.BACKEND ? List.of(ScriptedWorker.started(d)) : List.of();
    }

    @Test
    void countsWhatWaitsForAWorkerAndWhatRunsOnOnePerRole() {
        JsonPath before = workload("backend,frontend");
        String id = given().contentType(ContentType.JSON).body(Map.of("description", "workload"))
                .post("/api/tasks").then().statusCode(201).extract().path("id");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonPath now = workload("backend,frontend");
            return now.getLong("roles.backend.running") > before.getLong("roles.backend.running")
                    && now.getLong("roles.frontend.waiting") > before.getLong("roles.frontend.waiting");
        });
        JsonPath now = workload("backend,frontend");
        assertEquals(List.of("backend", "frontend"), List.copyOf(now.getMap("roles").keySet()), "only the roles asked for");
        assertEquals(now.getLong("roles.backend.total") + now.getLong("roles.frontend.total"), now.getLong("total"));
        assertEquals(now.getLong("roles.backend.waiting") + now.getLong("roles.backend.running"),
                now.getLong("roles.backend.total"));
        assertEquals(8, workload(null).getMap("roles").size(), "every role when none is named");
        // The same figures as metrics, read from the database a moment later.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertTrue(ScrapedMetrics.value("cohort_orchestrator_subtasks", "role=\"backend\"",
                    "status=\"running\"") >= 1);
            assertTrue(ScrapedMetrics.value("cohort_orchestrator_subtasks", "role=\"frontend\"",
                    "status=\"dispatched\"") >= 1);
            assertTrue(ScrapedMetrics.value("cohort_orchestrator_tasks", "status=\"running\"") >= 1);
        });
        assertTrue(ScrapedMetrics.value("cohort_orchestrator_dispatches_total", "role=\"frontend\"",
                "escalated=\"false\"") >= 1, "dispatches are counted per role");

        given().post("/api/tasks/" + id + "/cancel").then().statusCode(200);
    }

    @Test
    void anUnknownRoleIsRefusedWithTheRolesThereAre() {
        given().queryParam("roles", "backend,wizard").get("/api/workload").then().statusCode(400)
                .body("error", containsString("wizard"))
                .body("error", containsString("frontend"));
    }

    private static JsonPath workload(String roles) {
        var request = given();
        if (roles != null) {
            request.queryParam("roles", roles);
        }
        return request.get("/api/workload").then().statusCode(200).extract().jsonPath();
    }
}
