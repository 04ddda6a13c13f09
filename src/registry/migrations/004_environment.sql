-- What a database is for, and the staging refreshes made into it (src/staging). The mark is a
-- row, never the table: a registry without a row is "not marked", and the staging guard refuses
-- it as a target. Kept in a schema of its own so that the guard can read it in any database.
-- "if not exists": databases marked before this migration existed made these tables themselves.

create schema if not exists projectionist_environment;

-- At most one row (singleton): 'production' or 'staging', written once and kept.
create table if not exists projectionist_environment.role (
  role text not null check (role in ('production', 'staging')),
  marked_at timestamptz not null default now(),
  singleton boolean primary key default true check (singleton)
);

-- Every staging refresh that finished: up to which offsets, which versions, what the filter did
-- (counts under contract types and paths only, never data).
create table if not exists projectionist_environment.refreshes (
  id bigserial primary key,
  finished_at timestamptz not null default now(),
  target jsonb not null,
  projections jsonb not null,
  summary jsonb not null
);
