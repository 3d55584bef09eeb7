ALTER TABLE subtask
    ADD COLUMN failed_attempts    int          NOT NULL DEFAULT 0,
    ADD COLUMN last_failure       text,
    ADD COLUMN requested_provider varchar(32),
    ADD COLUMN requested_model    varchar(200),
    ADD COLUMN conflict_id        varchar(64),
    ADD COLUMN artifact_key       varchar(512),
    ADD COLUMN question_id        uuid;

-- Messages between agents, and from people to agents, roles or the team.
CREATE TABLE message (
    id          uuid PRIMARY KEY,
    task_id     uuid         NOT NULL REFERENCES task (id),
    from_type   varchar(16)  NOT NULL,
    from_id     varchar(200) NOT NULL,
    to_type     varchar(16)  NOT NULL,
    to_id       varchar(200) NOT NULL,
    kind        varchar(16)  NOT NULL,
    text        text         NOT NULL,
    subtask_id  uuid,
    in_reply_to uuid,
    created_at  timestamptz  NOT NULL
);
CREATE INDEX message_task ON message (task_id, created_at);
