-- The W3C traceparent of the write that made an artifact event: the published record continues that trace
-- (docs/operating.md, "Tracing").
alter table artifact_event add column trace_parent varchar(64);
