package dev.cohort.worker.service;

import static dev.cohort.worker.service.SubtaskRunnerOutageTest.of;
import static dev.cohort.worker.service.SubtaskRunnerOutageTest.outcome;
import static dev.cohort.worker.service.SubtaskRunnerOutageTest.send;
import static dev.cohort.worker.service.WorkerStubsTestResource.contextStore;
import static dev.cohort.worker.service.WorkerStubsTestResource.orchestrator;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentToolCalled;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.ArtifactRef;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskKind;
import dev.cohort.contracts.model.Verification;
import dev.cohort.testsupport.TopicReader;
import dev.cohort.worker.model.SimulatorTestResource;
import dev.cohort.worker.service.ContextStoreStub.WriteFault;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Work subtasks done through tools by the live worker, on the simulator's scripted tool use in both wire protocols
 * (backend and tester on Ollama's, reviewer on OpenAI's), against a context store that answers reads, listings and
 * writes, with the tester's commands run in the real sandbox.
 */
@QuarkusTest
@TestProfile(SubtaskRunnerToolsTest.NativeTools.class)
@WithTestResource(WorkerStubsTestResource.class)
@WithTestResource(SimulatorTestResource.class)
class SubtaskRunnerToolsTest {

    /** Backend, reviewer and tester work through tools; the tester may run node. */
    public static class NativeTools implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cohort.roles.backend.tool-mode", "native",
                    "cohort.roles.reviewer.tool-mode", "native",
                    "cohort.roles.reviewer.max-turns", "4",
                    "cohort.roles.tester.tool-mode", "native",
                    "cohort.roles.tester.commands", "node");
        }
    }

    private static final String TASK = "Build a todo store and run its tests";
    private static final String STORE = "src/todo-store.mjs";
    private static final String TEST = "test/todo-store.test.mjs";

    @BeforeEach
    void reset() {
        SimulatorTestResource.reset();
        contextStore().reset(WriteFault.NONE);
    }

    @Test
    void anOllamaAgentReadsAndWritesThroughToolsAndFinishes() {
        SubtaskDispatch d = dispatch(UUID.randomUUID().toString(), Role.BACKEND, "Implement the todo store",
                "Implement the store.", List.of("api/openapi.yaml"), List.of(STORE));
        contextStore().seed(d.taskId(), "api/openapi.yaml", "openapi: 3.1.0\n");

        AgentCompleted done = run(d);

        assertEquals(List.of(STORE), done.artifacts().stream().map(ArtifactRef::key).toList());
        JsonObject stored = contextStore().stored().get(0);
        assertTrue(stored.getString("content").contains("export function createStore"), stored.getString("content"));
        assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "finish"), tools(d));
        assertTrue(toolEvents(d).stream().allMatch(e -> e.outcome().equals("ok")), toolEvents(d).toString());
        assertEquals(4, turns(), "one model call per turn");
        assertTrue(done.usage().completionTokens() > 0);
        assertEquals(null, done.verification());
    }

    @Test
    void anOpenAiAgentWhoseToolCallsArriveInPiecesWorksTheSame() {
        SimulatorTestResource.model("sim-reviewer", "{\"style\": \"tool-split\"}");
        SubtaskDispatch d = dispatch(UUID.randomUUID().toString(), Role.REVIEWER, "Review the todo store",
                "Review it.", List.of(STORE), List.of("reviews/todo-review.md"));
        contextStore().seed(d.taskId(), STORE, "export function createStore() {}\n");

        AgentCompleted done = run(d);

        assertEquals(List.of("reviews/todo-review.md"), done.artifacts().stream().map(ArtifactRef::key).toList());
        assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "finish"), tools(d));
    }

    @Test
    void theTeamsCodeIsTestedInTheSandboxAndAFixMakesTheTestsPass() {
        String task = UUID.randomUUID().toString();
        SimulatorTestResource.model("sim-backend", "{\"style\": \"broken-first\"}");
        run(dispatch(task, Role.BACKEND, "Implement the todo store", "Implement the store.", List.of(),
                List.of(STORE)));

        AgentCompleted failing = run(dispatch(task, Role.TESTER, "Test the todo store",
                "Write tests for the store and run them with `node --test test/`.", List.of(STORE), List.of(TEST)));

        Verification first = failing.verification();
        assertNotNull(first, "the tester ran the tests");
        assertEquals("node --test test/", first.command());
        assertFalse(first.passed(), first.output());
        assertTrue(first.output().contains("fail"), first.output());
        assertEquals("tests failed", failing.summary().status());
        assertTrue(tools(failing.taskId(), failing.subtaskId()).contains("run"));

        run(dispatch(task, Role.BACKEND, "Fix the todo store", "Fix the failing tests: `node --test test/` exited "
                + first.exitCode() + ".", List.of(STORE, TEST), List.of(STORE)));
        AgentCompleted passing = run(dispatch(task, Role.TESTER, "Test the todo store (check 2)",
                "Write tests for the store and run them with `node --test test/`.", List.of(STORE), List.of(TEST)));

        assertTrue(passing.verification().passed(), passing.verification().output());
        assertEquals(0, passing.verification().exitCode());
        assertEquals("tests passed", passing.summary().status());
    }

    @Test
    void codeThatTriesToEscapeTheSandboxIsContainedAndTheRunReportsIt() {
        String task = UUID.randomUUID().toString();
        contextStore().seed(task, STORE, "export function createStore() { return {}; }\n");
        // Another agent's "test" that tries the network and the host's files, then floods the output.
        contextStore().seed(task, "test/escape.test.mjs", """
                import { test } from 'node:test';
                import assert from 'node:assert/strict';
                import { writeFileSync } from 'node:fs';
                test('the network is closed', async () => {
                  await assert.rejects(fetch('http://1.1.1.1/'));
                  console.log('ESCAPE network blocked');
                });
                test('the host is read-only', () => {
                  for (const path of ['/usr/cohort-escape', '/etc/cohort-escape', '/cohort-escape']) {
                    assert.throws(() => writeFileSync(path, 'x'));
                  }
                  console.log('ESCAPE write blocked');
                });
                test('endless output', () => {
                  for (;;) { process.stdout.write('y'.repeat(65536)); }
                });
                """);

        AgentCompleted done = run(dispatch(task, Role.TESTER, "Test the todo store",
                "Write tests for the store and run them with `node --test test/`.", List.of(STORE), List.of(TEST)));

        Verification check = done.verification();
        assertFalse(check.passed());
        AgentToolCalled ran = toolEvents(done.taskId(), done.subtaskId()).stream()
                .filter(t -> t.tool().equals("run")).findFirst().orElseThrow();
        assertTrue(ran.result().contains("output cut"), ran.result());
        assertTrue(check.output().contains("ESCAPE network blocked") || ran.result().contains("network blocked"),
                check.output());
        for (String path : List.of("/usr/cohort-escape", "/etc/cohort-escape", "/cohort-escape")) {
            assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(path)), path + " was written on the host");
        }
    }

    @Test
    void badArgumentsAndUnknownToolsAreAnsweredToTheModelNotFatal() {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"tool-bad-args\"}");
        SubtaskDispatch bad = dispatch(UUID.randomUUID().toString(), Role.BACKEND, "Implement the todo store",
                "Implement the store.", List.of(), List.of(STORE));
        AgentCompleted done = run(bad);
        assertEquals(List.of(STORE), done.artifacts().stream().map(ArtifactRef::key).toList());
        List<AgentToolCalled> calls = toolEvents(bad);
        AgentToolCalled invalid = calls.stream().filter(c -> c.outcome().equals("invalid")).findFirst().orElseThrow();
        assertEquals("write_artifact", invalid.tool());
        assertTrue(invalid.result().contains("content"), invalid.result());

        SimulatorTestResource.reset();
        SimulatorTestResource.model("sim-backend", "{\"style\": \"tool-unknown\"}");
        SubtaskDispatch unknown = dispatch(UUID.randomUUID().toString(), Role.BACKEND, "Implement the todo store",
                "Implement the store.", List.of(), List.of(STORE));
        run(unknown);
        AgentToolCalled first = toolEvents(unknown).get(0);
        assertEquals("delete_workspace", first.tool());
        assertEquals("invalid", first.outcome());
        assertTrue(first.result().startsWith("There is no tool 'delete_workspace'"), first.result());
    }

    @Test
    void aModelThatNeverFinishesFailsTheAttemptAtItsTurnLimit() {
        SimulatorTestResource.model("sim-reviewer", "{\"style\": \"tool-no-finish\"}");
        SubtaskDispatch d = dispatch(UUID.randomUUID().toString(), Role.REVIEWER, "Review the todo store",
                "Review it.", List.of(), List.of("reviews/todo-review.md"));
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);
        send(d);

        List<AgentFailed> failed = of(outcome(d), AgentFailed.class);

        assertEquals(1, failed.size());
        assertEquals(FailureKind.INVALID_OUTPUT, failed.get(0).failure());
        assertTrue(failed.get(0).reason().contains("did not call finish within 4 turns"), failed.get(0).reason());
        assertEquals(4, turns());
    }

    @Test
    void aModelThatAnswersTheToolOfferWithProseIsReadTheMarkdownWay() {
        SimulatorTestResource.model("sim-backend", "{\"style\": \"tool-prose\"}");
        SubtaskDispatch d = dispatch(UUID.randomUUID().toString(), Role.BACKEND, "Implement the todo store",
                "Implement the store.", List.of(), List.of(STORE));

        AgentCompleted done = run(d);

        assertEquals(List.of(STORE), done.artifacts().stream().map(ArtifactRef::key).toList());
        assertEquals(List.of(), tools(d));
        assertEquals(1, turns());
    }

    private static AgentCompleted run(SubtaskDispatch d) {
        orchestrator().subtask(d.taskId(), d.subtaskId(), "dispatched", 1, null);
        send(d);
        List<AgentEvent> events = outcome(d);
        List<AgentCompleted> completed = of(events, AgentCompleted.class);
        assertEquals(1, completed.size(), "completed: " + events);
        return completed.get(0);
    }

    private static List<String> tools(SubtaskDispatch d) {
        return tools(d.taskId(), d.subtaskId());
    }

    private static List<String> tools(String taskId, String subtaskId) {
        return toolEvents(taskId, subtaskId).stream().map(AgentToolCalled::tool).toList();
    }

    private static List<AgentToolCalled> toolEvents(SubtaskDispatch d) {
        return toolEvents(d.taskId(), d.subtaskId());
    }

    private static List<AgentToolCalled> toolEvents(String taskId, String subtaskId) {
        // The attempt's outcome comes after its tool calls on the task's partition.
        return TopicReader.read(Topics.AGENT_EVENTS, read -> read.stream().anyMatch(r -> taskId.equals(r.key())
                        && r.value().contains(subtaskId) && (r.value().contains("\"agent.completed\"")
                        || r.value().contains("\"agent.failed\""))), Duration.ofSeconds(30), Duration.ZERO).stream()
                .filter(r -> taskId.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), AgentEvent.class))
                .filter(e -> e instanceof AgentToolCalled && subtaskId.equals(e.subtaskId()))
                .map(AgentToolCalled.class::cast).toList();
    }

    /** Model calls the simulator got since the last reset. */
    private static int turns() {
        return given().baseUri(SimulatorTestResource.url()).get("/sim/calls").then().statusCode(200)
                .extract().jsonPath().getList("outcome").size();
    }

    private static SubtaskDispatch dispatch(String taskId, Role role, String title, String instructions,
                                            List<String> reads, List<String> writes) {
        return new SubtaskDispatch(taskId, UUID.randomUUID().toString(), 1, "lease-" + UUID.randomUUID(),
                Instant.now().plusSeconds(60), role, SubtaskKind.WORK, title, instructions, TASK, null, reads, writes,
                List.of(), null, false, null, List.of(), null);
    }
}
