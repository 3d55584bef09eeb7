-- An attempt can end before a newer one is announced: it failed or lost its lease (a retry is scheduled), the task was
-- paused, a person stopped it, or it finished. The orchestrator's subtask.state-changed event says so, and from then
-- on the attempt's writes are refused. closed_as is the subtask status that ended the fence's attempt, null while that
-- attempt may still write; a newer attempt reopens the fence.
alter table subtask_fence add column closed_as varchar(16);
