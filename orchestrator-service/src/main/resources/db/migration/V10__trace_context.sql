-- The W3C traceparent of the work that wrote an outbox row: the published record continues that trace
-- (docs/operating.md, "Tracing").
ALTER TABLE outbox ADD COLUMN trace_parent varchar(64);
