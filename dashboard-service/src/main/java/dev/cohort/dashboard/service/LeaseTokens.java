package dev.cohort.dashboard.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cohort.contracts.EventCodec;
import java.util.Iterator;
import java.util.Map;

/**
 * Keeps lease tokens away from browsers. A lease token lets a worker write for an attempt; agent events on Kafka and
 * the orchestrator's views may carry one, and whoever holds it could write as that agent. Every event and every
 * upstream answer passes through here before a client sees it.
 */
public final class LeaseTokens {

    public static final String FIELD = "leaseToken";

    private LeaseTokens() {
    }

    /** Removes every {@value #FIELD} field, at any depth, in place; returns whether there was one. */
    public static boolean strip(JsonNode node) {
        boolean removed = false;
        if (node instanceof ObjectNode object) {
            removed = object.remove(FIELD) != null;
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                removed |= strip(fields.next().getValue());
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode item : node) {
                removed |= strip(item);
            }
        }
        return removed;
    }

    /** A JSON text without its lease tokens; text that holds none, or is not JSON, comes back as it was. */
    public static String strip(String json) {
        // A field name can only hide from this look-up behind a unicode escape.
        if (json == null || !json.contains("\"" + FIELD + "\"") && !json.contains("\\u")) {
            return json;
        }
        try {
            JsonNode tree = EventCodec.mapper().readTree(json);
            return strip(tree) ? EventCodec.mapper().writeValueAsString(tree) : json;
        } catch (Exception e) {
            // Not JSON (the name sits in some text): nothing there is a field to remove.
            return json;
        }
    }
}
