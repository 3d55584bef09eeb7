package dev.cohort.dashboard.rest;

/** The body of every error response, the same shape as the orchestrator's and the context store's. */
public record ApiError(int status, String error, String detail) {
}
