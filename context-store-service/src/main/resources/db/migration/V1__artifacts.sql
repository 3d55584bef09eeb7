-- A task as the context store knows it: it exists once something was stored for it. The row is also the
-- per-task write lock and the counter of the task's event sequence (the SSE event ids).
create table artifact_task (
    task_id        varchar(100) primary key,
    created_at     timestamptz  not null,
    last_event_seq bigint       not null default 0
);

-- The pointer to the latest version of each key, with that version's metadata for listings.
create table artifact (
    id             bigserial primary key,
    task_id        varchar(100) not null references artifact_task (task_id),
    artifact_key   varchar(512) not null,
    latest_version bigint       not null,
    kind           varchar(32)  not null,
    media_type     varchar(255) not null,
    tombstone      boolean      not null,
    content_hash   varchar(64),
    size_bytes     bigint       not null,
    created_at     timestamptz  not null,
    updated_at     timestamptz  not null,
    constraint artifact_task_key_uq unique (task_id, artifact_key)
);

-- Every version ever stored. Never updated or deleted.
create table artifact_version (
    id           bigserial primary key,
    task_id      varchar(100) not null,
    artifact_key varchar(512) not null,
    version      bigint       not null,
    kind         varchar(32)  not null,
    media_type   varchar(255) not null,
    content      text,
    content_hash varchar(64),
    size_bytes   bigint       not null,
    tombstone    boolean      not null,
    origin       varchar(16)  not null,
    author_role  varchar(100),
    author_agent varchar(200) not null,
    provider     varchar(32),
    model        varchar(200),
    subtask_id   varchar(100),
    attempt      integer,
    lease_token  varchar(200),
    conflict_id  uuid,
    created_at   timestamptz  not null,
    constraint artifact_version_uq unique (task_id, artifact_key, version),
    constraint artifact_version_artifact_fk foreign key (task_id, artifact_key)
        references artifact (task_id, artifact_key)
);
-- Idempotency of publish and delete: one version per (subtask, attempt, key) and operation.
create unique index artifact_version_attempt_uq
    on artifact_version (task_id, subtask_id, attempt, artifact_key, origin)
    where subtask_id is not null and origin in ('publish', 'delete');

-- A write based on a stale version, kept instead of overwriting.
create table artifact_conflict (
    id               uuid primary key,
    task_id          varchar(100) not null references artifact_task (task_id),
    artifact_key     varchar(512) not null,
    base_version     bigint       not null,
    current_version  bigint       not null,
    kind             varchar(32)  not null,
    media_type       varchar(255) not null,
    content          text,
    content_hash     varchar(64),
    size_bytes       bigint       not null,
    tombstone        boolean      not null,
    author_role      varchar(100),
    author_agent     varchar(200) not null,
    provider         varchar(32),
    model            varchar(200),
    subtask_id       varchar(100),
    attempt          integer,
    lease_token      varchar(200),
    status           varchar(16)  not null,
    resolved_version bigint,
    resolved_by      varchar(200),
    resolved_at      timestamptz,
    created_at       timestamptz  not null
);
create unique index artifact_conflict_attempt_uq
    on artifact_conflict (task_id, subtask_id, attempt, artifact_key, tombstone)
    where subtask_id is not null;
create index artifact_conflict_task_status on artifact_conflict (task_id, status);

-- The event log: written in the same transaction as the version or conflict it announces, published to Kafka
-- by the relay, and read by SSE subscribers. task_seq is gapless per task and follows commit order.
create table artifact_event (
    id           bigserial primary key,
    task_id      varchar(100) not null,
    task_seq     bigint       not null,
    event_id     uuid         not null,
    event_type   varchar(32)  not null,
    artifact_key varchar(512) not null,
    payload      text         not null,
    created_at   timestamptz  not null,
    published_at timestamptz,
    constraint artifact_event_task_seq_uq unique (task_id, task_seq),
    constraint artifact_event_event_id_uq unique (event_id)
);
create index artifact_event_unpublished on artifact_event (id) where published_at is null;

create table checkpoint (
    id          bigserial primary key,
    task_id     varchar(100)  not null references artifact_task (task_id),
    name        varchar(100)  not null,
    description varchar(1000),
    created_by  varchar(200)  not null,
    created_at  timestamptz   not null,
    event_seq   bigint        not null,
    constraint checkpoint_task_name_uq unique (task_id, name)
);

create table checkpoint_entry (
    id            bigserial primary key,
    checkpoint_id bigint       not null references checkpoint (id),
    artifact_key  varchar(512) not null,
    version       bigint       not null,
    constraint checkpoint_entry_uq unique (checkpoint_id, artifact_key)
);
