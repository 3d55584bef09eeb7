package dev.cohort.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void credentialShapesAreRedactedAndTheRestKept() {
        String body = "{\"error\": {\"message\": \"Invalid key sk-or-v1-0123456789abcdef for user 42\", "
                + "\"headers\": \"Authorization: Bearer abcdefghijklmnop\", \"api_key\": \"s3cr3t-value\"}}";
        String redacted = Redaction.redact(body);
        assertFalse(redacted.contains("sk-or-v1-0123456789abcdef"), redacted);
        assertFalse(redacted.contains("abcdefghijklmnop"), redacted);
        assertFalse(redacted.contains("s3cr3t-value"), redacted);
        assertEquals(true, redacted.contains("for user 42"), redacted);
        assertEquals(true, redacted.contains("\"api_key\": \"[redacted]"), redacted);
    }

    @Test
    void aKnownSecretOfAnyShapeIsRedacted() {
        assertEquals("the key [redacted] was refused", Redaction.redact("the key plainvalue123 was refused",
                "plainvalue123"));
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrZXItYSJ9.c2lnbmF0dXJlX2J5dGVz";
        assertEquals("token [redacted]", Redaction.redact("token " + jwt).replace(": ", " "));
        assertEquals("nothing secret here", Redaction.redact("nothing secret here"));
    }
}
