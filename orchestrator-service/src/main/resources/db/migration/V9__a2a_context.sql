-- The A2A contextId a client sent with the message that created the task (docs/a2a.md); absent, the task's own id
-- is its context.
ALTER TABLE task ADD COLUMN context_id varchar(256);
CREATE INDEX task_context ON task (context_id) WHERE context_id IS NOT NULL;
CREATE INDEX task_updated ON task (updated_at DESC, id DESC);
