package dev.cohort.dashboard.page;

import dev.cohort.testsupport.Browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEscalated;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.AgentProgress;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.AgentToolCalled;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.ArtifactPublished;
import dev.cohort.contracts.event.ArtifactResolved;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskApproved;
import dev.cohort.contracts.event.TaskAwaitingApproval;
import dev.cohort.contracts.event.TaskCompleted;
import dev.cohort.contracts.event.TaskFailed;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.contracts.event.TaskPlanned;
import dev.cohort.contracts.event.TaskRejected;
import dev.cohort.contracts.event.TaskResumed;
import dev.cohort.contracts.event.TaskSubmitted;
import dev.cohort.contracts.model.ApprovalMode;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.CostSource;
import dev.cohort.contracts.model.Estimate;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Participant;
import dev.cohort.contracts.model.PlannedSubtask;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.contracts.model.Usage;
import dev.cohort.contracts.model.Verification;
import dev.cohort.dashboard.BadTokens;
import dev.cohort.dashboard.StubServer;
import dev.cohort.dashboard.TestEvents;
import dev.cohort.dashboard.security.SessionCookie;
import dev.cohort.testsupport.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The page in a real headless Chromium, while the test produces real events to Kafka as the services would and
 * stands in for the orchestrator and the context store. Each test starts signed in as an operator, through the
 * page's own {@code #login=} link.
 */
@QuarkusTest
class DashboardPageTest {

    private static final ModelRef LOCAL = new ModelRef(Provider.OLLAMA, "qwen2.5-coder:7b");
    private static final ModelRef CLOUD = new ModelRef(Provider.OPENROUTER, "anthropic/claude-sonnet-4");

    private static Browser browser;

    @TestHTTPResource("/")
    URL page;

    @ConfigProperty(name = "cohort.dashboard.orchestrator-url")
    String orchestratorUrl;

    @ConfigProperty(name = "cohort.dashboard.context-store-url")
    String contextStoreUrl;

    StubServer.Remote orchestrator;
    StubServer.Remote contextStore;

    @BeforeAll
    static void startBrowser() {
        assumeTrue(Files.isExecutable(Browser.CHROMIUM) && Files.isExecutable(Browser.CHROMEDRIVER),
                "browser tests need the Debian chromium and chromium-driver packages "
                        + "(/usr/bin/chromium, /usr/bin/chromedriver): apt-get install -y chromium chromium-driver");
        browser = new Browser();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void stubs() {
        orchestrator = new StubServer.Remote(orchestratorUrl);
        contextStore = new StubServer.Remote(contextStoreUrl);
        orchestrator.reset();
        contextStore.reset();
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode());
        browser.open(page + "#login=" + TestTokens.operator());
        browser.waitFor("signed in", d -> "test-operator".equals(browser.text("#who-name")));
    }

    @Test
    void aPersonSignsInWithAPastedTokenAndTheirCommandsCarryTheCsrfHeader() throws Exception {
        String token = TestTokens.operator();
        signedOut();
        browser.open(page.toString());
        browser.waitFor("the sign-in form", d -> browser.find("#login").isDisplayed());
        assertFalse(browser.find("#app").isDisplayed(), "nothing of the dashboard before signing in");
        assertEquals("", browser.text("#login-feedback"), "a first visit is no error");
        browser.screenshot("00-sign-in");

        browser.find("#login-token").sendKeys(BadTokens.expired());
        browser.find("#login-submit").click();
        browser.waitFor("the refusal", d -> browser.text("#login-feedback").contains("Not signed in"));
        assertTrue(browser.text("#login-feedback").contains("it has expired"), browser.text("#login-feedback"));
        assertEquals("", browser.find("#login-token").getAttribute("value"), "the field does not keep a token");

        String id = UUID.randomUUID().toString();
        ObjectNode existing = task(UUID.randomUUID().toString(), "An earlier task", "completed");
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(existing));
        browser.find("#login-token").sendKeys(token);
        browser.find("#login-submit").click();
        browser.waitFor("the task list", d -> browser.text("#task-list").contains("An earlier task"));
        assertFalse(browser.find("#login").isDisplayed());
        assertEquals("test-operator", browser.text("#who-name"));
        assertEquals("operator", browser.text("#who-role"));
        noTokenInTheBrowser(token);
        browser.screenshot("00-signed-in");

        // Record what the page sends, then submit a task through the form.
        browser.script("window.__sent = []; const send = window.fetch; window.fetch = (url, options) => {"
                + " const headers = (options && options.headers) || {};"
                + " window.__sent.push({ url: String(url), method: (options && options.method) || 'GET',"
                + "   csrf: headers['X-Cohort-CSRF'] || null, type: headers['Content-Type'] || null });"
                + " return send(url, options); };");
        ObjectNode created = task(id, "Signed-in task", "submitted");
        orchestrator.respond("POST", "/api/tasks", 201, created);
        orchestrator.respond("GET", "/api/tasks/" + id, 200, created);
        browser.find("#f-description").sendKeys("Built by a person who signed in");
        browser.find("#f-submit").click();
        browser.waitFor("the submitted task opens", d -> browser.text("#t-head").contains("Signed-in task"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sent = (List<Map<String, Object>>) browser.script("return window.__sent");
        Map<String, Object> submit = sent.stream().filter(r -> "POST".equals(r.get("method"))
                && "/api/tasks".equals(r.get("url"))).findFirst().orElseThrow();
        assertEquals(SessionCookie.csrf(token), submit.get("csrf"), "the command carried the session's CSRF value");
        assertEquals("application/json", submit.get("type"));
        assertTrue(sent.stream().filter(r -> "GET".equals(r.get("method"))).allMatch(r -> r.get("csrf") == null),
                "reads do not need it");
        List<JsonNode> posts = orchestrator.requests("POST", "/api/tasks");
        assertEquals(1, posts.size());
        assertEquals(TestTokens.bearer(token), posts.get(0).get("authorization").asText(),
                "the orchestrator got the person's own token");
        // The cookie alone does not make a command.
        Object forged = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " fetch('/api/tasks', { method: 'POST', headers: { 'Content-Type': 'application/json' },"
                + " body: '{\"description\":\"forged\"}' }).then((r) => done(r.status));");
        assertEquals(403L, forged);
        assertEquals(1, orchestrator.requests("POST", "/api/tasks").size());
        noTokenInTheBrowser(token);

        // Sign out: the cookie is gone and the form is back.
        browser.find("#sign-out").click();
        browser.waitFor("the sign-in form again", d -> browser.find("#login").isDisplayed());
        assertEquals("Signed out.", browser.text("#login-feedback"));
        assertFalse(browser.find("#app").isDisplayed());
        assertNull(d().manage().getCookieNamed(SessionCookie.NAME));
        browser.screenshot("00-signed-out");
    }

    @Test
    void aSessionThatEndsWhileThePageIsOpenBringsBackTheSignInForm() {
        String id = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Watched task", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        browser.open(page + "#/tasks/" + id);
        browser.waitFor("the task", d -> browser.text("#t-head").contains("Watched task"));
        browser.waitFor("live", d -> browser.text("#connection").contains("live"));
        // As when the token expires: the cookie goes, and the stream's next connection is refused.
        d().manage().deleteCookieNamed(SessionCookie.NAME);
        browser.script("window.cohort.disconnect(); window.cohort.reconnect();");
        browser.waitFor("the sign-in form", d -> browser.find("#login").isDisplayed());
        assertTrue(browser.text("#login-feedback").startsWith("Your session has ended"), browser.text("#login-feedback"));
        assertFalse(browser.find("#app").isDisplayed());
        assertEquals("", browser.text("#task-view"), "nothing of the session stays on the page");
    }

    @Test
    void theLoginLinkSignsInAndLeavesNoTokenInTheAddress() {
        String token = TestTokens.viewer();
        signedOut();
        browser.open(page + "#login=" + token);
        browser.waitFor("signed in", d -> "test-viewer".equals(browser.text("#who-name")));
        String href = String.valueOf(browser.script("return location.href"));
        assertEquals(page.toString(), href, "the fragment is gone from the address");
        assertFalse(href.contains("login") || href.contains(token), href);
        assertEquals("viewer", browser.text("#who-role"));
        assertFalse(browser.find("#f-submit").isEnabled(), "a viewer watches; the form says so");
        assertTrue(browser.text("#submit-feedback").contains("signed in as a viewer"), browser.text("#submit-feedback"));
        noTokenInTheBrowser(token);
        browser.screenshot("00-viewer-by-link");
    }

    /** No session: the next page load shows the sign-in form. */
    private void signedOut() {
        d().manage().deleteAllCookies();
    }

    /** The token lives in the HttpOnly cookie only: not in the address, storage, or anything a script can read. */
    private void noTokenInTheBrowser(String token) {
        assertFalse(String.valueOf(browser.script("return location.href")).contains(token));
        assertEquals(0L, browser.script("return localStorage.length + sessionStorage.length"));
        assertFalse(String.valueOf(browser.script("return document.cookie")).contains(token), "HttpOnly");
        assertFalse(String.valueOf(browser.script("return document.documentElement.outerHTML")).contains(token));
        assertEquals(token, d().manage().getCookieNamed(SessionCookie.NAME).getValue());
        assertTrue(d().manage().getCookieNamed(SessionCookie.NAME).isHttpOnly());
    }

    @Test
    void theEmptyStateSaysHowToStartAndTheFormReachesTheOrchestrator() throws Exception {
        browser.open(page.toString());
        browser.waitFor("the empty state", d -> browser.text("#task-list").contains("No tasks yet"));
        assertTrue(browser.text("#empty-text").contains("press Submit task"), browser.text("#empty-text"));
        browser.screenshot("01-empty-state");

        // A refusal is shown in words.
        orchestrator.respond("POST", "/api/tasks", 400, json("{\"status\":400,\"error\":"
                + "\"'budgetUsd' must be a positive amount of US dollars such as 2.50, was '-1'\"}"));
        browser.find("#f-title").sendKeys("Todo API");
        browser.find("#f-description").sendKeys("Build a todo REST API with a small web front end");
        browser.find("#f-manual").click();
        browser.find("input[name=roles][value=backend]").click();
        browser.find("input[name=roles][value=frontend]").click();
        browser.find("#f-budget").sendKeys("-1");
        browser.find("#f-submit").click();
        browser.waitFor("the refusal in words", d -> browser.text("#submit-feedback").contains("Not submitted"));
        assertTrue(browser.text("#submit-feedback").contains("'budgetUsd' must be a positive amount"),
                browser.text("#submit-feedback"));
        browser.screenshot("02-submit-refused");

        String id = UUID.randomUUID().toString();
        ObjectNode created = task(id, "Todo API", "submitted");
        orchestrator.respond("POST", "/api/tasks", 201, created);
        orchestrator.respond("GET", "/api/tasks/" + id, 200, created);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(created));
        browser.find("#f-budget").clear();
        browser.find("#f-budget").sendKeys("1.50");
        browser.find("#f-submit").click();
        browser.waitFor("the submitted task opens", d -> browser.text("#t-head").contains("Todo API"));
        assertTrue(browser.text("#submit-feedback").contains("Submitted"), browser.text("#submit-feedback"));

