ALTER TABLE task
    ADD COLUMN plan_attempts     int            NOT NULL DEFAULT 0,
    ADD COLUMN summary           text,
    ADD COLUMN prompt_tokens     bigint         NOT NULL DEFAULT 0,
    ADD COLUMN completion_tokens bigint         NOT NULL DEFAULT 0,
    ADD COLUMN cost_usd          numeric(14, 6) NOT NULL DEFAULT 0,
    ADD COLUMN finished_at       timestamptz;

-- The nodes of a task's graph: the lead's plan subtask, the planned work, and the final summary.
CREATE TABLE subtask (
    id                uuid PRIMARY KEY,
    task_id           uuid           NOT NULL REFERENCES task (id),
    plan_key          varchar(64)    NOT NULL,
    role              varchar(32)    NOT NULL,
    kind              varchar(16)    NOT NULL,
    title             varchar(300)   NOT NULL,
    instructions      text           NOT NULL DEFAULT '',
    depends_on        text           NOT NULL DEFAULT '',
    reads             text           NOT NULL DEFAULT '',
    writes            text           NOT NULL DEFAULT '',
    status            varchar(16)    NOT NULL,
    attempt           int            NOT NULL DEFAULT 0,
    max_attempts      int            NOT NULL,
    lease_token       varchar(64),
    lease_expires_at  timestamptz,
    retry_at          timestamptz,
    agent_id          varchar(200),
    provider          varchar(32),
    model             varchar(200),
    summary_json      text,
    output            text,
    artifacts         text           NOT NULL DEFAULT '',
    failure_reason    text,
    prompt_tokens     bigint         NOT NULL DEFAULT 0,
    completion_tokens bigint         NOT NULL DEFAULT 0,
    cost_usd          numeric(14, 6) NOT NULL DEFAULT 0,
    created_at        timestamptz    NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz,
    UNIQUE (task_id, plan_key)
);
CREATE INDEX subtask_task ON subtask (task_id);
CREATE INDEX subtask_lease ON subtask (lease_expires_at) WHERE status IN ('dispatched', 'running');
CREATE INDEX subtask_retry ON subtask (retry_at) WHERE status = 'pending' AND retry_at IS NOT NULL;

-- Every attempt of every subtask, for the task view and for retry and escalation decisions.
CREATE TABLE attempt (
    subtask_id        uuid           NOT NULL REFERENCES subtask (id),
    attempt           int            NOT NULL,
    lease_token       varchar(64)    NOT NULL,
    agent_id          varchar(200),
    provider          varchar(32),
    model             varchar(200),
    outcome           varchar(16)    NOT NULL,
    failure_kind      varchar(32),
    reason            text,
    prompt_tokens     bigint         NOT NULL DEFAULT 0,
    completion_tokens bigint         NOT NULL DEFAULT 0,
    cost_usd          numeric(14, 6) NOT NULL DEFAULT 0,
    dispatched_at     timestamptz    NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz,
    PRIMARY KEY (subtask_id, attempt)
);

-- Ids of the consumed events that changed state, so that a redelivered event changes nothing.
CREATE TABLE processed_event (
    event_id     uuid PRIMARY KEY,
    processed_at timestamptz NOT NULL
);
