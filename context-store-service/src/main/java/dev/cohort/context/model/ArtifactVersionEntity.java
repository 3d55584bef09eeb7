package dev.cohort.context.model;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One stored version of an artifact. Versions are never changed once written. */
@Entity
@Table(name = "artifact_version")
public class ArtifactVersionEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "task_id", nullable = false)
    public String taskId;

    @Column(name = "artifact_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public long version;

    @Embedded
    public ArtifactContent body;

    @Column(nullable = false)
    public VersionOrigin origin;

    @Embedded
    public Provenance provenance;

    /** The conflict this version resolved, for a merge. */
    @Column(name = "conflict_id")
    public UUID conflictId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
