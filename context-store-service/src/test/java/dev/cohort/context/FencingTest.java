package dev.cohort.context;

import static dev.cohort.context.Api.personBody;
import static dev.cohort.context.Api.publish;
import static dev.cohort.context.Api.publishAs;
import static dev.cohort.context.Api.publishBody;
import static dev.cohort.context.Api.with;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Fence;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.testsupport.TestTokens;
import dev.cohort.testsupport.TopicReader;
import dev.cohort.testsupport.TopicWriter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A worker's write is admitted only for the attempt the orchestrator dispatched last, while it runs, with that
 * dispatch's lease token and to a key its subtask declares; anything else is refused and stores nothing. Only the
 * orchestrator's events move a fence.
 */
@QuarkusTest
class FencingTest extends ContextStoreTestBase {

    private static final int WRITERS = 4;

    @Test
    void aLateWriteOfAnOlderAttemptIsRefusedOnceTheNextAttemptIsDispatched() throws Exception {
        String task = newTaskId();
        Lease first = dispatch(task, "s-api", 1, "src/");
        var firstWrite = first.body("src/Api.java", "attempt 1", null);
        first.publish(firstWrite).statusCode(201).body("version", equalTo(1));

        Lease second = dispatch(task, "s-api", 2, "src/");
        long events = eventRows(task);
        isStale(first.publish("src/Late.java", "late", null), 1, "s-api", 2);
        // a stale base would otherwise be kept as a conflict: no conflict either
        isStale(first.publish("src/Api.java", "late edit", 0L), 1, "s-api", 2);
        // even a retry of what the attempt stored while it was current: the attempt must learn that it is stale
        isStale(first.publish(firstWrite), 1, "s-api", 2);

        given().get("/api/tasks/{t}/history/{k}", task, "src/Api.java").then().body("version", contains(1));
        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Late.java").then().statusCode(404);
        given().get("/api/tasks/{t}/conflicts", task).then().statusCode(200).body("$", hasSize(0));
        assertEquals(events, eventRows(task), "a refused write appends no event");

        // the current attempt writes, and its retry is answered as before
        var secondWrite = second.body("src/Api.java", "attempt 2", 1L);
        second.publish(secondWrite).statusCode(201).body("version", equalTo(2)).body("attempt", equalTo(2));
        second.publish(secondWrite).statusCode(200).body("version", equalTo(2)).body("replayed", equalTo(true));
    }

    @Test
    void aForgedAttemptNumberIsRefusedAndDoesNotLockOutTheRealAttempt() throws Exception {
        String task = newTaskId();
        Lease real = dispatch(task, "s-forge", 1, "src/");
        for (String token : List.of(real.token(), "made-up")) {
            real.publish(with(with(real.body("src/Forged.java", "forged", null), "attempt", Integer.MAX_VALUE),
                            "leaseToken", token))
                    .statusCode(503).header("Retry-After", "1")
                    .body("error", equalTo("not-dispatched-yet"))
                    .body("code", equalTo("not-dispatched-yet"))
                    .body("attempt", equalTo(Integer.MAX_VALUE))
                    .body("currentAttempt", equalTo(1));
        }
        assertEquals(1, fence(task, "s-forge"), "a write never raises the fence");
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404);

