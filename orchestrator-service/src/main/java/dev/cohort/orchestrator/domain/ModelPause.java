package dev.cohort.orchestrator.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A model taking no new work, on every replica, after its provider said it was overloaded (docs/models.md,
 * "Limits"). Written by an upsert in {@code ModelAdmission}; mapped so that admission reads it in a query whose plan
 * Hibernate keeps.
 */
@Entity
@Table(name = "model_admission")
@IdClass(ModelPause.Key.class)
public class ModelPause {

    @Id
    public String provider;

    @Id
    public String model;

    @Column(name = "paused_until")
    public Instant pausedUntil;

    public String reason;

    /** The primary key: provider and model. */
    public static class Key implements Serializable {
        public String provider;
        public String model;

        public Key() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(provider, k.provider) && Objects.equals(model, k.model);
        }

        @Override
        public int hashCode() {
            return Objects.hash(provider, model);
        }
    }
}
