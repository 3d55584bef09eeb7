-- A fence now holds what the orchestrator's dispatched event announces: the SHA-256 (hex) of the attempt's lease token
-- and the keys (or key prefixes ending in '/') the attempt may write, as a JSON array. Writes no longer raise a fence,
-- and the store keeps nothing of a lease token itself: the tokens written so far are dropped.
alter table subtask_fence add column lease_token_hash varchar(64);
alter table subtask_fence add column writes text;
alter table subtask_fence drop column lease_token;
alter table artifact_version drop column lease_token;
alter table artifact_conflict drop column lease_token;
