import type pg from 'pg';

/**
 * Waits until every command id has a decision in the command-state projection's outcomes table;
 * answers the ids still undecided when `timeoutMs` runs out.
 */
export const waitDecided = async (
  pool: pg.Pool,
  outcomes: string,
  ids: Iterable<string>,
  timeoutMs: number,
): Promise<string[]> => {
  let open = [...new Set(ids)];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await pool
      .query<{ command_id: string }>(
        `select command_id from ${outcomes} where command_id = any($1::text[]) and status in ('applied', 'rejected')`,
        [open],
      )
      .then(
        (r) => new Set(r.rows.map((row) => row.command_id)),
        () => new Set<string>(),
      );
    open = open.filter((id) => !found.has(id));
    if (open.length === 0 || Date.now() > deadline) return open;
    await new Promise((r) => setTimeout(r, 500));
  }
};
