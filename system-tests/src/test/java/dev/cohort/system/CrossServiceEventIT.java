package dev.cohort.system;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.ServiceProcess;
import dev.cohort.testsupport.TestTokens;
import io.restassured.http.ContentType;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator and the dashboard as separate processes: an event the orchestrator's code produces reaches the
 * dashboard's code through the real broker.
 */
class CrossServiceEventIT {

    static ServiceProcess orchestrator;
    static ServiceProcess dashboard;

    @BeforeAll
    static void start() {
        TestTokens.restAssuredAsAdmin();
        orchestrator = ServiceProcess.start("orchestrator-service", "orchestrator",
                ServiceProcess.infraEnv(CohortInfra.freshDatabase("cohort_system_orchestrator")));
        dashboard = ServiceProcess.start("dashboard-service", "dashboard", ServiceProcess.infraEnv(null));
    }

    @AfterAll
    static void stop() {
        if (dashboard != null) {
            dashboard.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @Test
    void aTaskSubmittedToTheOrchestratorShowsUpOnTheDashboard() {
        String taskId = given().baseUri(orchestrator.url()).contentType(ContentType.JSON)
                .body("{\"title\": \"Todo API\", \"description\": \"Build a todo REST API with a web front end\"}")
                .when().post("/api/tasks")
                .then().statusCode(201)
                .extract().path("id");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().baseUri(dashboard.url()).queryParam("taskId", taskId)
                        .when().get("/api/events")
                        .then().statusCode(200)
                        .body("[0].type", equalTo("task.submitted"))
                        .body("[0].event.title", equalTo("Todo API")));
    }
}
