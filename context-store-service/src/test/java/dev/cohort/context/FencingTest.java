package dev.cohort.context;

import static dev.cohort.context.Api.publish;
import static dev.cohort.context.Api.publishBody;
import static dev.cohort.context.Api.with;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.contracts.model.Role;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.testsupport.TopicWriter;
import dev.cohort.testsupport.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes of an attempt older than the subtask's newest known attempt, or of an attempt that ended, are refused and
 * store nothing.
 */
@QuarkusTest
class FencingTest extends ContextStoreTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int WRITERS = 8;

    @Inject
    Pool pool;

    @Test
    void aLateWriteOfAnOlderAttemptIsRefusedOnceTheNextAttemptIsAnnouncedOnKafka() throws Exception {
        String task = newTaskId();
        var first = publishBody("src/Api.java", "attempt 1", null, "s-api", 1);
        publish(task, first).statusCode(201).body("version", equalTo(1));
        long events = eventRows(task);

        send(task, new SubtaskStateChanged(task, "s-api", Role.BACKEND, "API", SubtaskStatus.DISPATCHED, 2, null));
        awaitFence(task, "s-api", 2);

        isStale(publish(task, publishBody("src/Late.java", "late", null, "s-api", 1)), 1, "s-api", 2);
        // a stale base would otherwise be kept as a conflict: no conflict either
        isStale(publish(task, publishBody("src/Api.java", "late edit", 0L, "s-api", 1)), 1, "s-api", 2);
        // even a retry of what the attempt stored while it was current: the attempt must learn that it is stale
        isStale(publish(task, first), 1, "s-api", 2);
        isStale(given().queryParam("baseVersion", 1).queryParam("agentId", "worker-1")
                .queryParam("subtaskId", "s-api").queryParam("attempt", 1)
                .delete("/api/tasks/{t}/artifacts/{k}", task, "src/Api.java").then(), 1, "s-api", 2);

        given().get("/api/tasks/{t}/history/{k}", task, "src/Api.java").then().body("version", contains(1));
        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Late.java").then().statusCode(404);
        given().get("/api/tasks/{t}/conflicts", task).then().statusCode(200).body("$", hasSize(0));
        assertEquals(events, eventRows(task), "a refused write appends no event");

        // the current attempt writes, and its retry is answered as before
        var second = publishBody("src/Api.java", "attempt 2", 1L, "s-api", 2);
        publish(task, second).statusCode(201).body("version", equalTo(2)).body("attempt", equalTo(2));
        publish(task, second).statusCode(200).body("version", equalTo(2)).body("replayed", equalTo(true));
    }

    @Test
    void aWriteOfANewerAttemptRaisesTheFenceBeforeAnyEvent() throws Exception {
        String task = newTaskId();
        publish(task, publishBody("plan", "from attempt 2", null, "s-plan", 2)).statusCode(201);
        isStale(publish(task, publishBody("notes", "from attempt 1", null, "s-plan", 1)), 1, "s-plan", 2);
        assertEquals(2, fence(task, "s-plan"));

        // an event announcing an older attempt does not lower the fence. The events share a key, hence a partition,
        // so once the later one is applied the earlier one was too.
        send(task, new SubtaskStateChanged(task, "s-plan", Role.LEAD, "Plan", SubtaskStatus.DISPATCHED, 1, null));
        send(task, new SubtaskStateChanged(task, "s-other", Role.BACKEND, "API", SubtaskStatus.DISPATCHED, 3, null));
        awaitFence(task, "s-other", 3);
        assertEquals(2, fence(task, "s-plan"));
        publish(task, publishBody("notes", "from attempt 2", null, "s-plan", 2)).statusCode(201)
                .body("version", equalTo(1));
    }

    @Test
    void concurrentAttemptsNeverStoreAnOlderAttemptAfterANewerOne() throws Exception {
        String task = newTaskId();
        List<Integer> attempts = new ArrayList<>(IntStream.rangeClosed(1, WRITERS).boxed().toList());
        Collections.shuffle(attempts);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
        Map<Integer, ExtractableResponse<Response>> answers = new TreeMap<>();
        try {
            Map<Integer, Future<ExtractableResponse<Response>>> futures = new TreeMap<>();
            for (int attempt : attempts) {
                futures.put(attempt, threads.submit(() -> {
                    start.await();
                    return publish(task, publishBody("k-" + attempt, "a" + attempt, null, "s-race", attempt)).extract();
                }));
            }
            start.countDown();
            for (var f : futures.entrySet()) {
                answers.put(f.getKey(), f.getValue().get());
            }
        } finally {
            threads.shutdownNow();
        }

        List<Integer> stored = new ArrayList<>();
        pool.preparedQuery("select attempt from artifact_version where task_id = $1 order by id")
                .execute(Tuple.of(task)).await().indefinitely().forEach(row -> stored.add(row.getInteger("attempt")));
        // versions are inserted under the task's lock, so id order is commit order
        for (int i = 1; i < stored.size(); i++) {
            assertTrue(stored.get(i) > stored.get(i - 1), "an older attempt was stored after a newer one: " + stored);
        }
        assertTrue(stored.contains(WRITERS), "the newest attempt is never refused: " + stored);
        answers.forEach((attempt, answer) -> {
            if (stored.contains(attempt)) {
                assertEquals(201, answer.statusCode(), "attempt " + attempt);
            } else {
                assertEquals(409, answer.statusCode(), "attempt " + attempt);
                assertEquals("stale-attempt", answer.jsonPath().getString("error"));
                assertTrue(answer.jsonPath().getInt("currentAttempt") > attempt);
            }
        });
        assertEquals(WRITERS, fence(task, "s-race"));
    }

    @Test
    void anotherLeaseTokenOfTheCurrentAttemptIsRefused() {
        String task = newTaskId();
        publish(task, with(publishBody("a.txt", "a", null, "s-lease", 1), "leaseToken", "lease-A")).statusCode(201);
        isStale(publish(task, with(publishBody("b.txt", "b", null, "s-lease", 1), "leaseToken", "lease-B")),
                1, "s-lease", 1)
                .body("detail", containsString("another lease token"));
        // the token is optional; a write without one is checked by its attempt alone
        publish(task, with(publishBody("c.txt", "c", null, "s-lease", 1), "leaseToken", null)).statusCode(201);
        given().get("/api/tasks/{t}/artifacts/{k}", task, "b.txt").then().statusCode(404);

        // the next attempt brings its own token
        publish(task, with(publishBody("b.txt", "b", null, "s-lease", 2), "leaseToken", "lease-B")).statusCode(201);
        isStale(publish(task, with(publishBody("d.txt", "d", null, "s-lease", 1), "leaseToken", "lease-A")),
                1, "s-lease", 2);
    }

    @Test
    void aResolveFromAStaleAttemptIsRefusedAndTheConflictStaysPending() throws Exception {
        String task = newTaskId();
        Api.publishOk(task, "src/Merge.java", "base\n", null, "w0");
        Api.publishOk(task, "src/Merge.java", "base\nours\n", 1L, "w1");
        String conflictId = publish(task, publishBody("src/Merge.java", "base\ntheirs\n", 1L, "w2", 1))
                .statusCode(409).extract().jsonPath().getString("conflictId");
        send(task, new SubtaskStateChanged(task, "s-merge", Role.LEAD, "Merge", SubtaskStatus.DISPATCHED, 2, null));
        awaitFence(task, "s-merge", 2);
        long events = eventRows(task);

        isStale(resolve(task, conflictId, "late merge", 1), 1, "s-merge", 2);
        given().get("/api/tasks/{t}/conflicts/{id}", task, conflictId).then().body("status", equalTo("pending"));
        given().get("/api/tasks/{t}/history/{k}", task, "src/Merge.java").then().body("version", contains(1, 2));
        assertEquals(events, eventRows(task));

        resolve(task, conflictId, "base\nours\ntheirs\n", 2).statusCode(201).body("version", equalTo(3));
    }

    @Test
    void writesOutsideASubtaskAreNotFencedAndASubtaskWriteNeedsItsAttempt() {
        String task = newTaskId();
        publish(task, publishBody("x.txt", "x", null, "s-x", 3)).statusCode(201);
        // a person's delete names no subtask
        given().queryParam("baseVersion", 1).queryParam("agentId", "alice")
                .delete("/api/tasks/{t}/artifacts/{k}", task, "x.txt").then().statusCode(201);
        // without its attempt a subtask's write could not be fenced
        given().queryParam("baseVersion", 2).queryParam("agentId", "worker-1").queryParam("subtaskId", "s-x")
                .delete("/api/tasks/{t}/artifacts/{k}", task, "x.txt").then().statusCode(400)
                .body("detail", containsString("attempt"));
    }

    @Test
    void anAttemptThatEndsWithoutASuccessorIsClosedAtOnceAndTheNextAttemptOpensTheFence() throws Exception {
        String task = newTaskId();
        send(task, changed(task, "s-end", SubtaskStatus.DISPATCHED, 1));
        awaitFence(task, "s-end", 1);
        var first = publishBody("src/End.java", "attempt 1", null, "s-end", 1);
        publish(task, first).statusCode(201).body("version", equalTo(1));

        // failed or lease reclaimed, a retry is scheduled but not dispatched yet
        send(task, changed(task, "s-end", SubtaskStatus.PENDING, 1));
        awaitClosed(task, "s-end", "pending");
        long events = eventRows(task);
        isOver(publish(task, publishBody("src/Late.java", "late", null, "s-end", 1)), 1, "s-end", "pending");
        // a retry of what the attempt stored before it ended is refused too: the attempt learns that it is over
        isOver(publish(task, first), 1, "s-end", "pending");
        isOver(given().queryParam("baseVersion", 1).queryParam("agentId", "worker-1")
                .queryParam("subtaskId", "s-end").queryParam("attempt", 1)
                .delete("/api/tasks/{t}/artifacts/{k}", task, "src/End.java").then(), 1, "s-end", "pending");
        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Late.java").then().statusCode(404);
        given().get("/api/tasks/{t}/history/{k}", task, "src/End.java").then().body("version", contains(1));
        assertEquals(events, eventRows(task), "a refused write appends no event");

        // the retry is dispatched as attempt 2: its writes are accepted, attempt 1 stays fenced
        send(task, changed(task, "s-end", SubtaskStatus.DISPATCHED, 2));
        awaitFence(task, "s-end", 2);
        assertEquals(null, closedAs(task, "s-end"), "a newer attempt opens the fence");
        publish(task, publishBody("src/End.java", "attempt 2", 1L, "s-end", 2)).statusCode(201)
                .body("version", equalTo(2));
        isStale(publish(task, publishBody("src/Late.java", "late", null, "s-end", 1)), 1, "s-end", 2);
    }

    @ParameterizedTest
    @EnumSource(value = SubtaskStatus.class, names = {"CANCELLED", "FAILED", "SKIPPED", "DONE"})
    void everyEndOfAnAttemptClosesIt(SubtaskStatus end) throws Exception {
        String task = newTaskId();
        send(task, changed(task, "s-1", SubtaskStatus.DISPATCHED, 1));
        send(task, changed(task, "s-1", SubtaskStatus.RUNNING, 1));
        send(task, changed(task, "s-1", end, 1));
        awaitClosed(task, "s-1", end.id());
        isOver(publish(task, publishBody("late.txt", "late", null, "s-1", 1)), 1, "s-1", end.id());
        given().get("/api/tasks/{t}/artifacts", task).then().statusCode(404);
    }

    @Test
    void runningChangesNothingAndAnEndOfAnOlderAttemptLeavesTheCurrentOneOpen() throws Exception {
        String task = newTaskId();
        send(task, changed(task, "s-run", SubtaskStatus.DISPATCHED, 2));
        send(task, changed(task, "s-run", SubtaskStatus.RUNNING, 2));
        // the end of an older attempt, e.g. read again after a rebalance, changes nothing
        send(task, changed(task, "s-run", SubtaskStatus.CANCELLED, 1));
        send(task, changed(task, "s-other", SubtaskStatus.DISPATCHED, 1));
        awaitFence(task, "s-other", 1);
        assertEquals(2, fence(task, "s-run"));
        assertEquals(null, closedAs(task, "s-run"));
        publish(task, publishBody("run.txt", "attempt 2", null, "s-run", 2)).statusCode(201);
    }

    @Test
    void theEndOfAnAttemptNeverAnnouncedClosesItAndEveryOlderOne() throws Exception {
        String task = newTaskId();
        send(task, changed(task, "s-skip", SubtaskStatus.DISPATCHED, 1));
        // the dispatch of attempt 2 was missed; its end still fences attempts 1 and 2
        send(task, changed(task, "s-skip", SubtaskStatus.CANCELLED, 2));
        awaitClosed(task, "s-skip", "cancelled");
        assertEquals(2, fence(task, "s-skip"));
        isOver(publish(task, publishBody("a.txt", "a", null, "s-skip", 2)), 2, "s-skip", "cancelled");
        publish(task, publishBody("b.txt", "b", null, "s-skip", 1)).statusCode(409)
                .body("error", equalTo("stale-attempt"))
                .body("detail", containsString("attempt 2 is newer, and over too (ended as cancelled)"));
        // a dispatch of the same attempt does not reopen it: only a newer attempt does
        send(task, changed(task, "s-skip", SubtaskStatus.DISPATCHED, 2));
        send(task, changed(task, "s-after", SubtaskStatus.DISPATCHED, 1));
        awaitFence(task, "s-after", 1);
        assertEquals("cancelled", closedAs(task, "s-skip"));
        send(task, changed(task, "s-skip", SubtaskStatus.DISPATCHED, 3));
        awaitFence(task, "s-skip", 3);
        publish(task, publishBody("a.txt", "a", null, "s-skip", 3)).statusCode(201);
    }

    @Test
    void aResolveFromAnAttemptThatEndedIsRefused() throws Exception {
        String task = newTaskId();
        Api.publishOk(task, "src/M.java", "base\n", null, "w0");
        Api.publishOk(task, "src/M.java", "base\nours\n", 1L, "w1");
        String conflictId = publish(task, publishBody("src/M.java", "base\ntheirs\n", 1L, "w2", 1))
                .statusCode(409).extract().jsonPath().getString("conflictId");
        send(task, changed(task, "s-merge", SubtaskStatus.DISPATCHED, 1));
        send(task, changed(task, "s-merge", SubtaskStatus.PENDING, 1));
        awaitClosed(task, "s-merge", "pending");
        isOver(resolve(task, conflictId, "late merge", 1), 1, "s-merge", "pending");
        given().get("/api/tasks/{t}/conflicts/{id}", task, conflictId).then().body("status", equalTo("pending"));
    }

    @Test
    void anUnreadableTaskEventIsDeadLetteredAndTheStreamMovesOn() throws Exception {
        String task = newTaskId();
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task,
                    "{\"type\":\"subtask.state-changed\",\"taskId\":\"" + task + "\"}")).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task,
                    EventCodec.encode(new TaskPaused(task, "budget reached")))).get();
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task, EventCodec.encode(new SubtaskStateChanged(
                    task, "s-after", Role.TESTER, "Tests", SubtaskStatus.DISPATCHED, 2, null)))).get();
        }
        awaitFence(task, "s-after", 2);

        List<ConsumerRecord<String, String>> dead = TopicReader.read(Topics.DEAD_LETTER,
                        read -> read.stream().anyMatch(r -> task.equals(r.key())), WAIT, Duration.ZERO)
                .stream().filter(r -> task.equals(r.key())).toList();
        assertEquals(1, dead.size(), "only the unreadable record; other task events are ignored, not dead-lettered");
        String reason = new String(dead.get(0).headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER).value(),
                StandardCharsets.UTF_8);
        assertTrue(reason.contains("eventId"), reason);
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

    private static ValidatableResponse resolve(String task, String conflictId, String content, int attempt) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("content", content, "role", "lead", "agentId", "lead-1", "subtaskId", "s-merge",
                        "attempt", attempt, "leaseToken", "lease-merge-" + attempt))
                .post("/api/tasks/{t}/conflicts/{id}/resolve", task, conflictId).then();
    }

    private static void send(String task, SubtaskStateChanged event) throws Exception {
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task, EventCodec.encode(event))).get();
        }
    }


    private void awaitFence(String task, String subtaskId, int attempt) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> fence(task, subtaskId) == attempt);
    }

    private void awaitClosed(String task, String subtaskId, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> status.equals(closedAs(task, subtaskId)));
    }

    /** The status that ended the fence's attempt; null while it may write, or when there is no fence. */
    private String closedAs(String task, String subtaskId) {
        RowIterator<Row> rows = pool.preparedQuery("select closed_as from subtask_fence where task_id = $1 and subtask_id = $2")
                .execute(Tuple.of(task, subtaskId)).await().indefinitely().iterator();
        return rows.hasNext() ? rows.next().getString("closed_as") : null;
    }

    /** The subtask's fence as stored; 0 when there is none. */
    private int fence(String task, String subtaskId) {
        RowIterator<Row> rows = pool.preparedQuery("select attempt from subtask_fence where task_id = $1 and subtask_id = $2")
                .execute(Tuple.of(task, subtaskId)).await().indefinitely().iterator();
        return rows.hasNext() ? rows.next().getInteger("attempt") : 0;
    }

    private long eventRows(String task) {
        return pool.preparedQuery("select count(*) as n from artifact_event where task_id = $1")
                .execute(Tuple.of(task)).await().indefinitely().iterator().next().getLong("n");
    }
}
