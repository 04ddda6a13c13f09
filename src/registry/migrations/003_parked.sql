-- Parked events (issue 9): an event a projection version cannot take yet, kept with its position
-- and reason so the version moves on and the event can be retried or skipped. Its checkpoint is
-- past it: a row here is written in the same transaction as the checkpoint that passes it, and
-- deleted in the same transaction as the rows it produced when a retry applies it.
-- Offsets are bigint here and decimal strings in JavaScript, never JS numbers.

create table projectionist.parked (
  name text not null,
  version integer not null,
  partition integer not null check (partition >= 0),
  record_offset bigint not null check (record_offset >= 0),
  event_id text not null,
  stream_id text not null,
  type text not null,
  -- the schema version the event was written in
  written_version integer not null,
  -- waiting: newer than the code, or queued behind an earlier parked event of its stream;
  -- failed: its handler threw, or PostgreSQL refused a row it produced
  kind text not null check (kind in ('waiting', 'failed')),
  reason text not null,
  -- the event id this one queues behind (the first parked event of its stream), or null
  behind text,
  -- the record value as read from the log, byte for byte (jsonb cannot hold every string: \u0000)
  envelope bytea not null,
  parked_at timestamptz not null default now(),
  attempts integer not null default 1,
  last_attempt_at timestamptz not null default now(),
  -- an operator asked for a retry that the version's writer has not made yet
  retry_requested_at timestamptz,
  primary key (name, version, partition, record_offset),
  foreign key (name, version) references projectionist.versions (name, version) on delete cascade
);

-- The retry pass and the writer's start read a version's parked streams in log order.
create index parked_streams on projectionist.parked (name, version, stream_id, partition, record_offset);
