-- Shadow reads (src/shadow): a share of live reads answered by the active version is read again
-- from a caught-up candidate version in one snapshot and compared. One row per candidate and the
-- version it was compared with; every serving process adds its counts to it.
create table projectionist.shadow_reads (
  name text not null,
  version integer not null,
  against integer not null,
  compared bigint not null default 0,
  differing bigint not null default 0,
  -- The candidate's read failed (its mapping's SQL, a timeout): counted, never answered.
  errors bigint not null default 0,
  -- The two versions stood at different log positions for the whole wait: not compared.
  unaligned bigint not null default 0,
  -- Keys of the last read that differed (at most engineDefaults.verification.differingKeys), and why the last error.
  last_keys jsonb,
  last_difference_at timestamptz,
  last_error text,
  updated_at timestamptz not null default now(),
  primary key (name, version, against)
);
