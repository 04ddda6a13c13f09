-- The registry of projection versions and everything that must commit with their rows.
-- Offsets are bigint here and decimal strings in JavaScript, never JS numbers.

create table projectionist.projections (
  name text primary key,
  -- the schema of the stable views: the name with "-" as "_"; two names must not share one
  schema_name text not null unique,
  active_version integer,
  created_at timestamptz not null default now()
);

create table projectionist.versions (
  name text not null references projectionist.projections (name),
  version integer not null check (version >= 1),
  status text not null default 'building'
    check (status in ('building', 'catching-up', 'live', 'standby', 'failed', 'retired')),
  -- why it failed (only with status failed)
  status_reason text,
  status_changed_at timestamptz not null default now(),
  -- sha256 of the definition the version was built from; code that differs is drift
  definition_hash text not null,
  created_at timestamptz not null default now(),
  built_at timestamptz,
  -- replay progress, rewritten with every flush: positions, events applied, target
  progress jsonb not null default '{}',
  primary key (name, version)
);

-- Next offset to read per partition, written in the same transaction as the rows it covers.
-- Reactors use name 'reactor:<name>' and version 0.
create table projectionist.checkpoints (
  name text not null,
  version integer not null,
  partition integer not null check (partition >= 0),
  next_offset bigint not null check (next_offset >= 0),
  updated_at timestamptz not null default now(),
  primary key (name, version, partition)
);

-- One writer per projection version: whoever holds the row's current token until expires_at.
create table projectionist.leases (
  name text not null,
  version integer not null,
  holder text not null,
  token bigint not null,
  expires_at timestamptz not null,
  acquired_at timestamptz not null default now(),
  primary key (name, version)
);

-- Every cutover: who pointed the stable views from which version to which, and how long it took.
create table projectionist.audit (
  id bigserial primary key,
  name text not null,
  from_version integer,
  to_version integer not null,
  actor text not null,
  at timestamptz not null default now(),
  took_ms integer not null
);
