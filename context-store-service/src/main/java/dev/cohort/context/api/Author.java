package dev.cohort.context.api;

/**
 * Who wrote a version: the role (absent for a person) and the agent ({@code worker-a/backend}) or person, as the
 * caller's token names them.
 */
public record Author(String role, String agentId) {
}
