package dev.cohort.context.service;

import dev.cohort.context.api.ArtifactSummaryView;
import dev.cohort.context.api.ArtifactVersionView;
import dev.cohort.context.api.Author;
import dev.cohort.context.api.ConflictView;
import dev.cohort.context.model.ArtifactConflictEntity;
import dev.cohort.context.model.ArtifactContent;
import dev.cohort.context.model.ArtifactEntity;
import dev.cohort.context.model.ArtifactVersionEntity;
import dev.cohort.context.model.Provenance;

/** Entity to API mapping. */
public final class Views {

    private Views() {
    }

    public static ArtifactVersionView version(ArtifactVersionEntity v, boolean withContent, Boolean replayed) {
        ArtifactContent b = v.body;
        Provenance p = v.provenance;
        return new ArtifactVersionView(v.taskId, v.key, v.version, b.kind(), b.mediaType(),
                withContent ? b.content() : null, b.contentHash(), b.sizeBytes(), b.tombstone(), v.origin.id(),
                author(p), p.provider(), p.model(), p.subtaskId(), p.attempt(), v.conflictId, v.createdAt, replayed);
    }

    public static ArtifactSummaryView summary(ArtifactEntity a) {
        return new ArtifactSummaryView(a.key, a.latestVersion, a.kind, a.mediaType, a.tombstone, a.contentHash,
                a.sizeBytes, a.updatedAt);
    }

    public static ConflictView conflict(ArtifactConflictEntity c, String baseContent, String currentContent,
                                        Boolean replayed) {
        ArtifactContent b = c.body;
        Provenance p = c.provenance;
        return new ConflictView(c.id, c.taskId, c.key, c.baseVersion, c.currentVersion, c.status.id(), b.kind(),
                b.mediaType(), b.content(), b.contentHash(), b.tombstone(), author(p), p.provider(), p.model(),
                p.subtaskId(), p.attempt(), c.createdAt, c.resolvedVersion, c.resolvedBy, c.resolvedAt, baseContent,
                currentContent, replayed);
    }

    private static Author author(Provenance p) {
        return new Author(p.authorRole(), p.authorAgent());
    }
}
