-- Commands accepted over HTTP (src/commands), so that GET /commands/:id answers "accepted" before
-- the command-state projection records an outcome. Keyed by the deployment (its topic prefix:
-- several deployments may share a database) and the command id: accepting an id again is a no-op.
-- Before this migration each deployment kept them in a schema of its own (<prefix>_commands.accepted).

create table projectionist.accepted (
  prefix text not null,
  command_id text not null,
  stream_id text not null,
  command_type text not null,
  accepted_at timestamptz not null default now(),
  primary key (prefix, command_id)
);
