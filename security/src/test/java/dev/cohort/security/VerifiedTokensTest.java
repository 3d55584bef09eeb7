package dev.cohort.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cohort.cli.LocalIssuer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifiedTokensTest {

    @TempDir
    static Path keys;

    static LocalIssuer issuer;
    static JWTAuthContextInfo settings;

    SimpleMeterRegistry metrics;
    MovableClock clock;

    @BeforeAll
    static void keys() {
        issuer = LocalIssuer.inDirectory(keys);
        settings = settings();
    }

    static JWTAuthContextInfo settings() {
        JWTAuthContextInfo info = new JWTAuthContextInfo("file:" + issuer.publicKey(), LocalIssuer.ISSUER);
        info.setExpectedAudience(Set.of(LocalIssuer.AUDIENCE));
        return info;
    }

    @BeforeEach
    void fresh() {
        metrics = new SimpleMeterRegistry();
        clock = new MovableClock(Instant.now());
    }

    /** Remembering for 60 s, up to 10 tokens. */
    VerifiedTokens tokens() {
        return tokens(Duration.ofSeconds(60), 10);
    }

    /** A worker's token, good for an hour. */
    static String workerToken() {
        return issuer.mint("worker-1", Duration.ofHours(1), List.of("worker"));
    }

    VerifiedTokens tokens(Duration ttl, int size) {
        return new VerifiedTokens(new io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory(), clock, ttl,
                size, metrics);
    }

    double verified(String by) {
        return metrics.get("cohort.tokens.verified").tag("by", by).counter().count();
    }

    @Test
    void aTokenSentAgainIsNotCheckedAgain() throws ParseException {
        VerifiedTokens tokens = tokens();
        String token = workerToken();

        var first = tokens.parse(token, settings);
        var second = tokens.parse(token, settings);
        var third = tokens.parse(token, settings);

        assertEquals("worker-1", first.getName());
        assertSame(first, second);
        assertSame(first, third);
        assertEquals(1, verified("signature"));
        assertEquals(2, verified("memory"));
    }

    @Test
    void aTokenIsCheckedAgainOnceTheTtlHasPassed() throws ParseException {
        VerifiedTokens tokens = tokens();
        String token = workerToken();

        tokens.parse(token, settings);
        clock.advance(Duration.ofSeconds(59));
        tokens.parse(token, settings);
        clock.advance(Duration.ofSeconds(2));
        tokens.parse(token, settings);

        assertEquals(2, verified("signature"), "checked at 0 s and again at 61 s");
        assertEquals(1, verified("memory"));
    }

    @Test
    void anExpiredTokenIsNeverAnsweredFromMemory() throws ParseException {
        VerifiedTokens tokens = tokens(Duration.ofHours(2), 10);
        String token = issuer.mint("viewer", Duration.ofMinutes(5), List.of("viewer"));
        tokens.parse(token, settings);

        // Past the token's exp (but within the remembering TTL): the token goes to the verifier again, which refuses
        // it by its own clock once it has really expired. Here the verifier's clock is the real one, so it is
        // counted as a second signature check.
        clock.advance(Duration.ofMinutes(6));
        tokens.parse(token, settings);

        assertEquals(2, verified("signature"));
        assertEquals(0, verified("memory"));
    }

    @Test
    void theVerifierRefusesATokenThatHasExpired() {
        VerifiedTokens tokens = tokens();
        JWTAuthContextInfo strict = settings();
        strict.setClockSkew(0);
        String expired = issuer.mint("viewer", Instant.now().minusSeconds(5), List.of("viewer"));

        assertThrows(ParseException.class, () -> tokens.parse(expired, strict));
        assertThrows(ParseException.class, () -> tokens.parse(expired, strict));
        assertEquals(0, tokens.size(), "a refused token is not remembered");
    }

    @Test
    void aForgedSignatureIsRefusedEvenWhenTheGenuineTokenIsRemembered() throws ParseException {
        VerifiedTokens tokens = tokens();
        String token = workerToken();
        tokens.parse(token, settings);

        String other = issuer.mint("admin", Duration.ofHours(1), List.of("admin"));
        String[] genuine = token.split("\\.");
        String[] claims = other.split("\\.");
        String forged = genuine[0] + "." + claims[1] + "." + genuine[2];

        assertThrows(ParseException.class, () -> tokens.parse(forged, settings));
        assertEquals(1, tokens.size());
    }

    @Test
    void otherVerificationSettingsCheckTheTokenAgain() throws ParseException {
        VerifiedTokens tokens = tokens();
        String token = workerToken();
        tokens.parse(token, settings);

        JWTAuthContextInfo otherAudience = settings();
        otherAudience.setExpectedAudience(Set.of("someone-else"));

        assertThrows(ParseException.class, () -> tokens.parse(token, otherAudience));
        assertEquals(1, verified("signature"), "a refusal is not counted as a verified token");
        assertEquals(0, verified("memory"));
    }

    @Test
    void aFullMemoryChecksNewTokensEveryTimeAndKeepsTheOnesItHas() throws ParseException {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 2);
        String a = issuer.mint("a", Duration.ofHours(1), List.of("viewer"));
        String b = issuer.mint("b", Duration.ofHours(1), List.of("viewer"));
        String c = issuer.mint("c", Duration.ofHours(1), List.of("viewer"));
        tokens.parse(a, settings);
        tokens.parse(b, settings);
        tokens.parse(c, settings);
        tokens.parse(c, settings);
        assertEquals(2, tokens.size());
        assertEquals(4, verified("signature"), "c is checked each time while a and b are remembered");

        tokens.parse(a, settings);
        assertEquals(1, verified("memory"));

        // Once a and b are past the TTL, they make room.
        clock.advance(Duration.ofSeconds(61));
        tokens.parse(c, settings);
        assertEquals(1, tokens.size());
        tokens.parse(c, settings);
        assertEquals(2, verified("memory"));
    }

    @Test
    void aTtlOfZeroChecksEveryToken() throws ParseException {
        VerifiedTokens tokens = tokens(Duration.ZERO, 10);
        String token = workerToken();
        tokens.parse(token, settings);
        tokens.parse(token, settings);
        assertEquals(2, verified("signature"));
        assertEquals(0, tokens.size());
    }

    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
