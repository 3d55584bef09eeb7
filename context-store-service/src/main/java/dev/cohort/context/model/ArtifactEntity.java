package dev.cohort.context.model;

import dev.cohort.contracts.model.ArtifactKind;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The pointer to the latest version of one key of a task, with that version's metadata. */
@Entity
@Table(name = "artifact")
public class ArtifactEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "task_id", nullable = false)
    public String taskId;

    @Column(name = "artifact_key", nullable = false)
    public String key;

    @Column(name = "latest_version", nullable = false)
    public long latestVersion;

    @Column(nullable = false)
    public ArtifactKind kind;

    @Column(name = "media_type", nullable = false)
    public String mediaType;

    @Column(nullable = false)
    public boolean tombstone;

    @Column(name = "content_hash")
    public String contentHash;

    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static ArtifactEntity first(ArtifactVersionEntity version) {
        ArtifactEntity artifact = new ArtifactEntity();
        artifact.taskId = version.taskId;
        artifact.key = version.key;
        artifact.createdAt = version.createdAt;
        artifact.pointTo(version);
        return artifact;
    }

    /** Makes this version the latest. Mutations go through the entity so that Hibernate tracks them. */
    public void pointTo(ArtifactVersionEntity version) {
        latestVersion = version.version;
        kind = version.body.kind();
        mediaType = version.body.mediaType();
        tombstone = version.body.tombstone();
        contentHash = version.body.contentHash();
        sizeBytes = version.body.sizeBytes();
        updatedAt = version.createdAt;
    }
}
