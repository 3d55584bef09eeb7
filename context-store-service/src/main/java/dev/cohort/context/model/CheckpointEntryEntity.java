package dev.cohort.context.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One key of a checkpoint and the version it had. */
@Entity
@Table(name = "checkpoint_entry")
public class CheckpointEntryEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "checkpoint_id", nullable = false)
    public Long checkpointId;

    @Column(name = "artifact_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public long version;
}