        real.publish("src/Real.java", "real", null).statusCode(201).body("attempt", equalTo(1));
    }

    @Test
    void aReplayedLeaseTokenOfAnEarlierAttemptIsRefused() throws Exception {
        String task = newTaskId();
        Lease first = dispatch(task, "s-replay", 1, "a.txt", "b.txt");
        first.publish("a.txt", "a", null).statusCode(201);
        Lease second = dispatch(task, "s-replay", 2, "a.txt", "b.txt");

        // the old token with the new attempt's number
        isStale(first.publish(with(second.body("b.txt", "b", null), "leaseToken", first.token())), 2, "s-replay", 2)
                .body("detail", containsString("is current under another lease token"));
        // and with its own
        isStale(first.publish("b.txt", "b", null), 1, "s-replay", 2);
        given().get("/api/tasks/{t}/artifacts/{k}", task, "b.txt").then().statusCode(404);

        second.publish("b.txt", "b", null).statusCode(201);
    }

    @Test
    void theFirstTokenSeenDoesNotWin() throws Exception {
        String task = newTaskId();
        Lease lease = dispatch(task, "s-first", 1, "first.txt");
        // an impostor that writes before the real attempt does not claim it
        isStale(lease.publish(with(lease.body("first.txt", "impostor", null), "leaseToken", "lease-of-an-impostor")),
                1, "s-first", 1)
                .body("detail", containsString("another lease token"));
        given().get("/api/tasks/{t}/artifacts/{k}", task, "first.txt").then().statusCode(404);

        lease.publish("first.txt", "real", null).statusCode(201);
        isStale(lease.publish(with(lease.body("first.txt", "impostor", 1L), "leaseToken", "lease-of-an-impostor")),
                1, "s-first", 1);
    }

    @Test
    void aWorkersWriteMustNameItsAttempt() throws Exception {
        String task = newTaskId();
        dispatch(task, "s-named", 1, "x.txt");
        // no subtask: a worker's write is never unfenced
        publish(task, personBody("x.txt", "x", null)).statusCode(400).body("error", equalTo("missing-field"))
                .body("detail", containsString("'subtaskId', 'attempt' and 'leaseToken' are required"));
        var body = publishBody("x.txt", "x", null, "s-named", 1);
        for (String field : List.of("subtaskId", "attempt", "leaseToken")) {
            var without = new HashMap<>(body);
            without.remove(field);
            publish(task, without).statusCode(400).body("detail", containsString("missing: " + field));
        }
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404);
        publish(task, body).statusCode(201);
    }

    @Test
    void aKeyTheSubtaskDoesNotDeclareIsRefusedNamingTheDeclaredKeys() throws Exception {
        String task = newTaskId();
        Lease lease = dispatch(task, "s-keys", 1, "src/", "README.md");
        lease.publish("docs/guide.md", "x", null).statusCode(403).contentType(ContentType.JSON)
                .body("error", equalTo("undeclared-key"))
                .body("code", equalTo("undeclared-key"))
                .body("key", equalTo("docs/guide.md"))
                .body("declared", contains("src/", "README.md"))
                .body("detail", containsString("may not write 'docs/guide.md'"))
                .body("detail", containsString("src/, README.md"));
        // a prefix covers what is under it, not the name itself
        lease.publish("src", "x", null).statusCode(403).body("error", equalTo("undeclared-key"));
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404);

        lease.publish("src/x.java", "class X {}", null).statusCode(201);
        lease.publish("src/main/Deep.java", "class Deep {}", null).statusCode(201);
        lease.publish("README.md", "# read me", null).statusCode(201);
    }

    @Test
    void aWriteJustAheadOfItsDispatchWaitsForItAndIsStored() throws Exception {
        String task = newTaskId();
        var body = publishBody("ahead.txt", "ahead", null, "s-ahead", 1);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<ValidatableResponse> write = writer.submit(() -> publish(task, body));
            // the write is in, found no fence, and waits
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> given().get("/q/metrics").asString()
                    .lines().anyMatch(l -> l.startsWith("cohort_context_writes_waiting_for_dispatch")
                            && l.endsWith(" 1.0")));
            dispatch(task, "s-ahead", 1, "ahead.txt");
            write.get().statusCode(201).body("version", equalTo(1)).body("attempt", equalTo(1));
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aWriteWhoseDispatchDoesNotComeIsToldToRetryAndThenAccepted() throws Exception {
        String task = newTaskId();
        var body = publishBody("early.txt", "early", null, "s-early", 1);
        // held for cohort.context.dispatch-wait, then refused
        publish(task, body).statusCode(503).header("Retry-After", "1")
                .body("error", equalTo("not-dispatched-yet"))
                .body("detail", containsString("has not seen attempt 1 of subtask s-early dispatched"));
        assertEquals(0, fence(task, "s-early"), "the write did not create a fence");
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404);

        dispatch(task, "s-early", 1, "early.txt");
        publish(task, body).statusCode(201).body("version", equalTo(1));
    }

    @Test
    void aWorkerMayWriteOnlyAsItsOwnAgentsAndAPersonNotForASubtask() throws Exception {
        String task = newTaskId();
        Lease lease = dispatch(task, "s-who", 1, "who.txt");
        lease.publish(with(lease.body("who.txt", "x", null), "agentId", "worker-b/backend")).statusCode(403)
                .body("error", equalTo("agent-mismatch"))
                .body("detail", containsString("worker 'worker-a' cannot write as agent 'worker-b/backend'"));
        // a name that only starts like the worker's is another worker's
        lease.publish(with(lease.body("who.txt", "x", null), "agentId", "worker-ab/backend")).statusCode(403);
        publishAs(TestTokens.bearer(TestTokens.worker("worker-b")), task, lease.body("who.txt", "x", null))
                .statusCode(403).body("error", equalTo("agent-mismatch"));
        publishAs(TestTokens.bearer(TestTokens.operator()), task, lease.body("who.txt", "x", null))
                .statusCode(403).body("error", equalTo("not-a-worker"));
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404);

        lease.publish("who.txt", "x", null).statusCode(201).body("author.agentId", equalTo("worker-a/backend"));
    }

    @Test
    void noWriteOfTheOldAttemptCommitsAfterTheNextAttemptIsDispatched() throws Exception {
        String task = newTaskId();
        Lease first = dispatch(task, "s-race", 1, "k/");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
        List<Future<List<Integer>>> writers = new ArrayList<>();
        try {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(threads.submit(() -> {
                    start.await();
                    List<Integer> statuses = new ArrayList<>();
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    for (int i = 0; System.nanoTime() < deadline; i++) {
                        int status = first.publish("k/" + writer + "-" + i, "old", null).extract().statusCode();
                        statuses.add(status);
                        if (status != 201) {
                            break;
                        }
                    }
                    return statuses;
                }));
            }
            start.countDown();
            Thread.sleep(300);
            dispatch(task, "s-race", 2, "k/").publish("k/new", "new", null).statusCode(201);
            for (Future<List<Integer>> writer : writers) {
                List<Integer> statuses = writer.get();
                assertEquals(409, statuses.get(statuses.size() - 1), "every old writer ends refused: " + statuses);
                assertTrue(statuses.subList(0, statuses.size() - 1).stream().allMatch(s -> s == 201), "" + statuses);
            }
        } finally {
            threads.shutdownNow();
        }
        List<Integer> stored = new ArrayList<>();
        pool.preparedQuery("select attempt from artifact_version where task_id = $1 order by id")
                .execute(Tuple.of(task)).await().indefinitely()
                .forEach(row -> stored.add(row.getInteger("attempt")));
        // versions are inserted under the task's lock, so id order is commit order
        assertEquals(2, stored.get(stored.size() - 1), "attempt 1 stored after attempt 2: " + stored);
        assertEquals(1, stored.stream().filter(a -> a == 2).count());
    }

    @Test
    void anAttemptThatEndsWithoutASuccessorIsClosedAtOnceAndTheNextAttemptOpensTheFence() throws Exception {
        String task = newTaskId();
        Lease first = dispatch(task, "s-end", 1, "src/");
        var firstWrite = first.body("src/End.java", "attempt 1", null);
        first.publish(firstWrite).statusCode(201).body("version", equalTo(1));

        // failed or lease reclaimed, a retry is scheduled but not dispatched yet
        send(changed(task, "s-end", SubtaskStatus.PENDING, 1));
        awaitClosed(task, "s-end", "pending");
        long events = eventRows(task);
        isOver(first.publish("src/Late.java", "late", null), 1, "s-end", "pending");
        // a retry of what the attempt stored before it ended is refused too: the attempt learns that it is over
        isOver(first.publish(firstWrite), 1, "s-end", "pending");
        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Late.java").then().statusCode(404);
        given().get("/api/tasks/{t}/history/{k}", task, "src/End.java").then().body("version", contains(1));
        assertEquals(events, eventRows(task), "a refused write appends no event");

        // the retry is dispatched as attempt 2: its writes are accepted, attempt 1 stays fenced
        Lease second = dispatch(task, "s-end", 2, "src/");
        assertNull(closedAs(task, "s-end"), "a newer attempt opens the fence");
        second.publish("src/End.java", "attempt 2", 1L).statusCode(201).body("version", equalTo(2));
        isStale(first.publish("src/Late.java", "late", null), 1, "s-end", 2);
    }

    @ParameterizedTest
    @EnumSource(value = SubtaskStatus.class, names = {"CANCELLED", "FAILED", "SKIPPED", "DONE"})
    void everyEndOfAnAttemptClosesIt(SubtaskStatus end) throws Exception {
        String task = newTaskId();
        Lease lease = dispatch(task, "s-1", 1, "late.txt");
        send(changed(task, "s-1", SubtaskStatus.RUNNING, 1));
        send(changed(task, "s-1", end, 1));
        awaitClosed(task, "s-1", end.id());
        isOver(lease.publish("late.txt", "late", null), 1, "s-1", end.id());
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404);
    }

    @Test
    void runningKeepsTheAttemptOpenAndAnEndOfAnOlderAttemptChangesNothing() throws Exception {
        String task = newTaskId();
        Lease lease = dispatch(task, "s-run", 2, "run.txt");
        // running carries no fence of its own: the dispatch's hash and keys stay
        send(changed(task, "s-run", SubtaskStatus.RUNNING, 2));
        // the end of an older attempt, e.g. read again after a rebalance, changes nothing
        send(changed(task, "s-run", SubtaskStatus.CANCELLED, 1));
        dispatch(task, "s-other", 1);
        assertEquals(2, fence(task, "s-run"));
        assertNull(closedAs(task, "s-run"));
        lease.publish("run.txt", "attempt 2", null).statusCode(201);
    }

    @Test
    void theEndOfAnAttemptNeverAnnouncedClosesItAndEveryOlderOne() throws Exception {
        String task = newTaskId();
        Lease first = dispatch(task, "s-skip", 1, "a.txt", "b.txt");
        // the dispatch of attempt 2 was missed; its end still fences attempts 1 and 2
        send(changed(task, "s-skip", SubtaskStatus.CANCELLED, 2));
        awaitClosed(task, "s-skip", "cancelled");
        assertEquals(2, fence(task, "s-skip"));
        Lease second = new Lease(task, "s-skip", 2, Api.leaseToken("s-skip", 2), Api.WORKER);
        isOver(second.publish("a.txt", "a", null), 2, "s-skip", "cancelled");
        first.publish("b.txt", "b", null).statusCode(409)
                .body("error", equalTo("stale-attempt"))
                .body("detail", containsString("attempt 2 is newer, and over too (ended as cancelled)"));
        // a dispatch of an attempt that ended does not reopen it: only a newer attempt does
        send(new SubtaskStateChanged(task, "s-skip", Role.BACKEND, "Work", SubtaskStatus.DISPATCHED, 2, null,
                Fence.hash(second.token()), List.of("a.txt")));
        dispatch(task, "s-after", 1);
        assertEquals("cancelled", closedAs(task, "s-skip"));
        isOver(second.publish("a.txt", "a", null), 2, "s-skip", "cancelled");
        dispatch(task, "s-skip", 3, "a.txt").publish("a.txt", "a", null).statusCode(201);
    }

    @Test
    void aResolveFromAStaleAttemptIsRefusedAndTheConflictStaysPending() throws Exception {
        String task = newTaskId();
        String conflictId = conflictOn(task, "src/Merge.java");
        Lease first = dispatch(task, "s-merge", 1, "src/Merge.java");
        Lease second = dispatch(task, "s-merge", 2, "src/Merge.java");
        long events = eventRows(task);

        isStale(first.resolve(conflictId, "late merge", null), 1, "s-merge", 2);
        given().get("/api/tasks/{t}/conflicts/{id}", task, conflictId).then().body("status", equalTo("pending"));
        given().get("/api/tasks/{t}/history/{k}", task, "src/Merge.java").then().body("version", contains(1, 2));
        assertEquals(events, eventRows(task));

        second.resolve(conflictId, "base\nours\ntheirs\n", null).statusCode(201).body("version", equalTo(3));
    }

    @Test
    void aResolveFromAnAttemptThatEndedIsRefused() throws Exception {
        String task = newTaskId();
        String conflictId = conflictOn(task, "src/M.java");
        Lease merge = dispatch(task, "s-merge", 1, "src/M.java");
        send(changed(task, "s-merge", SubtaskStatus.PENDING, 1));
        awaitClosed(task, "s-merge", "pending");
        isOver(merge.resolve(conflictId, "late merge", null), 1, "s-merge", "pending");
        given().get("/api/tasks/{t}/conflicts/{id}", task, conflictId).then().body("status", equalTo("pending"));
    }

    @Test
    void aMergeAttemptMayResolveOnlyAConflictOfAKeyItDeclares() throws Exception {
        String task = newTaskId();
        String conflictId = conflictOn(task, "src/Other.java");
        Lease merge = dispatch(task, "s-merge", 1, "src/Mine.java");
        merge.resolve(conflictId, "merged", null).statusCode(403).body("error", equalTo("undeclared-key"))
                .body("key", equalTo("src/Other.java"));
        given().get("/api/tasks/{t}/conflicts/{id}", task, conflictId).then().body("status", equalTo("pending"));
        // a person's merge is not fenced
        given().contentType(ContentType.JSON).body(Map.of("content", "merged by hand"))
                .post("/api/tasks/{t}/conflicts/{id}/resolve", task, conflictId).then().statusCode(201)
                .body("author.agentId", equalTo("test-admin"));
    }

    @Test
    void anUnreadableTaskEventOrAMalformedFenceIsDeadLetteredAndTheStreamMovesOn() throws Exception {
        String task = newTaskId();
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task,
                    "{\"type\":\"subtask.state-changed\",\"taskId\":\"" + task + "\"}")).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task,
                    EventCodec.encode(new TaskPaused(task, "budget reached")))).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task, EventCodec.encode(new SubtaskStateChanged(
                    task, "s-bad", Role.TESTER, "Tests", SubtaskStatus.DISPATCHED, 1, null, "NOT-A-HASH",
                    List.of("x"))))).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task, EventCodec.encode(new SubtaskStateChanged(
                    task, "s-after", Role.TESTER, "Tests", SubtaskStatus.DISPATCHED, 2, null)))).get();
        }
        awaitFence(task, "s-after", 2);
        assertEquals(0, fence(task, "s-bad"));

        List<ConsumerRecord<String, String>> dead = TopicReader.read(Topics.DEAD_LETTER,
                        read -> read.stream().filter(r -> task.equals(r.key())).count() >= 2, WAIT, Duration.ZERO)
                .stream().filter(r -> task.equals(r.key())).toList();
        assertEquals(2, dead.size(), "the unreadable record and the malformed fence; other task events are ignored");
        String reason = new String(dead.get(0).headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER).value(),
                StandardCharsets.UTF_8);
        assertTrue(reason.contains("eventId"), reason);
        String malformed = new String(dead.get(1).headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER).value(),
                StandardCharsets.UTF_8);
        assertTrue(malformed.contains("leaseTokenHash"), malformed);
    }

    /** A pending conflict on {@code key}: version 2 is "ours", the conflicting write "theirs", both a person's. */
    private static String conflictOn(String task, String key) {
        Api.publishOk(task, key, "base\n", null);
        Api.publishOk(task, key, "base\nours\n", 1L);
        return Api.publishAsPerson(task, personBody(key, "base\ntheirs\n", 1L)).statusCode(409)
                .extract().jsonPath().getString("conflictId");
    }

    private static ValidatableResponse isStale(ValidatableResponse response, int attempt, String subtaskId,
                                               int current) {
        return response.statusCode(409).contentType(ContentType.JSON)
                .body("status", equalTo(409))
                .body("error", equalTo("stale-attempt"))
                .body("code", equalTo("stale-attempt"))
                .body("detail", containsString("stale attempt " + attempt + " of subtask " + subtaskId
                        + ": attempt " + current + " is current"))
                .body("attempt", equalTo(attempt))
                .body("currentAttempt", equalTo(current));
    }

    private static ValidatableResponse isOver(ValidatableResponse response, int attempt, String subtaskId,
                                              String endedAs) {
        return response.statusCode(409).contentType(ContentType.JSON)
                .body("error", equalTo("stale-attempt"))
                .body("detail", containsString("stale attempt " + attempt + " of subtask " + subtaskId
                        + ": attempt " + attempt + " is over (the orchestrator ended it as " + endedAs + ")"))
                .body("detail", containsString("nothing was stored"))
                .body("attempt", equalTo(attempt))
                .body("currentAttempt", equalTo(attempt))
                .body("attemptOver", equalTo(true))
                .body("endedAs", equalTo(endedAs));
    }

    private static SubtaskStateChanged changed(String task, String subtaskId, SubtaskStatus status, int attempt) {
        return new SubtaskStateChanged(task, subtaskId, Role.BACKEND, "Work", status, attempt, null);
    }
}
