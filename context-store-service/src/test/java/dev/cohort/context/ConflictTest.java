package dev.cohort.context;

import dev.cohort.testsupport.TopicReader;

import static dev.cohort.context.Api.personBody;
import static dev.cohort.context.Api.publishAs;
import static dev.cohort.context.Api.publishAsPerson;
import static dev.cohort.context.Api.publishOk;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cohort.context.repository.ArtifactEventRepository;
import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.ArtifactConflict;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.contracts.event.ArtifactPublished;
import dev.cohort.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ConflictTest extends ContextStoreTestBase {

    private static final int WRITERS = 12;

    @Inject
    ArtifactEventRepository events;


    @Test
    void manyWritersFromOneBaseExactlyOneWinsAndEveryOtherContentIsKept() throws Exception {
        String task = newTaskId();
        publishOk(task, "src/Shared.java", "base", null);

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<ExtractableResponse<Response>> responses = new ArrayList<>();
        try {
            List<Callable<ExtractableResponse<Response>>> writers = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                int n = i;
                writers.add(() -> {
                    start.await();
                    return publishAs(TestTokens.bearer(TestTokens.mint("writer-" + n, "operator")), task,
                            personBody("src/Shared.java", "content of writer " + n, 1L)).extract();
                });
            }
            List<Future<ExtractableResponse<Response>>> futures = new ArrayList<>();
            for (Callable<ExtractableResponse<Response>> writer : writers) {
                futures.add(pool.submit(writer));
            }
            start.countDown();
            for (Future<ExtractableResponse<Response>> f : futures) {
                responses.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }

        List<ExtractableResponse<Response>> won = responses.stream().filter(r -> r.statusCode() == 201).toList();
        List<ExtractableResponse<Response>> lost = responses.stream().filter(r -> r.statusCode() == 409).toList();
        assertEquals(1, won.size(), "exactly one writer wins");
        assertEquals(WRITERS - 1, lost.size(), "every other writer gets 409");
        assertEquals(2, won.get(0).jsonPath().getLong("version"));
        String winner = won.get(0).jsonPath().getString("author.agentId");
        for (ExtractableResponse<Response> r : lost) {
            assertEquals("conflict", r.jsonPath().getString("error"));
            assertEquals(1, r.jsonPath().getLong("baseVersion"));
            assertEquals(2, r.jsonPath().getLong("currentVersion"));
            assertThat(r.jsonPath().getString("detail"), containsString("kept as conflict"));
        }

        // the latest is the winner's; nothing was overwritten
        given().get("/api/tasks/{t}/history/{k}", task, "src/Shared.java").then().body("version", contains(1, 2));
        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Shared.java").then()
                .body("author.agentId", equalTo(winner));

        // every losing writer's content is a pending conflict
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            if (!("writer-" + i).equals(winner)) {
                expected.add("content of writer " + i);
            }
        }
        given().queryParam("status", "pending").get("/api/tasks/{t}/conflicts", task).then()
                .statusCode(200)
                .body("$", hasSize(WRITERS - 1))
                .body("content", containsInAnyOrder(expected.toArray()))
                .body("conflictId", containsInAnyOrder(lost.stream()
                        .map(r -> r.jsonPath().getString("conflictId")).toArray()));

        // and Kafka carries exactly one event per stored version and per conflict
        await().atMost(Duration.ofSeconds(60)).until(() -> events.countUnpublished(task).await().indefinitely() == 0);
        List<ArtifactEvent> onKafka = TopicReader.readAll(Topics.ARTIFACT_EVENTS).stream()
                .filter(r -> task.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), ArtifactEvent.class))
                .toList();
        assertEquals(List.of(1L, 2L), onKafka.stream().filter(e -> e instanceof ArtifactPublished)
                .map(e -> ((ArtifactPublished) e).version()).toList());
        assertEquals(lost.stream().map(r -> r.jsonPath().getString("conflictId")).sorted().toList(),
                onKafka.stream().filter(e -> e instanceof ArtifactConflict)
                        .map(e -> ((ArtifactConflict) e).conflictId()).sorted().toList());
    }

    @Test
    void createOfAnExistingKeyIsAConflictToo() {
        String task = newTaskId();
        publishOk(task, "plan", "first plan", null);
        publishAsPerson(task, personBody("plan", "second plan", null))
                .statusCode(409).body("baseVersion", equalTo(0)).body("currentVersion", equalTo(1));
    }

    @Test
    void retriedConflictingWriteReturnsTheSameConflict() throws Exception {
        String task = newTaskId();
        publishOk(task, "spec.md", "v1", null);
        publishOk(task, "spec.md", "v2", 1L);
        Lease lease = dispatch(task, "c", 1, "spec.md");
        var stale = lease.body("spec.md", "stale", 1L);
        String id = lease.publish(stale).statusCode(409).body("replayed", equalTo(false))
                .extract().jsonPath().getString("conflictId");
        lease.publish(stale).statusCode(409).body("conflictId", equalTo(id)).body("replayed", equalTo(true));
        given().get("/api/tasks/{t}/conflicts", task).then().body("$", hasSize(1));
    }

    @Test
    void resolvingAConflictStoresTheMergeAsLatestWithTheThreeInputsAvailable() throws Exception {
        String task = newTaskId();
        publishOk(task, "src/Merge.java", "base line\n", null);
        publishOk(task, "src/Merge.java", "base line\nours\n", 1L);
        String conflictId = publishAsPerson(task, personBody("src/Merge.java", "base line\ntheirs\n", 1L))
                .statusCode(409).extract().jsonPath().getString("conflictId");

        given().get("/api/tasks/{t}/conflicts/{id}", task, conflictId).then().statusCode(200)
                .body("status", equalTo("pending"))
                .body("baseContent", equalTo("base line\n"))
                .body("currentContent", equalTo("base line\nours\n"))
                .body("content", equalTo("base line\ntheirs\n"));

        Lease merge = dispatch(task, "merge-1", 1, "src/Merge.java");
        merge.resolve(conflictId, "base line\nours\ntheirs\n", 2L)
                .statusCode(201).body("version", equalTo(3)).body("origin", equalTo("resolve"))
                .body("conflictId", equalTo(conflictId));
        // a retry of the same merge attempt answers with the same version
        merge.resolve(conflictId, "base line\nours\ntheirs\n", 2L).statusCode(200).body("version", equalTo(3));
        // another resolution of a resolved conflict is refused
        given().contentType(ContentType.JSON).body(Map.of("content", "x"))
                .post("/api/tasks/{t}/conflicts/{id}/resolve", task, conflictId)
                .then().statusCode(409).body("error", equalTo("conflict-already-resolved"))
                .body("resolvedVersion", equalTo(3));

        given().get("/api/tasks/{t}/artifacts/{k}", task, "src/Merge.java").then()
                .body("content", equalTo("base line\nours\ntheirs\n"));
        given().get("/api/tasks/{t}/conflicts/{id}", task, conflictId).then()
                .body("status", equalTo("resolved")).body("resolvedVersion", equalTo(3))
                .body("resolvedBy", equalTo("lead/worker-a/lead"));
        given().queryParam("status", "pending").get("/api/tasks/{t}/conflicts", task).then().body("$", hasSize(0));
    }

    @Test
    void aMergeBasedOnAStaleVersionIsRefusedAndTheConflictStaysPending() {
        String task = newTaskId();
        publishOk(task, "k", "1", null);
        publishOk(task, "k", "2", 1L);
        String conflictId = publishAsPerson(task, personBody("k", "x", 1L)).statusCode(409)
                .extract().jsonPath().getString("conflictId");
        publishOk(task, "k", "3", 2L);

        given().contentType(ContentType.JSON).body(Map.of("content", "merged", "baseVersion", 2))
                .post("/api/tasks/{t}/conflicts/{id}/resolve", task, conflictId)
                .then().statusCode(409).body("error", equalTo("stale-merge")).body("latestVersion", equalTo(3));
        given().get("/api/tasks/{t}/conflicts/{id}", task, conflictId).then().body("status", equalTo("pending"));
    }

    @Test
    void staleDeleteIsKeptAsAConflictInsteadOfDeleting() {
        String task = newTaskId();
        publishOk(task, "doc.md", "1", null);
        publishOk(task, "doc.md", "2", 1L);
        Api.delete(task, "doc.md", 1).statusCode(409).body("currentVersion", equalTo(2));
        given().get("/api/tasks/{t}/artifacts/{k}", task, "doc.md").then().statusCode(200).body("content", equalTo("2"));
        given().get("/api/tasks/{t}/conflicts", task).then().body("tombstone", contains(true));
    }
}
