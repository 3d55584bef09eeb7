package dev.cohort.orchestrator.service;

/** An attempt on a model ended (provider and model null when it never started): a slot of that model is free. */
public record ModelSlotFreed(String provider, String model) {
}
