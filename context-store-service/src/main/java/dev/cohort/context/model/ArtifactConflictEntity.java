package dev.cohort.context.model;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A write based on a stale version: its content is kept here until a merge resolves it. */
@Entity
@Table(name = "artifact_conflict")
public class ArtifactConflictEntity {

    @Id
    public UUID id;

    @Column(name = "task_id", nullable = false)
    public String taskId;

    @Column(name = "artifact_key", nullable = false)
    public String key;

    /** The version the writer had read; 0 when it meant to create the artifact. */
    @Column(name = "base_version", nullable = false)
    public long baseVersion;

    /** The latest version when the write arrived. */
    @Column(name = "current_version", nullable = false)
    public long currentVersion;

    /** The conflicting write ("theirs"); a tombstone when it was a delete. */
    @Embedded
    public ArtifactContent body;

    @Embedded
    public Provenance provenance;

    @Column(nullable = false)
    public ConflictStatus status;

    @Column(name = "resolved_version")
    public Long resolvedVersion;

    @Column(name = "resolved_by")
    public String resolvedBy;

    @Column(name = "resolved_at")
    public Instant resolvedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Marks the conflict resolved by a stored version. Mutations go through the entity so that Hibernate tracks them. */
    public void resolve(ArtifactVersionEntity merged) {
        status = ConflictStatus.RESOLVED;
        resolvedVersion = merged.version;
        resolvedBy = merged.provenance.author();
        resolvedAt = merged.createdAt;
    }
}
