package dev.cohort.orchestrator.rest;

/** The body of every error response: what went wrong, in words a caller can act on. */
public record ApiError(int status, String error, String detail) {
}