        List<JsonNode> posts = orchestrator.requests("POST", "/api/tasks");
        JsonNode body = EventCodec.mapper().readTree(posts.get(posts.size() - 1).get("body").asText());
        assertEquals("Todo API", body.get("title").asText());
        assertEquals("Build a todo REST API with a small web front end", body.get("description").asText());
        assertEquals("manual", body.get("approvalMode").asText());
        assertEquals(List.of("backend", "frontend"), strings(body.get("roles")));
        assertEquals("1.50", body.get("budgetUsd").asText());
        browser.waitFor("the list shows the task", d -> browser.text("#task-list").contains("Todo API"));
        browser.screenshot("03-submitted");
    }

    @Test
    void theGraphProgressMessagesAndArtifactsFollowTheEventsLive() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String key : List.of("design", "api", "ui", "review")) {
            ids.put(key, UUID.randomUUID().toString());
        }
        List<PlannedSubtask> plan = List.of(
                new PlannedSubtask("design", Role.ARCHITECT, "Design the API", "", List.of(), List.of(), List.of("docs/api.md")),
                new PlannedSubtask("api", Role.BACKEND, "Implement the API", "", List.of("design"), List.of("docs/api.md"),
                        List.of("src/App.java")),
                new PlannedSubtask("ui", Role.FRONTEND, "Build the page", "", List.of("design"), List.of(), List.of("web/index.html")),
                new PlannedSubtask("review", Role.REVIEWER, "Review it all", "", List.of("api", "ui"), List.of(), List.of()));
        ObjectNode snapshot = task(id, "Todo API", "running");
        ArrayNode subtasks = snapshot.putArray("subtasks");
        for (PlannedSubtask p : plan) {
            ObjectNode s = subtasks.addObject();
            s.put("id", ids.get(p.id())).put("key", p.id()).put("role", p.role().id()).put("title", p.title())
                    .put("status", "pending");
            ArrayNode deps = s.putArray("dependsOn");
            p.dependsOn().forEach(deps::add);
        }
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String content = "// the entry point\npublic class App {\n    static String greeting = \"hello\";\n}\n";
        contextStore.respond("GET", "/api/tasks/" + id + "/artifacts/src/App.java", 200,
                json("{\"key\":\"src/App.java\",\"version\":2,\"kind\":\"code\",\"content\":"
                        + EventCodec.mapper().writeValueAsString(content)
                        + ",\"author\":{\"role\":\"backend\",\"agentId\":\"backend-1\"},\"model\":\"claude\"}"));
        contextStore.respond("GET", "/api/tasks/" + id + "/history/src/App.java", 200,
                json("[{\"key\":\"src/App.java\",\"version\":1},{\"key\":\"src/App.java\",\"version\":2}]"));
        contextStore.respond("GET", "/api/tasks/" + id + "/diff/src/App.java", 200,
                new TextNode("--- src/App.java v1\n+++ src/App.java v2\n@@ -1,2 +1,3 @@\n public class App {\n"
                        + "-}\n+    static String greeting = \"hello\";\n+}\n"));

        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Todo API", "Build a todo REST API", List.of(Role.BACKEND, Role.FRONTEND),
                    ApprovalMode.AUTO, null, null), new TaskPlanned(id, plan, 1));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("four nodes", d -> browser.attributes("#t-graph .node", "data-key").size() == 4);
            assertEquals(Set.of(), done());
            // Ready, but its model is at its limit: the node says what it waits for.
            events.send(new SubtaskStateChanged(id, ids.get("design"), Role.ARCHITECT, "Design the API",
                    SubtaskStatus.PENDING, 0, "waiting for ollama/qwen2.5-coder:7b: 2 of 2 in flight "
                    + "(cohort.admission concurrency)"));
            browser.waitFor("the held node", d -> browser.attributes("#t-graph .node[data-key=design]", "data-held")
                    .equals(List.of("true")));
            assertEquals("architect · waits for its model", browser.text("#t-graph .node[data-key=design] .node-meta"));
            assertTrue(browser.text("#t-graph .node[data-key=design] title")
                    .contains("waiting for ollama/qwen2.5-coder:7b: 2 of 2 in flight"),
                    browser.text("#t-graph .node[data-key=design]"));

            run(events, id, ids.get("design"), "design", Role.ARCHITECT, "Design the API", LOCAL, "architect-1");
            browser.waitFor("no longer held", d -> browser.attributes("#t-graph .node[data-key=design]", "data-held")
                    .stream().allMatch(java.util.Objects::isNull));
            browser.waitFor("a local badge", d -> browser.text(".agent[data-agent='architect-1'] .badge").contains("local"));
            assertTrue(browser.text(".agent[data-agent='architect-1']").contains("qwen2.5-coder:7b"));
            int before = progress("architect-1");
            events.send(new AgentProgress(id, ids.get("design"), 1, "lease", "architect-1", "generating", 600));
            browser.waitFor("the bar advances", d -> progress("architect-1") > before);
            browser.screenshot("04-running-local");
            finish(events, id, ids.get("design"), Role.ARCHITECT, "Design the API", LOCAL, "architect-1");
            browser.waitFor("design done", d -> done().equals(Set.of("design")));

            run(events, id, ids.get("api"), "api", Role.BACKEND, "Implement the API", CLOUD, "backend-1");
            run(events, id, ids.get("ui"), "ui", Role.FRONTEND, "Build the page", LOCAL, "frontend-1");
            browser.waitFor("a cloud badge", d -> browser.text(".agent[data-agent='backend-1'] .badge").contains("cloud"));
            events.send(new AgentEscalated(id, ids.get("ui"), 1, Role.FRONTEND, LOCAL, CLOUD, "no progress for 60 s"));
            browser.waitFor("the escalated node", d -> browser.attributes("#t-graph .node[data-key=ui]", "data-status")
                    .equals(List.of("escalated")));
            assertTrue(browser.text("#t-messages").contains("frontend escalated from qwen2.5-coder:7b (ollama) to "
                    + "anthropic/claude-sonnet-4 (openrouter): no progress for 60 s"), browser.text("#t-messages"));
            events.send(new AgentMessage(id, Participant.agent("backend-1"), Participant.role(Role.FRONTEND),
                    MessageKind.QUESTION, "Which port does the API listen on?", ids.get("api"), null));
            events.send(new AgentMessage(id, Participant.agent("frontend-1"), Participant.agent("backend-1"),
                    MessageKind.ANSWER, "I call it on 8080.", ids.get("ui"), null));
            browser.waitFor("the messages", d -> browser.text("#t-messages").contains("I call it on 8080."));
            assertTrue(browser.text("#t-messages").contains("Which port does the API listen on?"));
            events.send(new ArtifactPublished(id, "src/App.java", 1, ArtifactKind.CODE, "h1", 10, false, "backend/backend-1",
                            ids.get("api"), 1),
                    new ArtifactConflict(id, "src/App.java", "c-1", 1, 2, "frontend/frontend-1", ids.get("ui"), 1),
                    new ArtifactPublished(id, "src/App.java", 2, ArtifactKind.CODE, "h2", 20, false, "backend/backend-1",
                            ids.get("api"), 1));
            finish(events, id, ids.get("api"), Role.BACKEND, "Implement the API", CLOUD, "backend-1");
            browser.waitFor("api done", d -> done().equals(Set.of("design", "api")));
            browser.screenshot("05-graph-half-done");
            finish(events, id, ids.get("ui"), Role.FRONTEND, "Build the page", LOCAL, "frontend-1");
            browser.waitFor("ui done", d -> done().equals(Set.of("design", "api", "ui")));
            events.send(new ArtifactResolved(id, "src/App.java", "c-1", 3, "lead"));
            browser.waitFor("the resolution", d -> browser.text("#t-conflicts").contains("resolved as v3 by lead"));

            run(events, id, ids.get("review"), "review", Role.REVIEWER, "Review it all", CLOUD, "reviewer-1");
            finish(events, id, ids.get("review"), Role.REVIEWER, "Review it all", CLOUD, "reviewer-1");
            browser.waitFor("all done", d -> done().size() == 4);
            events.send(new TaskCompleted(id, "A todo API with a page, reviewed.\n\n1. Paged lists.", null));
            browser.waitFor("completed", d -> browser.text("#t-status").contains("completed"));
            assertEquals("A todo API with a page, reviewed.", browser.text("#t-head .summary-text > p"));
            assertEquals(List.of("Paged lists."), texts("#t-head .summary-text > ol > li"),
                    "the lead's summary is Markdown: its numbered line is a list");
        }
        // Cost per provider: two local agents and two cloud ones.
        assertTrue(browser.text("#cost-providers").contains("ollama"), browser.text("#cost-providers"));
        assertTrue(browser.text("#cost-providers").contains("openrouter"), browser.text("#cost-providers"));

        browser.waitFor("the artifact tree", d -> !d.findElements(By.cssSelector("#t-tree a[data-key='src/App.java']")).isEmpty());
        browser.find("#t-tree a[data-key='src/App.java']").click();
        browser.waitFor("the content", d -> browser.text("#artifact-content").contains("public class App"));
        assertTrue(browser.text("#artifact-content .tok-keyword").contains("class"), "keywords are highlighted");
        assertTrue(browser.text("#artifact-content .tok-comment").contains("the entry point"), "comments are highlighted");
        browser.waitFor("the diff button", d -> !d.findElements(By.cssSelector(".history button")).isEmpty());
        browser.find(".history button").click();
        browser.waitFor("the diff", d -> browser.text("#artifact-diff .diff-add").contains("greeting"));
        browser.script("document.getElementById('t-artifact').scrollIntoView()");
        browser.screenshot("06-artifact-and-diff");
        browser.script("window.scrollTo(0, 0)");
        browser.screenshot("07-completed");

        // A message to an agent reaches the orchestrator.
        new org.openqa.selenium.support.ui.Select(browser.find("#m-to-type")).selectByValue("role");
        browser.waitFor("roles to pick", d -> !d.findElements(By.cssSelector("#m-to-id option[value=backend]")).isEmpty());
        new org.openqa.selenium.support.ui.Select(browser.find("#m-to-id")).selectByValue("backend");
        browser.find("#m-text").sendKeys("Please add pagination.");
        browser.find("#m-send").click();
        browser.waitFor("sent", d -> browser.text("#message-feedback").contains("Sent to @backend"));
        JsonNode message = EventCodec.mapper().readTree(orchestrator.requests("POST", "/api/tasks/" + id + "/messages")
                .get(0).get("body").asText());
        assertEquals("role", message.at("/to/type").asText());
        assertEquals("backend", message.at("/to/id").asText());
        assertEquals("Please add pagination.", message.get("text").asText());
    }

    @Test
    void aPlanIsEditedAndApprovedInManualModeAndControlsReportFailuresInWords() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Search page", "awaiting-approval");
        snapshot.put("approvalMode", "manual");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        List<PlannedSubtask> plan = List.of(
                new PlannedSubtask("spec", Role.ARCHITECT, "Write the spec", "Describe the search API", List.of(),
                        List.of(), List.of("docs/search.md")),
                new PlannedSubtask("impl", Role.BACKEND, "Implement search", "", List.of("spec"), List.of(), List.of()));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Search page", "Add search", List.of(), ApprovalMode.MANUAL, null, null),
                    new TaskAwaitingApproval(id, plan, new Estimate(12000, new BigDecimal("0.42"), 90),
                            Map.of("spec", new Estimate(4000, new BigDecimal("0.10"), 30))));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("the plan to approve", d -> browser.text("#plan-card").contains("Plan waiting for your approval"));
            assertTrue(browser.text("#plan-card").contains("Estimate: 12.0k tokens, $0.42, about 90s."),
                    browser.text("#plan-card"));
            browser.screenshot("08-plan-awaiting-approval");

            browser.find("#p-edit").click();
            WebElement editor = browser.find("#plan-editor");
            String edited = editor.getAttribute("value").replace("Implement search", "Implement search with paging");
            browser.script("arguments[0].value = arguments[1]", editor, edited);
            browser.find("#p-approve").click();
            browser.waitFor("approved", d -> browser.text("#plan-feedback").contains("Approved"));
            JsonNode approval = EventCodec.mapper().readTree(orchestrator.requests("POST", "/api/tasks/" + id + "/approve")
                    .get(0).get("body").asText());
            assertEquals("Implement search with paging", approval.at("/subtasks/1/title").asText());
            assertEquals("spec", approval.at("/subtasks/1/dependsOn/0").asText());

            events.send(new TaskApproved(id, "alice", true));
            browser.waitFor("running", d -> browser.text("#t-status").contains("running"));
            assertTrue(browser.driver.findElements(By.id("p-approve")).isEmpty(), "nothing left to approve");

            // A command the orchestrator refuses says why.
            orchestrator.respond("POST", "/api/tasks/" + id + "/pause", 409,
                    json("{\"status\":409,\"error\":\"task is not running\",\"detail\":\"it is waiting for workers\"}"));
            browser.find("#c-pause").click();
            browser.waitFor("the refusal", d -> browser.text("#control-feedback").contains("task is not running"));
            assertTrue(browser.text("#control-feedback").contains("it is waiting for workers"));
            browser.find("#c-cancel").click();
            browser.waitFor("a confirmation", d -> browser.text("#c-cancel").contains("Click again"));
            browser.find("#c-cancel").click();
            browser.waitFor("cancelled", d -> browser.text("#control-feedback").contains("Cancelled"));
            assertEquals(1, orchestrator.requests("POST", "/api/tasks/" + id + "/cancel").size());
            browser.screenshot("09-controls");
        }
    }

    @Test
    void aReconnectResumesWithoutGaps() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Chatty task", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        try (TestEvents events = new TestEvents()) {
            for (int i = 1; i <= 3; i++) {
                events.send(note(id, i));
            }
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("three messages", d -> messages().size() == 3);
            browser.script("window.cohort.disconnect()");
            for (int i = 4; i <= 6; i++) {
                events.send(note(id, i));
            }
            assertEquals(3, messages().size(), "nothing arrives while disconnected");
            browser.script("window.cohort.reconnect()");
            browser.waitFor("six messages", d -> messages().size() >= 6);
            for (int i = 7; i <= 8; i++) {
                events.send(note(id, i));
            }
            browser.waitFor("eight messages", d -> messages().size() >= 8);
            assertEquals(List.of("note 1", "note 2", "note 3", "note 4", "note 5", "note 6", "note 7", "note 8"),
                    messages());
            browser.screenshot("10-resumed");
        }
    }

    @Test
    void rejectingAPlanAsksForAReasonRefusesAnEmptyOneAndSendsAGivenOne() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Search page", "awaiting-approval");
        snapshot.put("approvalMode", "manual");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        List<PlannedSubtask> plan = List.of(
                new PlannedSubtask("spec", Role.ARCHITECT, "Write the spec", "", List.of(), List.of(), List.of()),
                new PlannedSubtask("impl", Role.BACKEND, "Implement search", "", List.of("spec"), List.of(), List.of()));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Search page", "Add search", List.of(), ApprovalMode.MANUAL, null, null),
                    new TaskAwaitingApproval(id, plan, new Estimate(12000, new BigDecimal("0.42"), 90), Map.of()));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("the plan to approve", d -> browser.text("#plan-card").contains("Plan waiting for your approval"));
            assertFalse(browser.find("#reject-reason").isDisplayed(), "no reason asked for before Reject is pressed");

            browser.find("#p-reject").click();
            browser.waitFor("the reason field", d -> browser.find("#reject-reason").isDisplayed());
            assertEquals("Send rejection", browser.find("#p-reject").getText());
            browser.find("#p-reject").click();
            browser.waitFor("the refusal in words", d -> browser.text("#plan-feedback").contains("Say why you reject the plan."));
            assertEquals("true", browser.find("#reject-reason").getAttribute("aria-invalid"), "the field is marked");
            browser.script("document.getElementById('plan-feedback').textContent = ''");
            browser.find("#reject-reason").sendKeys("   ");
            browser.find("#p-reject").click();
            browser.waitFor("blanks refused too", d -> browser.text("#plan-feedback").contains("Say why you reject the plan."));
            assertEquals(List.of(), orchestrator.requests("POST", "/api/tasks/" + id + "/reject"), "nothing sent without a reason");
            browser.screenshot("11-reject-needs-a-reason");

            ObjectNode rejected = snapshot.deepCopy();
            // The orchestrator cancels a task whose plan is rejected.
            rejected.put("status", "cancelled").put("statusReason", "plan rejected by alice: Too costly: drop the search page")
                    .put("finishedAt", Instant.now().toString());
            orchestrator.respond("POST", "/api/tasks/" + id + "/reject", 200, rejected);
            orchestrator.respond("GET", "/api/tasks/" + id, 200, rejected);
            orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(rejected));
            browser.find("#reject-reason").clear();
            browser.find("#reject-reason").sendKeys("Too costly: drop the search page");
            assertEquals(null, browser.find("#reject-reason").getAttribute("aria-invalid"), "typing clears the mark");
            browser.find("#p-reject").click();
            browser.waitFor("the rejection confirmed", d -> browser.text("#plan-feedback").contains("Rejected."));
            assertTrue(browser.text("#control-feedback").contains("Rejected."), browser.text("#control-feedback"));
            List<JsonNode> sent = orchestrator.requests("POST", "/api/tasks/" + id + "/reject");
            assertEquals(1, sent.size());
            assertEquals("Too costly: drop the search page",
                    EventCodec.mapper().readTree(sent.get(0).get("body").asText()).get("reason").asText());

            events.send(new TaskRejected(id, "alice", "Too costly: drop the search page"));
            browser.waitFor("cancelled", d -> browser.text("#t-status").contains("cancelled"));
            browser.waitFor("the plan no longer asks", d -> d.findElements(By.id("p-approve")).isEmpty());
            assertEquals("Reason: plan rejected by alice: Too costly: drop the search page",
                    browser.text("#t-head .reason"));
            assertFalse(browser.find("#c-pause").isDisplayed(), "a rejected task cannot be paused");
            assertFalse(browser.find("#c-cancel").isDisplayed(), "nor cancelled");
            browser.waitFor("the list follows", d -> browser.text("#task-list").contains("cancelled"));
            browser.screenshot("12-rejected");
        }
    }

    @Test
    void pauseThenResumeReachTheOrchestratorAndThePageFollows() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Todo API", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        orchestrator.respond("POST", "/api/tasks/" + id + "/pause", 200, task(id, "Todo API", "paused"));
        orchestrator.respond("POST", "/api/tasks/" + id + "/resume", 200, task(id, "Todo API", "running"));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Todo API", "Build it", List.of(), ApprovalMode.AUTO, null, null),
                    new TaskPlanned(id, List.of(new PlannedSubtask("api", Role.BACKEND, "Implement the API", "",
                            List.of(), List.of(), List.of())), 1));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("running", d -> browser.text("#t-status").contains("running"));
            assertFalse(browser.find("#c-resume").isDisplayed(), "nothing to resume while running");

            assertEquals("Plan · 1 subtask (show)", browser.text("#plan-details summary"));
            ObjectNode paused = snapshot.deepCopy().put("status", "paused").put("statusReason", "paused by alice");
            orchestrator.respond("GET", "/api/tasks/" + id, 200, paused);
            orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(paused));
            browser.find("#c-pause").click();
            browser.waitFor("paused by the orchestrator", d -> browser.text("#control-feedback").contains("Paused."));
            assertEquals(1, orchestrator.requests("POST", "/api/tasks/" + id + "/pause").size());
            events.send(new TaskPaused(id, "paused by alice"));
            browser.waitFor("the paused state", d -> browser.text("#t-status").contains("paused"));
            browser.waitFor("a resume button", d -> browser.find("#c-resume").isDisplayed());
            assertFalse(browser.find("#c-pause").isDisplayed(), "a paused task cannot be paused again");
            assertEquals("Reason: paused by alice", browser.text("#t-head .reason"));
            assertEquals(List.of("reason info"), browser.attributes("#t-head .reason", "class"), "a pause is no error");
            browser.waitFor("the list follows", d -> browser.text("#task-list").contains("paused"));
            browser.screenshot("13-paused");
            orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
            orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));

            browser.find("#c-resume").click();
            browser.waitFor("resumed by the orchestrator", d -> browser.text("#control-feedback").contains("Resumed."));
            List<JsonNode> resumes = orchestrator.requests("POST", "/api/tasks/" + id + "/resume");
            assertEquals(1, resumes.size());
            assertEquals("", resumes.get(0).get("body").asText(), "a plain resume, the budget unchanged");
            assertTrue(resumes.get(0).get("query").isNull(), "no budget, no parameter");
            events.send(new TaskResumed(id, "alice"));
            browser.waitFor("running again", d -> browser.text("#t-status").contains("running"));
            browser.waitFor("pause offered again", d -> browser.find("#c-pause").isDisplayed());
            assertFalse(browser.find("#c-resume").isDisplayed());
            assertTrue(d().findElements(By.cssSelector("#t-head .reason")).isEmpty(), "the pause reason is gone");
            browser.screenshot("14-resumed");
        }
    }

    @Test
    void aTaskPausedAtItsBudgetResumesWithAHigherOneFromThePage() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Thrifty task", "paused");
        snapshot.put("budgetUsd", "1.00").put("costUsd", "1.02");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        orchestrator.respond("POST", "/api/tasks/" + id + "/resume", 409, json("{\"status\":409,\"error\":"
                + "\"the task has spent $1.02 of its $1 budget; resume with a higher budgetUsd\"}"));
        orchestrator.respond("POST", "/api/tasks/" + id + "/resume?budgetUsd=5.00", 200, task(id, "Thrifty task", "running"));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Thrifty task", "Build it", List.of(), ApprovalMode.AUTO,
                    new BigDecimal("1.00"), null), new TaskPaused(id, "budget of $1.00 reached ($1.02 spent)"));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("paused", d -> browser.text("#t-status").contains("paused"));
            browser.waitFor("a budget field by Resume", d -> browser.find("#c-budget").isDisplayed());

            browser.find("#c-resume").click();
            browser.waitFor("the refusal in words", d -> browser.text("#control-feedback")
                    .contains("the task has spent $1.02 of its $1 budget; resume with a higher budgetUsd"));
            assertEquals("The orchestrator could not resume task " + id
                            + ": the task has spent $1.02 of its $1 budget; resume with a higher budgetUsd",
                    browser.text("#control-feedback"), "said once, not 'Could not resume: ... could not resume'");
            browser.find("#c-budget").sendKeys("5.00");
            browser.screenshot("15-resume-with-a-budget");
            browser.find("#c-resume").click();
            browser.waitFor("resumed", d -> browser.text("#control-feedback").contains("Resumed with a budget of $5.00."));
            List<JsonNode> resumes = orchestrator.requests("POST", "/api/tasks/" + id + "/resume");
            assertEquals(2, resumes.size());
            assertEquals("budgetUsd=5.00", resumes.get(1).get("query").asText(), "the budget reached the orchestrator");
            assertEquals("", browser.find("#c-budget").getAttribute("value"), "the field is cleared once it took effect");
        }
    }

    @Test
    void theCostPanelShowsTheEstimateBesideTheActualForTheTaskAndEachAgent() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, String> ids = Map.of("spec", UUID.randomUUID().toString(), "impl", UUID.randomUUID().toString());
        ObjectNode snapshot = task(id, "Costed task", "running");
        snapshot.put("approvalMode", "manual");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        List<PlannedSubtask> plan = List.of(
                new PlannedSubtask("spec", Role.ARCHITECT, "Write the spec", "", List.of(), List.of(), List.of()),
                new PlannedSubtask("impl", Role.BACKEND, "Implement it", "", List.of("spec"), List.of(), List.of()));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Costed task", "Build it", List.of(), ApprovalMode.MANUAL, null, null),
                    new TaskAwaitingApproval(id, plan, new Estimate(12000, new BigDecimal("0.42"), 90),
                            Map.of("spec", new Estimate(4000, new BigDecimal("0.10"), 30),
                                    "impl", new Estimate(8000, new BigDecimal("0.32"), 60))),
                    new TaskApproved(id, "alice", false));
            run(events, id, ids.get("spec"), "spec", Role.ARCHITECT, "Write the spec", CLOUD, "architect-1");
            events.send(new AgentCompleted(id, ids.get("spec"), 1, "lease", "architect-1", Role.ARCHITECT, CLOUD,
                            new StructuredSummary("spec written", List.of(), null), List.<ArtifactRef>of(),
                            new Usage(1500, 2500, new BigDecimal("0.05"), CostSource.PROVIDER), null, List.of()),
                    new SubtaskStateChanged(id, ids.get("spec"), Role.ARCHITECT, "Write the spec", SubtaskStatus.DONE, 1, null));
            run(events, id, ids.get("impl"), "impl", Role.BACKEND, "Implement it", LOCAL, "backend-1");
            events.send(new AgentCompleted(id, ids.get("impl"), 1, "lease", "backend-1", Role.BACKEND, LOCAL,
                    new StructuredSummary("implemented", List.of(), null), List.<ArtifactRef>of(),
                    new Usage(3000, 6000, BigDecimal.ZERO, CostSource.PRICE_TABLE), null, List.of()),
                    new SubtaskStateChanged(id, ids.get("impl"), Role.BACKEND, "Implement it", SubtaskStatus.DONE, 1, null));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("both agents done", d -> browser.attributes(".agent.agent-done", "data-agent").size() == 2);
            browser.waitFor("the task's actual cost", d -> cells("#cost-task").size() == 3
                    && cells("#cost-task").get(2).contains("$0.05"));

            assertEquals(List.of(
                    List.of("Task", "actual", "estimate"),
                    List.of("tokens", "13.0k", "12.0k"),
                    List.of("cost", "$0.05", "$0.42")), cells("#cost-task"));
            assertEquals(List.of(
                    List.of("agent", "role", "tokens", "est.", "cost", "est."),
                    List.of("architect-1", "architect", "4000", "4000", "$0.05", "$0.10"),
                    List.of("backend-1", "backend", "9000", "8000", "$0.00", "$0.32")), cells("#cost-agents"));
            assertEquals(List.of(
                    List.of("provider", "", "tokens", "cost"),
                    List.of("openrouter", "cloud", "4000", "$0.05"),
                    List.of("ollama", "local", "9000", "$0.00")), cells("#cost-providers"));
            assertEquals("$0.05", browser.text("#t-cost"));
            browser.script("document.getElementById('t-costs').scrollIntoView()");
            browser.screenshot("16-costs-against-the-estimate");
        }
    }

    @Test
    void failedAndSkippedSubtasksShowTheirStateInTheGraph() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String key : List.of("design", "api", "tests", "ui")) {
            ids.put(key, UUID.randomUUID().toString());
        }
        List<PlannedSubtask> plan = List.of(
                new PlannedSubtask("design", Role.ARCHITECT, "Design the API", "", List.of(), List.of(), List.of()),
                new PlannedSubtask("api", Role.BACKEND, "Implement the API", "", List.of("design"), List.of(), List.of()),
                new PlannedSubtask("tests", Role.TESTER, "Test the API", "", List.of("api"), List.of(), List.of()),
                new PlannedSubtask("ui", Role.FRONTEND, "Build the page", "", List.of("design"), List.of(), List.of()));
        ObjectNode snapshot = task(id, "Fragile task", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Fragile task", "Build it", List.of(), ApprovalMode.AUTO, null, null),
                    new TaskPlanned(id, plan, 1));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("four nodes", d -> browser.attributes("#t-graph .node", "data-key").size() == 4);
            run(events, id, ids.get("design"), "design", Role.ARCHITECT, "Design the API", LOCAL, "architect-1");
            finish(events, id, ids.get("design"), Role.ARCHITECT, "Design the API", LOCAL, "architect-1");
            run(events, id, ids.get("api"), "api", Role.BACKEND, "Implement the API", LOCAL, "backend-1");
            orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode()
                    .add(snapshot.deepCopy().put("status", "failed")));
            events.send(new AgentFailed(id, ids.get("api"), 1, "lease", "backend-1", Role.BACKEND, LOCAL,
                            FailureKind.INVALID_OUTPUT, "the answer had no code block", new Usage(200, 400, null, null)),
                    // The second attempt fails before it reaches a model, so no agent.started and no model.
                    new AgentFailed(id, ids.get("api"), 2, "lease-2", "backend-2", Role.BACKEND, null,
                            FailureKind.INTERNAL, "the context store did not answer", null),
                    new SubtaskStateChanged(id, ids.get("api"), Role.BACKEND, "Implement the API", SubtaskStatus.FAILED, 2,
                            "2 attempts failed: the context store did not answer"),
                    new SubtaskStateChanged(id, ids.get("tests"), Role.TESTER, "Test the API", SubtaskStatus.SKIPPED, 0,
                            "depends on api, which failed"),
                    new SubtaskStateChanged(id, ids.get("ui"), Role.FRONTEND, "Build the page", SubtaskStatus.CANCELLED, 0,
                            "the task failed"),
                    new TaskFailed(id, "subtask api failed after 2 attempts", null));

            browser.waitFor("the failed task", d -> browser.text("#t-status").contains("failed"));
            browser.waitFor("every node's end state", d -> List.of("done", "failed", "skipped", "cancelled")
                    .equals(browser.attributes("#t-graph .node", "data-status")));
            assertEquals(List.of("design", "api", "tests", "ui"), browser.attributes("#t-graph .node", "data-key"));
            assertEquals("backend · failed · try 2", browser.text("#t-graph .node[data-key=api] .node-meta"));
            assertTrue(browser.text("#t-graph .node[data-key=api] title").contains("2 attempts failed: the context store did not answer"),
                    "the reason is in the node's tooltip");
            assertTrue(browser.text("#t-graph .node[data-key=tests] title").contains("depends on api, which failed"));
            assertEquals("tester · skipped", browser.text("#t-graph .node[data-key=tests] .node-meta"));
            assertEquals(List.of("Implement the API (backend): failed"),
                    browser.attributes("#t-graph .node[data-key=api]", "aria-label"));
            assertEquals("failed · invalid output · the answer had no code block",
                    browser.text(".agent[data-agent='backend-1'] .agent-phase"));
            browser.waitFor("the attempt that never started, named", d -> !d.findElements(
                    By.cssSelector(".agent[data-agent='backend-2']")).isEmpty());
            assertTrue(browser.text(".agent[data-agent='backend-2'] .agent-line").contains("backend"),
                    browser.text(".agent[data-agent='backend-2']"));
            assertEquals("failed · internal · attempt 2 · the context store did not answer",
                    browser.text(".agent[data-agent='backend-2'] .agent-phase"));
            assertTrue(browser.text(".agent[data-agent='backend-2'] .agent-task").contains("Implement the API"),
                    "the attempt is tied to its subtask");
            assertEquals("Reason: subtask api failed after 2 attempts", browser.text("#t-head .reason"));
            browser.waitFor("the list follows", d -> browser.text("#task-list").contains("failed"));
            browser.screenshot("17-failed-and-skipped");
        }
    }

    @Test
    void theGraphOfTheDefaultPlanDrawsNoEdgeAcrossANode() throws Exception {
        String[][] rows = {
                {"plan", "lead", "Plan the task", "done"},
                {"design", "architect", "Design the Todo API", "done"},
                {"backend", "backend", "Implement the Todo API", "done", "design"},
                {"frontend", "frontend", "Build the Todo page", "done", "design"},
                {"review", "reviewer", "Review the Todo API", "running", "backend", "frontend"},
                {"test", "tester", "Test the Todo API", "done", "backend", "frontend"},
                {"summary", "lead", "Summarise the result", "pending", "design", "backend", "frontend", "review", "test"}};
        showPlan("Todo API", rows, Map.of());
        assertEquals(List.of(), edgesAcrossNodes(), "edges that cross a node other than their ends");
        assertEquals(List.of(), edgesPointingBack(), "dependencies that do not point right");
        assertEquals(Set.of(0.0), Set.copyOf(nodeY("design", "summary")), "the diamond is level at its ends");
        browser.script("document.getElementById('t-graph').scrollIntoView()");
        browser.screenshot("32-graph-of-the-default-plan");
    }

    @Test
    void theGraphOfAVerifiedPlanWithAFixRoundDrawsNoEdgeAcrossANode() throws Exception {
        String[][] rows = {
                {"plan", "lead", "Plan the task", "done"},
                {"design", "architect", "Design the Todo store", "done"},
                {"backend", "backend", "Implement the Todo store", "done", "design"},
                {"test", "tester", "Test the store", "done", "backend", "answer-architect"},
                {"answer-architect", "architect", "Answer backend-1's question", "done"},
                {"test-fix-1-backend", "backend", "Fix Implement the Todo store (round 1)", "done", "test"},
                {"test-recheck-2", "tester", "Test the store (check 2)", "done", "test-fix-1-backend"},
                {"summary", "lead", "Summarise the result", "running", "design", "backend", "test", "answer-architect",
                        "test-fix-1-backend", "test-recheck-2"}};
        showPlan("Verified todo store", rows, Map.of(
                "test", new Verification("node --test test/", 1, false, false, "ℹ fail 1"),
                "test-recheck-2", new Verification("node --test test/", 0, true, false, "ℹ pass 5")));
        browser.waitFor("both checks on their nodes", d -> List.of("failed", "passed")
                .equals(present("#t-graph .node[data-verification]", "data-verification")));
        assertEquals(List.of(), edgesAcrossNodes(), "edges that cross a node other than their ends");
        assertEquals(List.of(), edgesPointingBack(), "dependencies that do not point right");
        browser.script("document.getElementById('t-graph').scrollIntoView()");
        browser.screenshot("33-graph-of-a-fix-round");
    }

    /**
     * Opens a task whose subtasks are rows ({key, role, title, status, dependencies...}), among them the lead's
     * plan, which an event names before the plan exists; the others come with the plan or only in the orchestrator's
     * record, as the subtasks the orchestrator adds do.
     */
    private void showPlan(String title, String[][] rows, Map<String, Verification> checks) throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String[] row : rows) {
            ids.put(row[0], UUID.randomUUID().toString());
        }
        ObjectNode snapshot = task(id, title, "running");
        ArrayNode subtasks = snapshot.putArray("subtasks");
        List<PlannedSubtask> plan = new ArrayList<>();
        for (String[] row : rows) {
            List<String> deps = Arrays.asList(row).subList(4, row.length);
            ObjectNode s = subtasks.addObject().put("id", ids.get(row[0])).put("key", row[0]).put("role", row[1])
                    .put("title", row[2]).put("status", row[3]);
            deps.forEach(s.putArray("dependsOn")::add);
            if (checks.containsKey(row[0])) {
                s.set("verification", EventCodec.mapper().valueToTree(checks.get(row[0])));
            }
            if (!row[0].matches("plan|summary|answer-.*|.*-fix-.*|.*-recheck-.*")) { // the orchestrator adds these
                plan.add(new PlannedSubtask(row[0], Role.fromId(row[1]), row[2], "", deps, List.of(), List.of()));
            }
        }
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, title, "Build it", List.of(), ApprovalMode.AUTO, null, null),
                    new SubtaskStateChanged(id, ids.get("plan"), Role.LEAD, "Plan the task", SubtaskStatus.DONE, 1, null),
                    new TaskPlanned(id, plan, 1));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("every node, by its key", d -> Set.copyOf(ids.keySet())
                    .equals(Set.copyOf(browser.attributes("#t-graph .node", "data-key"))));
            browser.waitFor("every node's status", d -> Arrays.stream(rows).allMatch(row -> List.of(row[3])
                    .equals(browser.attributes("#t-graph .node[data-key='" + row[0] + "']", "data-status"))));
        }
    }

    /** Every edge of the graph that passes through a node other than its ends, walked in steps of a pixel. */
    @SuppressWarnings("unchecked")
    private List<String> edgesAcrossNodes() {
        return (List<String>) browser.script("const boxes = [...document.querySelectorAll('#t-graph .node')].map(g => {"
                + " const r = g.querySelector('rect').getBBox(), m = g.transform.baseVal.consolidate().matrix;"
                + " return { key: g.dataset.key, left: m.e + r.x - 1, right: m.e + r.x + r.width + 1,"
                + " top: m.f + r.y - 1, bottom: m.f + r.y + r.height + 1 }; });"
                + " const found = new Set();"
                + " for (const p of document.querySelectorAll('#t-graph path.edge')) {"
                + "   const length = p.getTotalLength();"
                + "   for (let s = 0; s <= length; s += 1) {"
                + "     const q = p.getPointAtLength(s);"
                + "     for (const b of boxes) {"
                + "       if (b.key !== p.dataset.from && b.key !== p.dataset.to && q.x > b.left && q.x < b.right"
                + "           && q.y > b.top && q.y < b.bottom) found.add(p.dataset.from + '>' + p.dataset.to + ' across ' + b.key);"
                + "     } } }"
                + " return [...found];");
    }

    /** Every edge whose source is not left of its target. */
    @SuppressWarnings("unchecked")
    private List<String> edgesPointingBack() {
        return (List<String>) browser.script("const x = k => document.querySelector(`#t-graph .node[data-key=\"${k}\"]`)"
                + ".transform.baseVal.consolidate().matrix.e;"
                + " return [...document.querySelectorAll('#t-graph path.edge')]"
                + ".filter(p => !(x(p.dataset.from) < x(p.dataset.to))).map(p => p.dataset.from + '>' + p.dataset.to);");
    }

    /** How far below the first node each node is. */
    @SuppressWarnings("unchecked")
    private List<Double> nodeY(String... keys) {
        List<Number> ys = (List<Number>) browser.script("return arguments[0].map(k => document.querySelector("
                + "`#t-graph .node[data-key=\"${k}\"]`).transform.baseVal.consolidate().matrix.f)", List.of(keys));
        return ys.stream().map(y -> y.doubleValue() - ys.get(0).doubleValue()).toList();
    }

    @Test
    void aVersionLinkShowsThatVersionsContent() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Versioned task", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String path = "/api/tasks/" + id + "/artifacts/src/App.java";
        contextStore.respond("GET", path, 200, version(3, "class App { String greeting = \"hello, world\"; }\n"));
        contextStore.respond("GET", path + "?version=1", 200, version(1, "class App {}\n"));
        contextStore.respond("GET", path + "?version=3", 200, version(3, "class App { String greeting = \"hello, world\"; }\n"));
        contextStore.respond("GET", "/api/tasks/" + id + "/history/src/App.java", 200, json(
                "[{\"key\":\"src/App.java\",\"version\":1,\"createdAt\":\"2026-12-01T10:00:00Z\","
                        + "\"author\":{\"role\":\"backend\",\"agentId\":\"backend-1\"}},"
                        + "{\"key\":\"src/App.java\",\"version\":2,\"createdAt\":\"2026-12-01T10:01:00Z\","
                        + "\"author\":{\"role\":\"frontend\",\"agentId\":\"frontend-1\"}},"
                        + "{\"key\":\"src/App.java\",\"version\":3,\"createdAt\":\"2026-12-01T10:02:00Z\","
                        + "\"author\":{\"role\":\"lead\",\"agentId\":\"lead-1\"}}]"));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Versioned task", "Build it", List.of(), ApprovalMode.AUTO, null, null));
            for (int v = 1; v <= 3; v++) {
                events.send(new ArtifactPublished(id, "src/App.java", v, ArtifactKind.CODE, "h" + v, 20, false,
                        "backend/backend-1", null, 1));
            }
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("the latest version in the tree", d -> browser.text("#t-tree a[data-key='src/App.java']").contains("v3"));
            browser.find("#t-tree a[data-key='src/App.java']").click();
            browser.waitFor("the latest content", d -> browser.text("#artifact-content").contains("hello, world"));
            assertTrue(browser.text(".artifact-head").contains("src/App.java v3"), browser.text(".artifact-head"));

            browser.find("#t-artifact .history").findElement(By.linkText("v1")).click();
            browser.waitFor("version 1", d -> browser.text(".artifact-head").contains("src/App.java v1"));
            assertEquals("class App {}", browser.text("#artifact-content").strip());
            assertTrue(browser.text(".artifact-head").contains("an older version; the latest is v3"), browser.text(".artifact-head"));
            assertEquals(List.of("v1"), List.of(browser.text(".history li.current a")), "the shown version is marked");
            assertEquals(List.of("version=1"), contextStore.requests("GET", path).stream()
                    .map(r -> r.get("query").asText()).filter("version=1"::equals).toList(),
                    "the dashboard asked the context store for version 1");
            browser.script("document.getElementById('t-artifact').scrollIntoView()");
            browser.screenshot("18-artifact-version-1");

            browser.find("#t-artifact .history").findElement(By.linkText("v3")).click();
            browser.waitFor("version 3 again", d -> browser.text(".artifact-head").contains("src/App.java v3"));
            assertTrue(browser.text("#artifact-content").contains("hello, world"));
            assertFalse(browser.text(".artifact-head").contains("older"), browser.text(".artifact-head"));
            assertEquals("v3", browser.text(".history li.current a"));
        }
    }

    @Test
    void aRunningAgentCanBeStoppedFromItsRowAndARefusalIsSaidInWords() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, String> ids = Map.of("api", UUID.randomUUID().toString(), "ui", UUID.randomUUID().toString());
        List<PlannedSubtask> plan = List.of(
                new PlannedSubtask("api", Role.BACKEND, "Implement the API", "", List.of(), List.of(), List.of()),
                new PlannedSubtask("ui", Role.FRONTEND, "Build the page", "", List.of(), List.of(), List.of()));
        ObjectNode snapshot = task(id, "Stoppable task", "running");
        ArrayNode subtasks = snapshot.putArray("subtasks");
        for (PlannedSubtask p : plan) {
            subtasks.addObject().put("id", ids.get(p.id())).put("key", p.id()).put("role", p.role().id())
                    .put("title", p.title()).put("status", "running").put("attempt", 1).putArray("dependsOn");
        }
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String apiStop = "/api/tasks/" + id + "/subtasks/api/stop";
        String uiStop = "/api/tasks/" + id + "/subtasks/ui/stop";
        orchestrator.respond("POST", uiStop, 409, json("{\"status\":409,\"error\":"
                + "\"subtask 'ui' is done; only a dispatched or running subtask can be stopped\"}"));
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Stoppable task", "Build it", List.of(), ApprovalMode.AUTO, null, null),
                    new TaskPlanned(id, plan, 1));
            run(events, id, ids.get("api"), "api", Role.BACKEND, "Implement the API", CLOUD, "backend-1");
            run(events, id, ids.get("ui"), "ui", Role.FRONTEND, "Build the page", LOCAL, "frontend-1");
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("Stop on the running agents", d -> stopOffered("backend-1") && stopOffered("frontend-1"));
            assertFalse(browser.find(".agent[data-agent='backend-1'] .stop-form").isDisplayed(), "no form before Stop");
            browser.script("document.getElementById('t-agents').scrollIntoView()");
            browser.screenshot("19-stop-offered");

            // Stop with a reason, to run again (the default).
            browser.find(".agent[data-agent='backend-1'] .stop-open").click();
            browser.waitFor("the stop form", d -> browser.find(".agent[data-agent='backend-1'] .stop-form").isDisplayed());
            assertTrue(browser.find(".agent[data-agent='backend-1'] .stop-retry").isSelected(), "run again by default");
            assertFalse(browser.find(".agent[data-agent='backend-1'] .stop-open").isDisplayed(), "Stop gives way to the form");
            browser.find(".agent[data-agent='backend-1'] .stop-reason").sendKeys("stuck in a loop");
            events.send(new AgentProgress(id, ids.get("api"), 1, "lease", "backend-1", "generating", 480));
            browser.waitFor("a render while the form is open", d -> "480".equals(browser.attributes(
                    ".agent[data-agent='backend-1']", "data-tokens").get(0)));
            assertEquals("stuck in a loop", browser.find(".agent[data-agent='backend-1'] .stop-reason").getAttribute("value"),
                    "what was typed survives the renders");
            browser.screenshot("20-stop-form");
            browser.find(".agent[data-agent='backend-1'] .stop-send").click();
            browser.waitFor("stopped", d -> browser.text(".agent[data-agent='backend-1'] .feedback").contains("Stopped"));
            assertEquals("Stopped backend-1; “Implement the API” runs again as a new attempt.",
                    browser.text(".agent[data-agent='backend-1'] .feedback"));
            List<JsonNode> stops = orchestrator.requests("POST", apiStop);
            assertEquals(1, stops.size());
            assertEquals("retry=true", stops.get(0).get("query").asText());
            assertEquals("stuck in a loop", json(stops.get(0).get("body").asText()).get("reason").asText());

            // The orchestrator ends the attempt and runs the subtask again: Stop moves to the new attempt.
            events.send(new SubtaskStateChanged(id, ids.get("api"), Role.BACKEND, "Implement the API", SubtaskStatus.PENDING,
                            1, "attempt 1 stopped by user: stuck in a loop"),
                    new SubtaskStateChanged(id, ids.get("api"), Role.BACKEND, "Implement the API", SubtaskStatus.DISPATCHED,
                            2, "running again after attempt 1 was stopped"),
                    new AgentStarted(id, ids.get("api"), 2, "lease-2", "backend-2", Role.BACKEND, CLOUD));
            browser.waitFor("Stop on the new attempt", d -> stopOffered("backend-2"));
            assertEquals("stopped · attempt 1 stopped by user: stuck in a loop",
                    browser.text(".agent[data-agent='backend-1'] .agent-phase"));
            assertFalse(stopOffered("backend-1"), "the stopped attempt has nothing left to stop");
            browser.screenshot("21-stopped-and-running-again");

            // Stop without running again, refused: said in the orchestrator's words.
            browser.find(".agent[data-agent='frontend-1'] .stop-open").click();
            browser.waitFor("the stop form", d -> browser.find(".agent[data-agent='frontend-1'] .stop-form").isDisplayed());
            browser.find(".agent[data-agent='frontend-1'] .stop-retry").click();
            assertTrue(browser.text(".agent[data-agent='frontend-1'] .stop-hint").contains("skipped"),
                    browser.text(".agent[data-agent='frontend-1'] .stop-hint"));
            browser.find(".agent[data-agent='frontend-1'] .stop-send").click();
            browser.waitFor("the refusal", d -> browser.text(".agent[data-agent='frontend-1'] .feedback")
                    .contains("only a dispatched or running subtask can be stopped"));
            assertEquals("The orchestrator could not stop subtask 'ui': subtask 'ui' is done; only a dispatched or running subtask can be stopped",
                    browser.text(".agent[data-agent='frontend-1'] .feedback"));
            List<JsonNode> refused = orchestrator.requests("POST", uiStop);
            assertEquals(1, refused.size());
            assertEquals("retry=false", refused.get(0).get("query").asText());
            assertEquals("", refused.get(0).get("body").asText(), "no reason, no body");
            browser.screenshot("22-stop-refused");

            // A finished subtask and a finished task offer nothing to stop.
            finish(events, id, ids.get("ui"), Role.FRONTEND, "Build the page", LOCAL, "frontend-1");
            browser.waitFor("the form closes when ui is done", d -> !browser.find(
                    ".agent[data-agent='frontend-1'] .stop-form").isDisplayed());
            assertFalse(stopOffered("frontend-1"));
            assertTrue(browser.text(".agent[data-agent='frontend-1'] .feedback").contains("subtask 'ui' is done"),
                    "the refusal stays readable");
            assertTrue(stopOffered("backend-2"));
            events.send(new TaskFailed(id, "the budget ran out", null));
            browser.waitFor("the failed task", d -> browser.text("#t-status").contains("failed"));
            browser.waitFor("no Stop left", d -> !stopOffered("backend-2"));
        }
    }

    @Test
    void theTimelineShowsEachAttemptInDependencyOrderWithItsWaitItsEndAndTheIdleStretchesLive() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, String> ids = new LinkedHashMap<>();
        for (String key : List.of("design", "api", "ui", "review")) {
            ids.put(key, UUID.randomUUID().toString());
        }
        List<PlannedSubtask> plan = List.of(
                new PlannedSubtask("design", Role.ARCHITECT, "Design the API", "", List.of(), List.of(), List.of()),
                new PlannedSubtask("api", Role.BACKEND, "Implement the API", "", List.of("design"), List.of(), List.of()),
                new PlannedSubtask("ui", Role.FRONTEND, "Build the page", "", List.of("design"), List.of(), List.of()),
                new PlannedSubtask("review", Role.REVIEWER, "Review it all", "", List.of("api", "ui"), List.of(), List.of()));
        Instant t0 = Instant.now().minusSeconds(90).truncatedTo(ChronoUnit.MILLIS);
        ObjectNode snapshot = task(id, "Timed task", "running");
        snapshot.put("createdAt", t0.toString());
        ArrayNode subtasks = snapshot.putArray("subtasks");
        for (PlannedSubtask p : plan) {
            ObjectNode s = subtasks.addObject();
            s.put("id", ids.get(p.id())).put("key", p.id()).put("role", p.role().id()).put("title", p.title())
                    .put("status", "pending");
            ArrayNode deps = s.putArray("dependsOn");
            p.dependsOn().forEach(deps::add);
        }
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String design = ids.get("design"), api = ids.get("api"), ui = ids.get("ui"), review = ids.get("review");
        try (TestEvents events = new TestEvents()) {
            events.send(at(t0, new TaskSubmitted(id, "Timed task", "Build it", List.of(), ApprovalMode.AUTO, null, null)),
                    at(t0.plusSeconds(1), new TaskPlanned(id, plan, 1)));
            // design runs from 3 s to 15 s; api and ui are dispatched when it ends and wait 7 s for workers.
            dispatched(events, id, design, Role.ARCHITECT, "Design the API", 1, t0.plusSeconds(2), "dependencies done");
            events.send(at(t0.plusSeconds(3), new AgentStarted(id, design, 1, "lease", "architect-1", Role.ARCHITECT, LOCAL)));
            completed(events, id, design, Role.ARCHITECT, "Design the API", 1, t0.plusSeconds(15), "architect-1", LOCAL);
            dispatched(events, id, api, Role.BACKEND, "Implement the API", 1, t0.plusSeconds(15), "dependencies done");
            dispatched(events, id, ui, Role.FRONTEND, "Build the page", 1, t0.plusSeconds(15), "dependencies done");
            events.send(at(t0.plusSeconds(21), new AgentEscalated(id, ui, 1, Role.FRONTEND, LOCAL, CLOUD,
                            "1 failed attempt(s)")),
                    at(t0.plusSeconds(22), new AgentStarted(id, ui, 1, "lease", "frontend-1", Role.FRONTEND, CLOUD)),
                    at(t0.plusSeconds(22), new AgentStarted(id, api, 1, "lease", "backend-1", Role.BACKEND, LOCAL)),
                    // api's first attempt fails and runs again; its second stops sending heartbeats and is reclaimed.
                    at(t0.plusSeconds(30), new AgentFailed(id, api, 1, "lease", "backend-1", Role.BACKEND, LOCAL,
                            FailureKind.INVALID_OUTPUT, "the answer had no code block", null)),
                    at(t0.plusSeconds(30), new SubtaskStateChanged(id, api, Role.BACKEND, "Implement the API",
                            SubtaskStatus.PENDING, 1, "attempt 1 failed, retrying in 2000 ms: the answer had no code block")));
            dispatched(events, id, api, Role.BACKEND, "Implement the API", 2, t0.plusSeconds(32), "retry");
            events.send(at(t0.plusSeconds(33), new AgentStarted(id, api, 2, "lease-2", "backend-2", Role.BACKEND, LOCAL)));
            completed(events, id, ui, Role.FRONTEND, "Build the page", 1, t0.plusSeconds(50), "frontend-1", CLOUD);
            events.send(at(t0.plusSeconds(65), new SubtaskStateChanged(id, api, Role.BACKEND, "Implement the API",
                    SubtaskStatus.PENDING, 2, "no heartbeat from backend-2 for 30 s; lease of attempt 2 reclaimed")));
            dispatched(events, id, api, Role.BACKEND, "Implement the API", 3, t0.plusSeconds(65), "retry");
            events.send(at(t0.plusSeconds(66), new AgentStarted(id, api, 3, "lease-3", "backend-3", Role.BACKEND, LOCAL)));

            browser.open(page + "#/tasks/" + id);
            browser.waitFor("a row per attempt", d -> browser.attributes("#t-timeline .tl-row", "data-outcome").equals(
                    List.of("completed", "retried", "stalled", "running", "completed", "pending")));
            assertEquals(List.of("design", "api", "api", "api", "ui", "review"),
                    browser.attributes("#t-timeline .tl-row", "data-key"), "in dependency order, attempts together");
            assertEquals(List.of("1", "1", "2", "3", "1", "0"), browser.attributes("#t-timeline .tl-row", "data-attempt"));
            assertEquals(Arrays.asList("true", "true", "true", "false", "true", null),
                    browser.attributes("#t-timeline .tl-row", "data-finished"));
            assertEquals(4, count("#t-timeline .tl-row[data-finished=true] .tl-end"), "every finished bar has its end");
            assertEquals(0, count("#t-timeline .tl-row[data-finished=false] .tl-end"), "a running bar has none");
            assertEquals(List.of("api #1", "api #2", "api #3"), texts("#t-timeline .tl-label").stream()
                    .filter(l -> l.startsWith("api")).map(l -> l.replace(" backend", "")).toList(),
                    "plan key, role and attempt number");
            assertTrue(texts("#t-timeline .tl-row[data-key=api] .tl-status").get(0).startsWith("retried · 8s"));
            assertTrue(browser.attributes("#t-timeline .tl-row[data-key=api][data-attempt='1']", "aria-label").get(0)
                    .contains("failure: invalid output"));
            assertEquals(1, count("#t-timeline .tl-row[data-key=ui] .tl-escalation"), "ui ran on a stronger model");
            assertEquals("completed · 28s · escalated", browser.text("#t-timeline .tl-row[data-key=ui] .tl-status"));
            assertEquals("waits for api, ui", browser.text("#t-timeline .tl-row[data-key=review] .tl-note"));
            assertEquals(Set.of("design>api", "design>ui"), edges());
            // Nothing ran before design started, nor for the 7 s in which api and ui waited for workers.
            assertEquals(List.of(3000L, 7000L), idleStretches());
            assertTrue(texts("#t-timeline .tl-gap-label").contains("idle 7s"), texts("#t-timeline .tl-gap-label").toString());

            double before = barWidth("api", 3);
            browser.script("window.__timeline = document.querySelector('#t-timeline svg')");
            browser.waitFor("the running bar grows", d -> barWidth("api", 3) > before);
            assertEquals(true, browser.script("return document.querySelector('#t-timeline svg') === window.__timeline"),
                    "changed in place, so a tooltip being read stays");
            assertTrue(browser.text(".agent[data-agent='backend-2'] .agent-phase").startsWith("reclaimed · attempt 2 · "
                    + "no heartbeat from backend-2"), browser.text(".agent[data-agent='backend-2'] .agent-phase"));
            browser.script("document.querySelector('.timeline-card').scrollIntoView()");
            browser.screenshot("23-timeline-running");

            completed(events, id, api, Role.BACKEND, "Implement the API", 3, Instant.now(), "backend-3", LOCAL);
            browser.waitFor("api's third attempt done", d -> browser.attributes(
                    "#t-timeline .tl-row[data-key=api][data-attempt='3']", "data-outcome").equals(List.of("completed")));
            dispatched(events, id, review, Role.REVIEWER, "Review it all", 1, Instant.now(), "dependencies done");
            browser.waitFor("review waiting for a worker", d -> browser.attributes(
                    "#t-timeline .tl-row[data-key=review]", "data-outcome").equals(List.of("waiting")));
            assertEquals(Set.of("design>api", "design>ui", "api>review", "ui>review"), edges());
            events.send(new AgentStarted(id, review, 1, "lease", "reviewer-1", Role.REVIEWER, CLOUD));
            completed(events, id, review, Role.REVIEWER, "Review it all", 1, Instant.now(), "reviewer-1", CLOUD);
            events.send(new TaskCompleted(id, "Reviewed.", null));
            browser.waitFor("completed", d -> browser.text("#t-status").contains("completed"));
            browser.waitFor("every bar ended", d -> browser.attributes("#t-timeline .tl-row", "data-finished").equals(
                    List.of("true", "true", "true", "true", "true", "true")));
            assertEquals(List.of("completed", "retried", "stalled", "completed", "completed", "completed"),
                    browser.attributes("#t-timeline .tl-row", "data-outcome"));
            assertEquals(6, count("#t-timeline .tl-end"));
            browser.script("document.querySelector('.timeline-card').scrollIntoView()");
            browser.screenshot("24-timeline-completed");
        }
    }

    @Test
    void theTimelineOfATaskWhoseEventsAreGoneIsDrawnFromTheOrchestratorsRecordOfItsAttempts() {
        String id = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
        ObjectNode snapshot = task(id, "Finished task", "completed");
        snapshot.put("createdAt", t0.toString()).put("finishedAt", t0.plusSeconds(120).toString());
        ArrayNode subtasks = snapshot.putArray("subtasks");
        ObjectNode spec = subtask(subtasks, "spec", Role.ARCHITECT, "done");
        attempt(spec, 1, "completed", t0, 5, 6, 30);
        ObjectNode impl = subtask(subtasks, "impl", Role.BACKEND, "done", "spec");
        attempt(impl, 1, "expired", t0, 30, null, 60).put("failureKind", "stalled")
                .put("reason", "no worker started attempt 1 within 30 s; dispatching it again");
        attempt(impl, 2, "failed", t0, 60, 61, 70).put("failureKind", "server_error");
        attempt(impl, 3, "completed", t0, 90, 91, 120);
        ObjectNode docs = subtask(subtasks, "docs", Role.RESEARCHER, "cancelled", "spec");
        attempt(docs, 1, "cancelled", t0, 31, 32, 40).put("reason", "attempt 1 stopped by alice: not needed");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));

        browser.open(page + "#/tasks/" + id);
        browser.waitFor("a row per recorded attempt", d -> browser.attributes("#t-timeline .tl-row", "data-outcome")
                .equals(List.of("completed", "stalled", "retried", "completed", "cancelled")));
        assertEquals(List.of("spec", "impl", "impl", "impl", "docs"), browser.attributes("#t-timeline .tl-row", "data-key"));
        assertEquals(List.of("completed · 24s", "stalled · waited 30s", "retried · 9s", "completed · 29s", "cancelled · 8s"),
                texts("#t-timeline .tl-status"));
        assertEquals(0, count("#t-timeline .tl-row[data-key=impl][data-attempt='1'] .tl-bar"),
                "an attempt no worker started only waited");
        assertEquals(1, count("#t-timeline .tl-row[data-key=impl][data-attempt='1'] .tl-wait"));
        assertEquals(5, count("#t-timeline .tl-end"));
        assertEquals(List.of(6000L, 21000L, 21000L), idleStretches());
        assertEquals(Set.of("spec>impl", "spec>docs"), edges());
        browser.script("document.querySelector('.timeline-card').scrollIntoView()");
        browser.screenshot("26-timeline-from-the-record");
    }

    private static ObjectNode subtask(ArrayNode subtasks, String key, Role role, String status, String... dependsOn) {
        ObjectNode s = subtasks.addObject();
        s.put("id", UUID.randomUUID().toString()).put("key", key).put("role", role.id()).put("title", key)
                .put("status", status);
        ArrayNode deps = s.putArray("dependsOn");
        List.of(dependsOn).forEach(deps::add);
        return s;
    }

    /** One attempt as the orchestrator records it, its times in seconds after t0. */
    private static ObjectNode attempt(ObjectNode subtask, int n, String outcome, Instant t0, int dispatched,
                                      Integer started, int finished) {
        ObjectNode a = (subtask.has("attempts") ? (ArrayNode) subtask.get("attempts") : subtask.putArray("attempts"))
                .addObject();
        a.put("attempt", n).put("outcome", outcome).put("dispatchedAt", t0.plusSeconds(dispatched).toString())
                .put("finishedAt", t0.plusSeconds(finished).toString());
        if (started != null) {
            a.put("startedAt", t0.plusSeconds(started).toString());
        }
        subtask.put("attempt", n);
        return a;
    }

    @Test
    void theLeadsSummaryAndAgentMessagesAreMarkdownInWhichNothingRuns() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Hostile task", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String summary = String.join("\n",
                "# Result <img src=x onerror=\"window.__pwned = 'heading'\">",
                "",
                "A todo API with **paging** and *filters*, see `GET /todos?page=<n>`.",
                "Then <script>window.__pwned = 'script'</script> and <b onmouseover=\"window.__pwned = 'b'\">bold</b>.",
                "",
                "1. [The docs](https://example.com/docs \"read them\")",
                "2. [Run this](javascript:window.__pwned='link') or [that](JavaScript:alert(1)) or [data](data:text/html,<script>x</script>)",
                "   - nested <iframe src=\"javascript:window.__pwned='iframe'\"></iframe>",
                "",
                "| step | state |",
                "|------|:-----:|",
                "| build | **ok** <script>window.__pwned = 'cell'</script> |",
                "",
                "```html",
                "<script>window.__pwned = 'fence'</script><b>not bold</b>",
                "<img src=x onerror=\"window.__pwned = 'fence img'\">",
                "```",
                "",
                "> Run it with `./gradlew run` and open https://example.org/app.");
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Hostile task", "Build it", List.of(), ApprovalMode.AUTO, null, null),
                    new AgentMessage(id, Participant.agent("backend-1"), Participant.TEAM, MessageKind.NOTE,
                            "Done with **the API** <img src=x onerror=\"window.__pwned = 'message'\">", null, null),
                    new TaskCompleted(id, summary, null));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("the summary", d -> !d.findElements(By.cssSelector("#t-head .summary-text h1")).isEmpty());
            browser.waitFor("the message", d -> browser.text("#t-messages").contains("Done with"));
            // An image that fails to load would have run its handler by now.
            Thread.sleep(500);
            assertNull(browser.script("return window.__pwned === undefined ? null : String(window.__pwned)"),
                    "nothing the model wrote ran");
            assertEquals(0, count("#task-view script, #task-view img, #task-view iframe"), "no element from the text");
            assertEquals(0L, browser.script("return [...document.querySelectorAll('#task-view *')].filter(e =>"
                    + " [...e.attributes].some(a => a.name.startsWith('on'))).length"), "no handler attribute");

            assertEquals("Result <img src=x onerror=\"window.__pwned = 'heading'\">", browser.text("#t-head .summary-text h1"),
                    "HTML shows as the text it is");
            String paragraph = browser.text("#t-head .summary-text > p");
            assertTrue(paragraph.contains("Then <script>window.__pwned = 'script'</script> and "
                    + "<b onmouseover=\"window.__pwned = 'b'\">bold</b>."), paragraph);
            assertEquals(List.of("paging", "ok"), texts("#t-head .summary-text strong"));
            assertEquals(List.of("step", "state"), texts("#t-head .summary-text table th"));
            assertEquals(List.of("build", "ok <script>window.__pwned = 'cell'</script>"),
                    texts("#t-head .summary-text table td"), "a table, its cells text too");
            assertEquals(List.of("state", "ok <script>window.__pwned = 'cell'</script>"),
                    texts("#t-head .summary-text table .md-center"));
            assertEquals(List.of("filters"), texts("#t-head .summary-text em"));
            assertEquals(List.of("GET /todos?page=<n>", "./gradlew run"), texts("#t-head .summary-text :not(pre) > code"));
            assertEquals("<script>window.__pwned = 'fence'</script><b>not bold</b>\n"
                    + "<img src=x onerror=\"window.__pwned = 'fence img'\">", browser.text("#t-head .summary-text pre code"),
                    "a code fence keeps HTML as text");

            assertEquals(List.of("https://example.com/docs", "https://example.org/app"),
                    browser.attributes("#t-head .summary-text a", "href"), "only http and https become links");
            assertEquals(List.of("noopener noreferrer nofollow", "noopener noreferrer nofollow"),
                    browser.attributes("#t-head .summary-text a", "rel"));
            assertEquals(List.of("The docs", "https://example.org/app"), texts("#t-head .summary-text a"));
            String second = texts("#t-head .summary-text ol > li").get(1);
            assertTrue(second.startsWith("[Run this](javascript:window.__pwned='link') or [that](JavaScript:alert(1)) or "
                    + "[data](data:text/html,<script>x</script>)"), second);
            assertEquals(List.of("nested <iframe src=\"javascript:window.__pwned='iframe'\"></iframe>"),
                    texts("#t-head .summary-text ol > li ul > li"));
            assertEquals(List.of("Run it with ./gradlew run and open https://example.org/app."),
                    texts("#t-head .summary-text blockquote"));

            assertEquals(List.of("the API"), texts("#t-messages .message .text strong"));
            assertTrue(browser.text("#t-messages .message .text").contains("<img src=x onerror=\"window.__pwned = 'message'\">"),
                    browser.text("#t-messages .message .text"));
            browser.screenshot("25-markdown-summary");
            browser.script("document.getElementById('t-messages').scrollIntoView()");
            browser.screenshot("25-markdown-message");
        }
    }

    @Test
    void anAgentsToolCallsShowLiveInItsRowAndTheChecksItRanShowWhereItsSubtaskIs() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, String> ids = Map.of("store", UUID.randomUUID().toString(), "test", UUID.randomUUID().toString());
        List<PlannedSubtask> plan = List.of(
                new PlannedSubtask("store", Role.BACKEND, "Implement the todo store", "", List.of(),
                        List.of("api/openapi.yaml"), List.of("src/todo-store.mjs")),
                new PlannedSubtask("test", Role.TESTER, "Test the store", "", List.of("store"),
                        List.of("src/todo-store.mjs"), List.of("test/todo-store.test.mjs")));
        ObjectNode snapshot = task(id, "Verified todo store", "running");
        ArrayNode subtasks = snapshot.putArray("subtasks");
        for (PlannedSubtask p : plan) {
            ObjectNode s = subtasks.addObject().put("id", ids.get(p.id())).put("key", p.id()).put("role", p.role().id())
                    .put("title", p.title()).put("status", "pending");
            ArrayNode deps = s.putArray("dependsOn");
            p.dependsOn().forEach(deps::add);
        }
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String store = ids.get("store");
        String test = ids.get("test");
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Verified todo store", "Build a todo store and run its tests", List.of(),
                    ApprovalMode.AUTO, null, null), new TaskPlanned(id, plan, 1));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("two nodes", d -> browser.attributes("#t-graph .node", "data-key").size() == 2);
            run(events, id, store, "store", Role.BACKEND, "Implement the todo store", LOCAL, "backend-1");
            events.send(tool(id, store, 1, "backend-1", Role.BACKEND, 1, "read_artifact", "{\"key\":\"api/openapi.yaml\"}",
                    "ok", "api/openapi.yaml v1 by architect\nopenapi: 3.0.3\ninfo:\n  title: Todo", 12));
            browser.waitFor("the first call", d -> toolCalls("backend-1").size() == 1);
            events.send(tool(id, store, 1, "backend-1", Role.BACKEND, 2, "write_artifact",
                            "{\"key\":\"src/todo-store.mjs\",\"content\":\"export function createStore() {\"}", "conflict",
                            "conflict: src/todo-store.mjs changed since you read it (v1, now v2); read it again", 8),
                    tool(id, store, 1, "backend-1", Role.BACKEND, 3, "write_artifact",
                            "{\"key\":\"src/todo-store.mjs\",\"content\":\"export function createStore() {\"}", "ok",
                            "wrote src/todo-store.mjs version 3", 15),
                    tool(id, store, 1, "backend-1", Role.BACKEND, 4, "run", "{\"command\":\"rm -rf /\"}", "denied",
                            "backend may not run rm", 0),
                    tool(id, store, 1, "backend-1", Role.BACKEND, 4, "send_mesage", "{\"to\":\"team\"}", "invalid",
                            "unknown tool send_mesage", 0),
                    tool(id, store, 1, "backend-1", Role.BACKEND, 5, "ask",
                            "{\"role\":\"architect\",\"question\":\"Is a blank title an error?\"}", "error",
                            "no answer within 120 s", 120_000));
            browser.waitFor("six calls", d -> toolCalls("backend-1").size() == 6);
            String row = ".agent[data-agent='backend-1'] ";
            assertEquals(List.of("ok", "conflict", "ok", "denied", "invalid", "error"),
                    browser.attributes(row + ".tool-call", "data-outcome"), "newest last, each outcome by its kind");
            assertEquals(List.of("1", "2", "3", "4", "4", "5"), texts(row + ".tool-turn"));
            assertEquals(List.of("read_artifact", "write_artifact", "write_artifact", "run", "send_mesage", "ask"),
                    texts(row + ".tool-name"));
            assertEquals("{\"key\":\"src/todo-store.mjs\",\"content\":\"export function createStore() {\"} → conflict: "
                    + "src/todo-store.mjs changed since you read it (v1, now v2); read it again",
                    texts(row + ".tool-excerpt").get(1));
            assertEquals(List.of("12 ms", "8 ms", "15 ms", "0 ms", "0 ms", "120 s"), texts(row + ".tool-time"));
            assertEquals("6 tool calls · 4 not ok", browser.text(row + ".tools > summary"));
            assertEquals("rgb(192, 57, 43)", browser.script("return getComputedStyle(document.querySelector("
                    + "arguments[0])).borderLeftColor", row + ".tool-call[data-outcome=error]"), "an error looks like one");

            // A row opens to the whole excerpts, and stays open while the page renders the next events.
            browser.find(row + ".tool-call[data-seq='1'] summary").click();
            browser.waitFor("the whole result", d -> browser.find(row + ".tool-call[data-seq='1'] .tool-result").isDisplayed());
            assertEquals("api/openapi.yaml v1 by architect\nopenapi: 3.0.3\ninfo:\n  title: Todo",
                    browser.find(row + ".tool-call[data-seq='1'] .tool-result").getText());
            assertEquals("{\"key\":\"api/openapi.yaml\"}", browser.find(row + ".tool-call[data-seq='1'] .tool-args").getText());
            events.send(new AgentProgress(id, store, 1, "lease", "backend-1", "generating", 640));
            browser.waitFor("a render", d -> "640".equals(browser.attributes(".agent[data-agent='backend-1']", "data-tokens")
                    .get(0)));
            assertTrue(browser.find(row + ".tool-call[data-seq='1'] .tool-result").isDisplayed(), "still open");
            finish(events, id, store, Role.BACKEND, "Implement the todo store", LOCAL, "backend-1");
            browser.waitFor("store done", d -> done().equals(Set.of("store")));
            assertEquals(List.of(), present("#t-graph .node[data-key=store]", "data-verification"),
                    "an agent that ran no check shows none");
            assertTrue(browser.text("#t-verification").isEmpty(), "nor does the task before any check");

            // The tester calls tools 55 times: its row keeps the newest 50.
            run(events, id, test, "test", Role.TESTER, "Test the store", CLOUD, "tester-1");
            List<AgentToolCalled> calls = new ArrayList<>();
            for (int turn = 1; turn <= 55; turn++) {
                calls.add(tool(id, test, 1, "tester-1", Role.TESTER, turn, turn % 2 == 0 ? "run" : "read_artifact",
                        turn % 2 == 0 ? "{\"command\":\"node --test test/\"}" : "{\"key\":\"src/todo-store.mjs\"}", "ok",
                        turn % 2 == 0 ? "exit 1\n--- stdout ---\n# fail 1" : "src/todo-store.mjs v3 by backend", 40 + turn));
            }
            events.send(calls.toArray(CohortEvent[]::new));
            browser.waitFor("the newest 50", d -> "55 tool calls, the last 50 shown"
                    .equals(browser.text(".agent[data-agent='tester-1'] .tools > summary")));
            List<String> turns = texts(".agent[data-agent='tester-1'] .tool-turn");
            assertEquals(50, turns.size());
            assertEquals("6", turns.get(0));
            assertEquals("55", turns.get(49));

            // The tester's check fails: on its node, in its row, and in the task's head.
            String output = "▶ todo store\n  ✔ adds a todo (0.6ms)\n  ✖ remove removes the todo (0.4ms)\n"
                    + "    AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n1 !== 0\n"
                    + "ℹ tests 5\nℹ pass 4\nℹ fail 1";
            events.send(checked(id, test, 1, "tester-1", Role.TESTER,
                            new Verification("node --test test/", 1, false, false, output)),
                    new SubtaskStateChanged(id, test, Role.TESTER, "Test the store", SubtaskStatus.DONE, 1, null));
            browser.waitFor("the failed check on the node", d -> List.of("failed")
                    .equals(browser.attributes("#t-graph .node[data-key=test]", "data-verification")));
            assertTrue(browser.text("#t-graph .node[data-key=test] title").contains("tests failed (exit 1): node --test test/"),
                    browser.text("#t-graph .node[data-key=test] title"));
            assertEquals("✗", browser.text("#t-graph .node[data-key=test] .node-check text"));
            assertEquals("tests failed (exit 1)", browser.text(".agent[data-agent='tester-1'] .check-status"));
            assertEquals("node --test test/", browser.text(".agent[data-agent='tester-1'] .check-command"));
            assertFalse(browser.find(".agent[data-agent='tester-1'] .check-log").isDisplayed(), "the output on demand");
            assertEquals("last check tests failed (exit 1) · test", browser.text("#t-verification"));
            browser.find(".agent[data-agent='tester-1'] .check-output summary").click();
            browser.waitFor("the output", d -> browser.find(".agent[data-agent='tester-1'] .check-log").isDisplayed());
            assertEquals(output, browser.find(".agent[data-agent='tester-1'] .check-log").getText());
            browser.script("document.getElementById('t-agents').scrollIntoView()");
            browser.screenshot("27-tool-calls-and-a-failed-check");

            // A fix round runs the tests again, and they pass: the node and the task say so; the first check stays readable.
            events.send(new SubtaskStateChanged(id, test, Role.TESTER, "Test the store", SubtaskStatus.RUNNING, 2, null),
                    new AgentStarted(id, test, 2, "lease-2", "tester-2", Role.TESTER, CLOUD),
                    tool(id, test, 2, "tester-2", Role.TESTER, 1, "run", "{\"command\":\"node --test test/\"}", "ok",
                            "exit 0\n--- stdout ---\nℹ pass 5", 310),
                    checked(id, test, 2, "tester-2", Role.TESTER,
                            new Verification("node --test test/", 0, true, false, "ℹ tests 5\nℹ pass 5")),
                    new SubtaskStateChanged(id, test, Role.TESTER, "Test the store", SubtaskStatus.DONE, 2, null));
            browser.waitFor("the passing check on the node", d -> List.of("passed")
                    .equals(browser.attributes("#t-graph .node[data-key=test]", "data-verification")));
            assertEquals("last check tests passed · test #2", browser.text("#t-verification"));
            assertEquals("tests passed", browser.text(".agent[data-agent='tester-2'] .check-status"));
            assertEquals(List.of("1 tool call"), texts(".agent[data-agent='tester-2'] .tools > summary"));
            assertEquals("tests failed (exit 1)", browser.text(".agent[data-agent='tester-1'] .check-status"));
            assertTrue(browser.find(".agent[data-agent='tester-1'] .check-log").isDisplayed(), "what was opened stays open");
            events.send(new TaskCompleted(id, "The store works; its tests pass.", null));
            browser.waitFor("completed", d -> browser.text("#t-status").contains("completed"));
            browser.script("window.scrollTo(0, 0)");
            browser.screenshot("28-tests-passed");
        }
    }

    @Test
    void whatAToolCallAndACheckCarryIsShownAsTextAndNothingInItRuns() throws Exception {
        String id = UUID.randomUUID().toString();
        String sub = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Hostile tools", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String result = "web/index.html v1 by frontend\n<img src=x onerror=\"window.__pwned = 'result'\">"
                + "<script>window.__pwned = 'script'</script>";
        String arguments = "{\"key\":\"<script>window.__pwned = 'arguments'</script>\"}";
        String tool = "<img src=x onerror=\"window.__pwned = 'tool'\">";
        String outcome = "<b onmouseover=\"window.__pwned = 'outcome'\">ok</b>";
        String output = "<script>window.__pwned = 'check'</script>\n<img src=x onerror=\"window.__pwned = 'output'\">";
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Hostile tools", "Build it", List.of(), ApprovalMode.AUTO, null, null));
            run(events, id, sub, "page", Role.FRONTEND, "Build the page", LOCAL, "frontend-1");
            events.send(tool(id, sub, 1, "frontend-1", Role.FRONTEND, 1, "read_artifact", arguments, "ok", result, 4),
                    tool(id, sub, 1, "frontend-1", Role.FRONTEND, 2, tool, "{}", "invalid", "unknown tool " + tool, 0),
                    tool(id, sub, 1, "frontend-1", Role.FRONTEND, 3, "run", "{\"command\":\"node --test\"}", outcome,
                            result, 5),
                    checked(id, sub, 1, "frontend-1", Role.FRONTEND,
                            new Verification("node --test test/", 1, false, false, output)));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("three calls", d -> toolCalls("frontend-1").size() == 3);
            browser.waitFor("the check", d -> !browser.text(".agent[data-agent='frontend-1'] .check-status").isEmpty());
            browser.script("document.querySelectorAll('.agent[data-agent=\"frontend-1\"] details')"
                    + ".forEach((d) => { d.open = true; })");
            // An image that fails to load would have run its handler by now.
            Thread.sleep(500);
            assertNull(browser.script("return window.__pwned === undefined ? null : String(window.__pwned)"),
                    "nothing the model or a tool wrote ran");
            assertEquals(0, count("#task-view script, #task-view img, #t-agents b:not(.agent-line > b)"),
                    "no element from the text");
            assertEquals(0L, browser.script("return [...document.querySelectorAll('#task-view *')].filter(e =>"
                    + " [...e.attributes].some(a => a.name.startsWith('on'))).length"), "no handler attribute");

            String row = ".agent[data-agent='frontend-1'] ";
            assertEquals(result, browser.find(row + ".tool-call[data-seq='1'] .tool-result").getText(), "shown as it is");
            assertEquals(arguments, browser.find(row + ".tool-call[data-seq='1'] .tool-args").getText());
            assertEquals(tool, browser.text(row + ".tool-call[data-seq='2'] .tool-name"));
            assertEquals(outcome, browser.text(row + ".tool-call[data-seq='3'] .tool-outcome"));
            assertEquals(List.of("ok", "invalid", "other"), browser.attributes(row + ".tool-call", "data-outcome"),
                    "an outcome the page does not know is styled as none of the known ones");
            assertEquals(output, browser.find(row + ".check-log").getText());
            browser.script("document.getElementById('t-agents').scrollIntoView()");
            browser.screenshot("29-tool-calls-as-text");
        }
    }

    @Test
    void whatAnAgentWritesShowsLiveInItsRowBoundedAndFollowingItsEnd() throws Exception {
        String id = UUID.randomUUID().toString();
        String sub = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Writing agent", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String row = ".agent[data-agent='backend-1'] ";
        String block = row + ".writing-text";
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Writing agent", "Build a todo store", List.of(), ApprovalMode.AUTO, null, null));
            run(events, id, sub, "store", Role.BACKEND, "Implement the todo store", LOCAL, "backend-1");
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("the agent", d -> List.of("120").equals(browser.attributes(".agent[data-agent='backend-1']",
                    "data-tokens")));
            assertFalse(browser.find(row + ".writing").isDisplayed(), "nothing written, nothing shown");

            StringBuilder written = new StringBuilder("I will keep the todos in a Map keyed by id.\n");
            events.send(progress(id, sub, "backend-1", 200, written.toString()));
            browser.waitFor("the first text", d -> ("writing… " + written.length() + " characters")
                    .equals(browser.text(row + ".writing > summary")));
            assertEquals(List.of("true"), browser.attributes(row + ".writing", "data-writing"));
            assertFalse(browser.find(block).isDisplayed(), "collapsed until opened");
            browser.find(row + ".writing > summary").click();
            browser.waitFor("the text", d -> browser.find(block).isDisplayed());
            assertEquals(written.toString(), textContent(block));
            assertTrue(String.valueOf(browser.script("return getComputedStyle(document.querySelector(arguments[0])).fontFamily",
                    block)).contains("monospace"));

            // It grows with every progress event and follows its end, within a bounded height.
            List<CohortEvent> lines = new ArrayList<>();
            for (int n = 1; n <= 40; n++) {
                String line = "line " + n + ": createStore() returns add, list, remove and toggle.\n";
                written.append(line);
                lines.add(progress(id, sub, "backend-1", 200 + 10L * n, line));
            }
            events.send(lines.toArray(CohortEvent[]::new));
            browser.waitFor("forty lines more", d -> written.toString().equals(textContent(block)));
            long height = ((Number) browser.script("return document.querySelector(arguments[0]).clientHeight", block))
                    .longValue();
            assertTrue(height > 100 && height <= 240, "bounded: " + height);
            browser.waitFor("the end in view", d -> followsTheEnd(block));

            // Other renders leave it open; a reader who scrolled up stays where they are until they come back down.
            events.send(new AgentProgress(id, sub, 1, "lease", "backend-1", "generating", 900));
            browser.waitFor("a render", d -> List.of("900").equals(browser.attributes(".agent[data-agent='backend-1']",
                    "data-tokens")));
            assertTrue(browser.find(block).isDisplayed(), "still open");
            browser.script("document.querySelector(arguments[0]).scrollTop = 40", block);
            written.append("Now the tests.\n");
            events.send(progress(id, sub, "backend-1", 950, "Now the tests.\n"));
            browser.waitFor("more text", d -> written.toString().equals(textContent(block)));
            assertEquals(40L, ((Number) browser.script("return document.querySelector(arguments[0]).scrollTop", block))
                    .longValue(), "where the reader scrolled to");
            browser.script("const e = document.querySelector(arguments[0]); e.scrollTop = e.scrollHeight", block);
            written.append("They pass.\n");
            events.send(progress(id, sub, "backend-1", 980, "They pass.\n"));
            browser.waitFor("the end again", d -> written.toString().equals(textContent(block)));
            browser.waitFor("following again", d -> followsTheEnd(block));

            // Only the end is kept, and the block says the start was dropped.
            List<CohortEvent> chunks = new ArrayList<>();
            for (int n = 1; n <= 4; n++) {
                String chunk = ("chunk " + n + " of a long answer; ").repeat(200).substring(0, 1999) + "\n";
                written.append(chunk);
                chunks.add(progress(id, sub, "backend-1", 1000 + 500L * n, chunk));
            }
            events.send(chunks.toArray(CohortEvent[]::new));
            String end = written.substring(written.length() - 6000);
            browser.waitFor("the end of it", d -> ("… " + end).equals(textContent(block)));
            assertEquals("writing… " + written.length() + " characters, the last 6000 shown",
                    browser.text(row + ".writing > summary"));
            assertTrue(browser.find(row + ".writing-cut").isDisplayed(), "the start is marked as dropped");
            browser.waitFor("following the end", d -> followsTheEnd(block));
            browser.script("document.getElementById('t-agents').scrollIntoView()");
            browser.screenshot("30-an-agent-writing");

            // Finished, it keeps what it wrote and writes no more.
            finish(events, id, sub, Role.BACKEND, "Implement the todo store", LOCAL, "backend-1");
            browser.waitFor("done writing", d -> List.of("false").equals(browser.attributes(row + ".writing", "data-writing")));
            assertEquals("what it wrote · " + written.length() + " characters, the last 6000 shown",
                    browser.text(row + ".writing > summary"));
            assertEquals("… " + end, textContent(block));
            assertTrue(browser.find(block).isDisplayed(), "still open");
        }
    }

    @Test
    void whatAnAgentWritesIsShownAsTextAndNothingInItRuns() throws Exception {
        String id = UUID.randomUUID().toString();
        String sub = UUID.randomUUID().toString();
        ObjectNode snapshot = task(id, "Hostile writing", "running");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));
        String first = "Here is the page:\n<img src=x onerror=\"window.__pwned = 'img'\">\n"
                + "<script>window.__pwned = 'script'</script>\n<img src=x on";
        String second = "error=\"window.__pwned = 'split'\"> and <b onmouseover=\"window.__pwned = 'b'\">bold</b>"
                + "<iframe srcdoc=\"<script>parent.__pwned = 'iframe'</script>\"></iframe>";
        String row = ".agent[data-agent='frontend-1'] ";
        try (TestEvents events = new TestEvents()) {
            events.send(new TaskSubmitted(id, "Hostile writing", "Build it", List.of(), ApprovalMode.AUTO, null, null));
            run(events, id, sub, "page", Role.FRONTEND, "Build the page", LOCAL, "frontend-1");
            events.send(progress(id, sub, "frontend-1", 300, first), progress(id, sub, "frontend-1", 400, second));
            browser.open(page + "#/tasks/" + id);
            browser.waitFor("the text", d -> (first + second).equals(textContent(row + ".writing-text")));
            browser.find(row + ".writing > summary").click();
            browser.waitFor("opened", d -> browser.find(row + ".writing-text").isDisplayed());
            // An image that fails to load would have run its handler by now.
            Thread.sleep(500);
            assertNull(browser.script("return window.__pwned === undefined ? null : String(window.__pwned)"),
                    "nothing the model wrote ran");
            assertEquals(0, count("#task-view script, #task-view img, #task-view iframe, #t-agents b:not(.agent-line > b)"),
                    "no element from the text");
            assertEquals(0L, browser.script("return [...document.querySelectorAll('#task-view *')].filter(e =>"
                    + " [...e.attributes].some(a => a.name.startsWith('on'))).length"), "no handler attribute");
            assertEquals(first + second, browser.find(row + ".writing-text").getText(), "shown as it is");
            browser.script("document.getElementById('t-agents').scrollIntoView()");
            browser.screenshot("31-writing-as-text");
        }
    }

    @Test
    void theChecksOfATaskWhoseEventsAreGoneComeFromTheOrchestratorsRecordOfItsSubtasks() {
        String id = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
        ObjectNode snapshot = task(id, "Checked task", "completed");
        ArrayNode subtasks = snapshot.putArray("subtasks");
        subtask(subtasks, "store", Role.BACKEND, "done").put("finishedAt", t0.plusSeconds(30).toString())
                .putObject("verification").put("command", "node --test test/").put("exitCode", 1).put("passed", false)
                .put("timedOut", false).put("output", "ℹ fail 1");
        subtask(subtasks, "test", Role.TESTER, "done", "store").put("finishedAt", t0.plusSeconds(90).toString())
                .putObject("verification").put("command", "node --test test/").put("exitCode", 0).put("passed", true)
                .put("timedOut", false).put("output", "ℹ pass 5");
        subtask(subtasks, "docs", Role.RESEARCHER, "done", "store").put("finishedAt", t0.plusSeconds(120).toString())
                .putNull("verification");
        orchestrator.respond("GET", "/api/tasks/" + id, 200, snapshot);
        orchestrator.respond("GET", "/api/tasks", 200, EventCodec.mapper().createArrayNode().add(snapshot));

        browser.open(page + "#/tasks/" + id);
        browser.waitFor("the checks on the nodes", d -> Arrays.asList("failed", "passed", null)
                .equals(browser.attributes("#t-graph .node", "data-verification")));
        assertTrue(browser.text("#t-graph .node[data-key=store] title").contains("tests failed (exit 1): node --test test/"),
                browser.text("#t-graph .node[data-key=store] title"));
        assertEquals("last check tests passed · test", browser.text("#t-verification"), "the check that ran last");
    }

    private static AgentToolCalled tool(String task, String subtask, int attempt, String agent, Role role, int turn,
                                        String tool, String arguments, String outcome, String result, long millis) {
        return new AgentToolCalled(task, subtask, attempt, "lease", agent, role, turn, tool, arguments, outcome, result,
                millis);
    }

    /** An attempt that completed with the check it ran. */
    private static AgentCompleted checked(String task, String subtask, int attempt, String agent, Role role,
                                          Verification check) {
        return new AgentCompleted(task, subtask, attempt, "lease", agent, role, CLOUD,
                new StructuredSummary(check.passed() ? "tests passed" : "tests failed", List.of(), null),
                List.<ArtifactRef>of(), new Usage(300, 700, new BigDecimal("0.01"), null), null, List.of(), List.of(),
                check);
    }

    private static AgentProgress progress(String task, String subtask, String agent, long tokens, String text) {
        return new AgentProgress(task, subtask, 1, "lease", agent, "generating", tokens, text);
    }

    private String textContent(String css) {
        return String.valueOf(browser.script("const e = document.querySelector(arguments[0]); return e ? e.textContent : null",
                css));
    }

    /** Whether the element is scrolled to its end. */
    private boolean followsTheEnd(String css) {
        return (Boolean) browser.script("const e = document.querySelector(arguments[0]);"
                + " return e.scrollHeight > e.clientHeight && e.scrollHeight - e.scrollTop - e.clientHeight < 2", css);
    }

    private List<String> toolCalls(String agent) {
        return browser.attributes(".agent[data-agent='" + agent + "'] .tool-call", "data-seq");
    }

    /** The attribute's values of everything matching that has it. */
    private List<String> present(String css, String attribute) {
        return browser.attributes(css, attribute).stream().filter(java.util.Objects::nonNull).toList();
    }

    private void dispatched(TestEvents events, String task, String subtask, Role role, String title, int attempt,
                            Instant when, String reason) {
        events.send(at(when, new SubtaskStateChanged(task, subtask, role, title, SubtaskStatus.DISPATCHED, attempt, reason)));
    }

    private void completed(TestEvents events, String task, String subtask, Role role, String title, int attempt,
                           Instant when, String agent, ModelRef model) {
        events.send(at(when, new AgentCompleted(task, subtask, attempt, "lease", agent, role, model,
                        new StructuredSummary("done", List.of(), null), List.<ArtifactRef>of(),
                        new Usage(300, 700, null, null), null, List.of())),
                at(when, new SubtaskStateChanged(task, subtask, role, title, SubtaskStatus.DONE, attempt, null)));
    }

    /** The event as it would have been sent at that moment. */
    private static CohortEvent at(Instant when, CohortEvent event) {
        try {
            ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(EventCodec.encode(event));
            json.put("occurredAt", when.toString());
            return EventCodec.decode(json.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<String> edges() {
        List<String> from = browser.attributes("#t-timeline .tl-edge", "data-from");
        List<String> to = browser.attributes("#t-timeline .tl-edge", "data-to");
        Set<String> edges = new java.util.HashSet<>();
        for (int i = 0; i < from.size(); i++) {
            edges.add(from.get(i) + ">" + to.get(i));
        }
        return edges;
    }

    @SuppressWarnings("unchecked")
    private List<Long> idleStretches() {
        return (List<Long>) browser.script("return [...document.querySelectorAll('#t-timeline .tl-gap')]"
                + ".map(g => Date.parse(g.dataset.to) - Date.parse(g.dataset.from))");
    }

    private double barWidth(String key, int attempt) {
        return ((Number) browser.script("const r = document.querySelector(arguments[0]);"
                + " return r ? Number(r.getAttribute('width')) : -1",
                "#t-timeline .tl-row[data-key=" + key + "][data-attempt='" + attempt + "'] .tl-bar")).doubleValue();
    }

    private long count(String css) {
        return ((Number) browser.script("return document.querySelectorAll(arguments[0]).length", css)).longValue();
    }

    /** The text of each element matching, read in one step. */
    @SuppressWarnings("unchecked")
    private List<String> texts(String css) {
        return (List<String>) browser.script("return [...document.querySelectorAll(arguments[0])]"
                + ".map(e => (e.innerText || e.textContent).trim())", css);
    }

    private boolean stopOffered(String agent) {
        List<WebElement> stop = d().findElements(By.cssSelector(".agent[data-agent='" + agent + "'] .stop-open"));
        return !stop.isEmpty() && stop.get(0).isDisplayed();
    }

    private void run(TestEvents events, String task, String subtask, String key, Role role, String title,
                     ModelRef model, String agent) {
        events.send(new SubtaskStateChanged(task, subtask, role, title, SubtaskStatus.RUNNING, 1, null),
                new AgentStarted(task, subtask, 1, "lease", agent, role, model),
                new AgentProgress(task, subtask, 1, "lease", agent, "generating", 120));
    }

    private void finish(TestEvents events, String task, String subtask, Role role, String title, ModelRef model,
                        String agent) {
        boolean local = model.provider().local();
        events.send(new AgentCompleted(task, subtask, 1, "lease", agent, role, model,
                        new StructuredSummary("done", List.of("it works"), null), List.<ArtifactRef>of(),
                        new Usage(300, 700, local ? null : new BigDecimal("0.012"), null), null, List.of()),
                new SubtaskStateChanged(task, subtask, role, title, SubtaskStatus.DONE, 1, null));
    }

    private Set<String> done() {
        return Set.copyOf(browser.attributes("#t-graph .node[data-status=done]", "data-key"));
    }

    private int progress(String agent) {
        List<String> values = browser.attributes(".agent[data-agent='" + agent + "'] .bar", "aria-valuenow");
        return values.isEmpty() ? -1 : Integer.parseInt(values.get(0));
    }

    private List<String> messages() {
        return browser.attributes("#t-messages .message .text", "data-text");
    }

    private static AgentMessage note(String task, int n) {
        return new AgentMessage(task, Participant.agent("backend-1"), Participant.TEAM, MessageKind.NOTE, "note " + n,
                null, null);
    }

    /** A table's cells, row by row, read in one step. */
    @SuppressWarnings("unchecked")
    private List<List<String>> cells(String table) {
        return (List<List<String>>) browser.script("return [...document.querySelectorAll(arguments[0] + ' tr')]"
                + ".map(r => [...r.cells].map(c => c.textContent.trim()))", table);
    }

    private org.openqa.selenium.WebDriver d() {
        return browser.driver;
    }

    private static JsonNode version(long version, String content) throws Exception {
        ObjectNode a = EventCodec.mapper().createObjectNode();
        a.put("key", "src/App.java").put("version", version).put("kind", "code").put("content", content);
        a.putObject("author").put("role", "backend").put("agentId", "backend-1");
        return a;
    }

    private static ObjectNode task(String id, String title, String status) {
        ObjectNode t = EventCodec.mapper().createObjectNode();
        t.put("id", id).put("title", title).put("description", "Build it").put("status", status)
                .put("approvalMode", "auto").put("createdAt", Instant.now().toString())
                .put("promptTokens", 0).put("completionTokens", 0);
        return t;
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    private static JsonNode json(String text) throws Exception {
        return EventCodec.mapper().readTree(text);
    }
}
