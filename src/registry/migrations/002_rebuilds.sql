-- Rebuilds (src/rebuild/): the operator's word on each projection version and the record of its
-- build, beside the version's row. A version without a row here has had neither: every writer
-- upserts it. Offsets are bigint here and decimal strings in JavaScript, never JS numbers.

create table projectionist.rebuilds (
  name text not null,
  version integer not null,
  -- an operator asked for a build (requestRebuild) that has not started yet
  requested_at timestamptz,
  -- with that request: empty the tables and checkpoints before building
  from_scratch boolean not null default false,
  -- an operator paused the version: no process works on it until it is resumed
  paused boolean not null default false,
  -- an operator cancelled its build: it stays 'building', idle, until resumed or requested again
  cancelled boolean not null default false,
  -- who last changed the flags above, and when
  changed_by text,
  changed_at timestamptz,
  -- the bulk replay's target offset vector {"partition": "offset"}, captured once when the build
  -- starts and kept across crashes and takeovers, so a resumed build ends where the first would have
  target jsonb,
  -- the number of records from the start of the log to the target (every record, not only events
  -- this version reads)
  target_total bigint,
  started_at timestamptz,
  -- replaying | indexing | tailing: what the process holding the lease is doing
  phase text check (phase in ('replaying', 'indexing', 'tailing')),
  -- records up to the target that are applied (committed with the rows), at the last batch
  applied bigint not null default 0,
  -- the committed positions at the last batch
  positions jsonb,
  -- records per second over the last few seconds, and the time left at that rate
  rate double precision,
  eta_ms bigint,
  built_at timestamptz,
  -- reached a fresh target (high watermarks read after the bulk phase): ready to take over
  caught_up_at timestamptz,
  -- the last verification's outcome (verifyVersion)
  verification jsonb,
  updated_at timestamptz not null default now(),
  primary key (name, version),
  foreign key (name, version) references projectionist.versions (name, version) on delete cascade
);
