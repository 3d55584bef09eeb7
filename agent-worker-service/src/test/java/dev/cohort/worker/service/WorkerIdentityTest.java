package dev.cohort.worker.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cohort.testsupport.TestTokens;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerIdentityTest {

    @Test
    void theTokensPrincipalNamesTheWorkerAccount() {
        assertEquals(Optional.of("cohort-worker"), WorkerIdentity.principal(TestTokens.mint("cohort-worker", "worker")));
        assertEquals(Optional.empty(), WorkerIdentity.principal("not-a-token"));
        assertEquals(Optional.empty(), WorkerIdentity.principal("a.%%%.c"));
    }
}
