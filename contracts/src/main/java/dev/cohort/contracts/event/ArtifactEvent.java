package dev.cohort.contracts.event;

/** Events on {@link dev.cohort.contracts.Topics#ARTIFACT_EVENTS}, produced by the context store. */
public sealed interface ArtifactEvent extends CohortEvent permits ArtifactPublished, ArtifactConflict, ArtifactResolved {

    String key();
}
