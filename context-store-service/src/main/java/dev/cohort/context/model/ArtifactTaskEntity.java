package dev.cohort.context.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A task as the context store knows it. Writers lock this row, which serialises the writes of one task and makes
 * its event sequence follow commit order.
 */
@Entity
@Table(name = "artifact_task")
public class ArtifactTaskEntity {

    @Id
    @Column(name = "task_id")
    public String taskId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_event_seq", nullable = false)
    public long lastEventSeq;

    /** Takes the next number of the task's event sequence. */
    public long nextEventSeq() {
        lastEventSeq = lastEventSeq + 1;
        return lastEventSeq;
    }
}
