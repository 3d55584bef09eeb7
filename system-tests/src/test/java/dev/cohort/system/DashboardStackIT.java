package dev.cohort.system;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cohort.testsupport.Browser;
import dev.cohort.testsupport.ServiceProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dashboard on the whole stack: a person submits a task from the page in a real headless Chromium, approves the
 * plan, and watches the team finish it on the model simulator; a second dashboard instance sees every event too.
 */
class DashboardStackIT {

    static CohortStack stack;
    static ServiceProcess first;
    static ServiceProcess second;

    @BeforeAll
    static void start() {
        stack = new CohortStack("page", 2);
        first = stack.startDashboard("dashboard-1");
        second = stack.startDashboard("dashboard-2");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTaskSubmittedFromThePageRunsToTheEndWhileBothDashboardsShowEveryEvent() {
        assumeTrue(Browser.available(), "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
        try (Browser browser = new Browser()) {
            browser.open(first.url() + "/");
            browser.find("#f-title").sendKeys("Todo API");
            browser.find("#f-description").sendKeys("Build a todo REST API with a web front end");
            browser.find("#f-manual").click();
            browser.find("#f-submit").click();

            browser.waitFor("the plan to approve", d -> !d.findElements(By.id("p-approve")).isEmpty());
            browser.screenshot("stack-01-plan-to-approve");
            browser.find("#p-approve").click();

            browser.waitFor("every node of the graph done", d -> {
                List<String> states = browser.attributes("#t-graph .node", "data-status");
                return states.size() >= 5 && states.stream().allMatch("done"::equals);
            });
            browser.waitFor("the task completed", d -> browser.text("main").contains("completed"));
            String page = browser.text("main");
            browser.screenshot("stack-02-completed");
            assertTrue(page.contains("local") && page.contains("cloud"), "provider badges on the agents: " + page);
            assertTrue(page.contains("sim-backend") && page.contains("sim-lead"), "model names on the agents: " + page);
        }

        String taskId = given().baseUri(stack.orchestrator.url()).get("/api/tasks").then().extract().path("[0].id");
        assertEquals("completed", given().baseUri(stack.orchestrator.url()).get("/api/tasks/" + taskId)
                .then().extract().path("status"));
        await().atMost(Duration.ofSeconds(30)).until(() -> completed(eventIds(first, taskId))
                && completed(eventIds(second, taskId)));
        List<String> seenByFirst = eventIds(first, taskId);
        List<String> seenBySecond = eventIds(second, taskId);
        // Kafka orders the records of one partition, not the topics among themselves: each instance interleaves the
        // topics as they arrive, so the two lists hold the same events, each partition in offset order.
        assertEquals(new java.util.TreeSet<>(seenByFirst), new java.util.TreeSet<>(seenBySecond),
                "both instances get every event, with the same ids");
        assertEquals(seenByFirst.size(), seenBySecond.size(), "and each once");
        assertEquals(byPartition(seenByFirst), byPartition(seenBySecond), "in the same order within each partition");
        byPartition(seenByFirst).forEach((partition, offsets) -> assertEquals(offsets.stream().sorted().toList(), offsets,
                partition + " in offset order"));
        assertTrue(seenByFirst.size() > 20, "a whole task's events: " + seenByFirst.size());
    }

    /** Event ids ("topic:partition:offset type") grouped by topic and partition, offsets in the order seen. */
    private static java.util.Map<String, List<Long>> byPartition(List<String> events) {
        java.util.Map<String, List<Long>> result = new java.util.TreeMap<>();
        for (String event : events) {
            String id = event.substring(0, event.indexOf(' '));
            int last = id.lastIndexOf(':');
            result.computeIfAbsent(id.substring(0, last), k -> new java.util.ArrayList<>())
                    .add(Long.parseLong(id.substring(last + 1)));
        }
        return result;
    }

    /** A task's events as one dashboard instance saw them: "id type", in order. */
    private static List<String> eventIds(ServiceProcess dashboard, String taskId) {
        io.restassured.path.json.JsonPath events = given().baseUri(dashboard.url()).queryParam("taskId", taskId)
                .queryParam("limit", 1000).get("/api/events").then().statusCode(200).extract().jsonPath();
        List<String> ids = events.getList("id");
        List<String> types = events.getList("type");
        return java.util.stream.IntStream.range(0, ids.size()).mapToObj(i -> ids.get(i) + " " + types.get(i)).toList();
    }

    private static boolean completed(List<String> events) {
        return events.stream().anyMatch(e -> e.endsWith(" task.completed"));
    }
}
