package dev.cohort.testsupport;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.util.List;

/**
 * Makes every RestAssured request of a Quarkus test carry an admin token unless the test sets its own
 * {@code Authorization} header. A module opts in by naming this class in its
 * {@code src/test/resources/META-INF/services/io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback}; tests
 * of who may do what send their own tokens, or call {@link #anonymous()} first.
 */
public class AuthenticatedRestAssured implements QuarkusTestBeforeEachCallback {

    private static final Filter ADMIN_UNLESS_SET = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", TestTokens.bearer(TestTokens.admin()));
        }
        return context.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.replaceFiltersWith(List.of(ADMIN_UNLESS_SET));
    }

    /** Drops the default token for the rest of the current test: requests without a header go without one. */
    public static void anonymous() {
        RestAssured.replaceFiltersWith(List.of());
    }
}
