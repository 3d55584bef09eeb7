-- An event that Kafka can never accept (too large, unserialisable) is set aside with the reason instead of blocking
-- the events behind it; a record naming it goes to the dead-letter topic. It stays in the log for SSE subscribers.
alter table artifact_event add column set_aside_at timestamptz;
alter table artifact_event add column set_aside_reason text;

drop index artifact_event_unpublished;
create index artifact_event_unpublished on artifact_event (id) where published_at is null and set_aside_at is null;
