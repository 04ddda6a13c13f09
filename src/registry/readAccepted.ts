import type pg from 'pg';

/** A command as the intake accepted it. */
export type AcceptedCommand = {
  readonly commandId: string;
  readonly streamId: string;
  readonly commandType: string;
  readonly acceptedAt: Date;
};

/** The deployment's record of an accepted command; undefined when it never accepted that id. One statement. */
export const readAccepted = async (options: {
  db: pg.Pool | pg.PoolClient;
  /** The deployment's topic prefix. */
  prefix: string;
  commandId: string;
}): Promise<AcceptedCommand | undefined> => {
  const result = await options.db.query<{ stream_id: string; command_type: string; accepted_at: Date }>(
    `select stream_id, command_type, accepted_at from projectionist.accepted where prefix = $1 and command_id = $2`,
    [options.prefix, options.commandId],
  );
  const row = result.rows[0];
  return row === undefined
    ? undefined
    : {
        commandId: options.commandId,
        streamId: row.stream_id,
        commandType: row.command_type,
        acceptedAt: row.accepted_at,
      };
};
