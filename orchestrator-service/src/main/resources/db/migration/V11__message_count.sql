-- How many messages a task has stored: a dispatch reads the task's messages for its agent's inbox only when there
-- are some, instead of querying for them at every dispatch.
ALTER TABLE task ADD COLUMN message_count int NOT NULL DEFAULT 0;
UPDATE task SET message_count = m.n
FROM (SELECT task_id, count(*) AS n FROM message GROUP BY task_id) m
WHERE m.task_id = task.id;
