package dev.cohort.orchestrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.orchestrator.config.AdmissionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which limit holds a dispatch back, from the figures one admission query reads. */
class AdmissionDecisionTest {

    static final ModelRef MODEL = new ModelRef(Provider.OLLAMA, "qwen2.5-coder:7b");
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    final ModelAdmission admission = new ModelAdmission(config(), null);

    @Test
    void underEveryLimitItGoes() {
        assertEquals(new ModelAdmission.Decision.Admit(MODEL), decide(true, null, 1, 5, 3, 2, 10, 4));
    }

    @Test
    void eachLimitHoldsItBackAndSaysWhich() {
        assertEquals(MODEL + ": 2 of 2 in flight (cohort.admission concurrency)",
                waiting(decide(true, null, 2, 0, 2, 2, 0, 0)).reason());
        assertEquals(MODEL + ": 4 of 4 in flight on all of ollama's models (cohort.admission total-concurrency)",
                waiting(decide(true, null, 1, 0, 4, 2, 0, 4)).reason());
        ModelAdmission.Decision.Wait rate = waiting(decide(true, null, 0, 10, 0, 0, 10, 0));
        assertTrue(rate.reason().contains("10 of 10 dispatches in the last minute"), rate.reason());
        assertEquals(NOW.plusMillis(500), rate.until(), "a rate is looked at again after the recheck interval");
    }

    @Test
    void aPauseHoldsItBackUntilItEndsWhateverTheLoad() {
        ModelAdmission.Decision.Wait paused = waiting(decide(true, NOW.plusSeconds(20), 0, 0, 0, 0, 0, 0));
        assertEquals(NOW.plusSeconds(20), paused.until());
        assertTrue(paused.reason().startsWith(MODEL + ": paused until 2026-12-02T12:00:20Z"), paused.reason());
        assertInstanceOf(ModelAdmission.Decision.Admit.class, decide(true, NOW.minusSeconds(1), 0, 0, 0, 0, 0, 0),
                "a pause that ended holds nothing");
    }

    @Test
    void withoutTheLockItWaitsRatherThanCountWhatAnotherDispatchIsChanging() {
        ModelAdmission.Decision.Wait wait = waiting(decide(false, null, 1, 0, 0, 2, 0, 0));
        assertTrue(wait.reason().contains("another dispatch to it is being decided"), wait.reason());
    }

    @Test
    void aRoundAddsWhatItAdmittedToWhatItsLaterQueriesRead() {
        // Those queries do not see the round's own dispatches, which are written when the transaction ends.
        ModelAdmission.Round round = new ModelAdmission.Round();
        round.admitted("backend", MODEL);
        round.admitted("frontend", new ModelRef(Provider.OLLAMA, "llama3.2:3b"));
        round.admitted("tester", new ModelRef(Provider.OPENROUTER, "qwen/qwen3-coder"));
        Object[] read = {true, null, null, 1L, 5L, 1L};
        Object[] seen = round.withAdmitted(MODEL, read);
        assertEquals(2L, seen[3], "in flight on the model");
        assertEquals(6L, seen[4], "dispatched to the model in the last minute");
        assertEquals(3L, seen[5], "in flight on all of the provider's models");
        assertEquals(1L, read[3], "the row read is left as it was");
        assertEquals(MODEL + ": 2 of 2 in flight (cohort.admission concurrency)",
                waiting(admission.decide(MODEL, seen, NOW, 2, 0, 0)).reason());
    }

    private ModelAdmission.Decision decide(boolean locked, Instant pausedUntil, long inFlight, long lastMinute,
                                           long providerInFlight, int concurrency, int perMinute, int total) {
        Object[] row = {locked, pausedUntil, pausedUntil == null ? null : "429", inFlight, lastMinute, providerInFlight};
        return admission.decide(MODEL, row, NOW, concurrency, perMinute, total);
    }

    private static ModelAdmission.Decision.Wait waiting(ModelAdmission.Decision decision) {
        return assertInstanceOf(ModelAdmission.Decision.Wait.class, decision);
    }

    private static AdmissionConfig config() {
        return new AdmissionConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Map<String, Limits> providers() {
                return Map.of();
            }

            @Override
            public Map<String, Limits> models() {
                return Map.of();
            }

            @Override
            public int unknownModelConcurrency() {
                return 1;
            }

            @Override
            public Duration recheck() {
                return Duration.ofMillis(500);
            }

            @Override
            public Duration overloadPause() {
                return Duration.ofSeconds(20);
            }
        };
    }
}
