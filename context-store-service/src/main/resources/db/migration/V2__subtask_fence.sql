-- The fence of each subtask: the highest attempt known, from the orchestrator's subtask.state-changed events or from
-- writes, and the lease token of that attempt once one of its writes carried it. Writes of older attempts are
-- refused. No reference to artifact_task: an event may announce an attempt before anything is stored for its task.
create table subtask_fence (
    task_id     varchar(100) not null,
    subtask_id  varchar(100) not null,
    attempt     integer      not null,
    lease_token varchar(200),
    updated_at  timestamptz  not null,
    constraint subtask_fence_pk primary key (task_id, subtask_id)
);
