package dev.cohort.testsupport;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Makes every RestAssured request of a Quarkus test carry an admin token unless the test sets its own
 * {@code Authorization} header. A module opts in by naming this class in its
 * {@code src/test/resources/META-INF/services/io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback}; tests
 * of who may do what send their own tokens, or call {@link #anonymous()} first.
 */
public class AuthenticatedRestAssured implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        TestTokens.restAssuredAsAdmin();
    }

    /** Drops the default token for the rest of the current test: requests without a header go without one. */
    public static void anonymous() {
        TestTokens.restAssuredAnonymous();
    }
}
