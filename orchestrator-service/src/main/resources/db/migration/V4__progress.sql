-- The latest progress an agent reported for the attempt that is running: what the CLI and API show live.
ALTER TABLE subtask
    ADD COLUMN progress_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN phase           varchar(64);
