package dev.cohort.context.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A named snapshot of a task's artifact set: the latest version of each live key at the time it was taken. */
@Entity
@Table(name = "checkpoint")
public class CheckpointEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "task_id", nullable = false)
    public String taskId;

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The task's event sequence when the checkpoint was taken. */
    @Column(name = "event_seq", nullable = false)
    public long eventSeq;
}
