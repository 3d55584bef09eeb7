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
 * The model a role's workers run (for its escalated attempts when {@code escalated}), as learned from their starts
 * (docs/models.md, "Limits"). Written by an upsert in {@code ModelAdmission}; mapped so that admission reads it in a
 * query whose plan Hibernate keeps.
 */
@Entity
@Table(name = "role_model")
@IdClass(RoleModel.Key.class)
public class RoleModel {

    @Id
    public String role;

    @Id
    public boolean escalated;

    @Column(nullable = false)
    public String provider;

    @Column(nullable = false)
    public String model;

    @Column(name = "seen_at", nullable = false)
    public Instant seenAt;

    /** The primary key: role and whether for escalated attempts. */
    public static class Key implements Serializable {
        public String role;
        public boolean escalated;

        public Key() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(role, k.role) && escalated == k.escalated;
        }

        @Override
        public int hashCode() {
            return Objects.hash(role, escalated);
        }
    }
}
