package dev.cohort.dashboard.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An event as the dashboard serves it. {@code id} is {@code topic:partition:offset}: durable and the same on
 * every dashboard instance, so a browser can resume from it anywhere.
 */
public record StreamedEvent(String id, String topic, String type, String taskId, Instant occurredAt, JsonNode event) {
}
