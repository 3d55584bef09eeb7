package dev.cohort.context.model;

import dev.cohort.contracts.model.ArtifactKind;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** What a version (or a conflicting write) holds: text content with its kind and media type, or a tombstone. */
@Embeddable
public record ArtifactContent(
        @Column(nullable = false) ArtifactKind kind,
        @Column(name = "media_type", nullable = false) String mediaType,
        /* null for a tombstone */
        String content,
        @Column(name = "content_hash") String contentHash,
        @Column(name = "size_bytes", nullable = false) long sizeBytes,
        @Column(nullable = false) boolean tombstone) {

    public static ArtifactContent text(ArtifactKind kind, String mediaType, String content) {
        return new ArtifactContent(kind, mediaType, content, ContentHash.of(content),
                content.getBytes(StandardCharsets.UTF_8).length, false);
    }

    public static ArtifactContent tombstone(ArtifactKind kind, String mediaType) {
        return new ArtifactContent(kind, mediaType, null, null, 0, true);
    }

    /** Same content, kind and media type (and both tombstones or both not). */
    public boolean sameAs(ArtifactContent other) {
        return other != null && tombstone == other.tombstone && kind == other.kind
                && mediaType.equals(other.mediaType) && Objects.equals(contentHash, other.contentHash);
    }
}
