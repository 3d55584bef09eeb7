package dev.cohort.context.api;

/** Who wrote a version: the role (absent for a person) and the agent instance or person. */
public record Author(String role, String agentId) {
}
