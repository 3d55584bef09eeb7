package dev.cohort.worker.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON equality as the wire sees it: 0 and 0.0 are the same number; key order does not matter. */
final class JsonAssert {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonAssert() {
    }

    static void assertSameJson(String expected, String actual) {
        try {
            JsonNode want = JSON.readTree(expected);
            JsonNode got = JSON.readTree(actual);
            assertTrue(want.equals((a, b) -> a.isNumber() && b.isNumber()
                    ? a.decimalValue().compareTo(b.decimalValue())
                    : a.equals(b) ? 0 : 1, got), "expected " + want + "\nbut was  " + got);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + e.getMessage(), e);
        }
    }
}
