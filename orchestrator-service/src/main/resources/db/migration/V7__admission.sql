-- Admission to the models (docs/models.md, "Limits"): which model each role's workers run, learned from their
-- starts; a model's pause after a provider said it is overloaded; what a subtask that is held back waits for.
CREATE TABLE role_model (
    role varchar(40) NOT NULL,
    escalated boolean NOT NULL,
    provider varchar(40) NOT NULL,
    model varchar(200) NOT NULL,
    seen_at timestamptz NOT NULL,
    PRIMARY KEY (role, escalated)
);

CREATE TABLE model_admission (
    provider varchar(40) NOT NULL,
    model varchar(200) NOT NULL,
    paused_until timestamptz,
    reason varchar(500),
    PRIMARY KEY (provider, model)
);

ALTER TABLE subtask ADD COLUMN waiting_for varchar(500);
CREATE INDEX subtask_in_flight_model ON subtask (provider, model) WHERE status IN ('dispatched', 'running');
CREATE INDEX attempt_model_dispatched ON attempt (provider, model, dispatched_at);
