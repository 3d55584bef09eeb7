-- Tasks as submitted; later migrations add plans, subtasks and attempts.
CREATE TABLE task (
    id            uuid PRIMARY KEY,
    title         varchar(200)  NOT NULL,
    description   text          NOT NULL,
    roles         varchar(500)  NOT NULL DEFAULT '',
    approval_mode varchar(16)   NOT NULL,
    budget_usd    numeric(14, 6),
    template      varchar(64),
    status        varchar(32)   NOT NULL,
    status_reason text,
    created_at    timestamptz   NOT NULL,
    updated_at    timestamptz   NOT NULL
);
CREATE INDEX task_status_created ON task (status, created_at DESC);

-- Transactional outbox: an event row is written in the same transaction as the state change it announces,
-- and published to Kafka by OutboxRelay afterwards. Consumers de-duplicate on the event id.
CREATE TABLE outbox (
    id           bigserial    PRIMARY KEY,
    event_id     uuid         NOT NULL UNIQUE,
    topic        varchar(249) NOT NULL,
    record_key   varchar(255) NOT NULL,
    payload      text         NOT NULL,
    created_at   timestamptz  NOT NULL,
    published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
