-- Who submitted each task: the authenticated principal, for the record and for the per-person cap on running tasks.
ALTER TABLE task ADD COLUMN created_by varchar(200);
CREATE INDEX task_created_by_status ON task (created_by, status);
