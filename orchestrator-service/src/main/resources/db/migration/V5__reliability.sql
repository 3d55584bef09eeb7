-- Outbox rows that Kafka will never take (too large, say) are set aside with their reason instead of blocking the
-- rows behind them; the task they belong to is failed with that reason in the same transaction.
ALTER TABLE outbox
    ADD COLUMN task_id       uuid,
    ADD COLUMN send_attempts int  NOT NULL DEFAULT 0,
    ADD COLUMN set_aside_at  timestamptz,
    ADD COLUMN failure       text;
DROP INDEX outbox_unpublished;
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL AND set_aside_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Plan keys, dependencies and artifact references as JSON arrays: a key may contain a comma.
UPDATE subtask SET
    depends_on = CASE WHEN depends_on = '' THEN '[]' ELSE to_json(string_to_array(depends_on, ','))::text END,
    reads      = CASE WHEN reads = ''      THEN '[]' ELSE to_json(string_to_array(reads, ','))::text END,
    writes     = CASE WHEN writes = ''     THEN '[]' ELSE to_json(string_to_array(writes, ','))::text END,
    artifacts  = CASE WHEN artifacts = ''  THEN '[]' ELSE to_json(string_to_array(artifacts, ','))::text END;
ALTER TABLE subtask
    ALTER COLUMN depends_on SET DEFAULT '[]',
    ALTER COLUMN reads      SET DEFAULT '[]',
    ALTER COLUMN writes     SET DEFAULT '[]',
    ALTER COLUMN artifacts  SET DEFAULT '[]';
