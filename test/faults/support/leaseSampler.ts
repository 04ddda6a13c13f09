import type pg from 'pg';

export type LeaseRow = { name: string; version: number; holder: string; token: string; live: boolean };

/**
 * Samples projectionist.leases every `everyMs` until stopped: per version, how many holders had
 * an unexpired lease at once (must be at most 1), how often the holder changed, and whether a
 * token ever went backwards (a fenced writer taking its lease back).
 */
export const startLeaseSampler = (pool: pg.Pool, everyMs = 250) => {
  let running = true;
  let samples = 0;
  let maxLiveHolders = 0;
  let holderChanges = 0;
  let tokenBackwards = 0;
  const last = new Map<string, LeaseRow>();
  let latest: LeaseRow[] = [];
  const loop = (async () => {
    while (running) {
      const rows = await pool
        .query<LeaseRow>(
          `select name, version, holder, token::text as token, expires_at > now() as live from projectionist.leases`,
        )
        .then(
          (r) => r.rows,
          () => undefined,
        );
      if (rows !== undefined) {
        samples++;
        latest = rows;
        const live = new Map<string, Set<string>>();
        for (const row of rows) {
          const key = `${row.name} v${row.version}`;
          if (row.live) live.set(key, (live.get(key) ?? new Set()).add(row.holder));
          const before = last.get(key);
          if (before !== undefined) {
            if (before.holder !== row.holder) holderChanges++;
            if (BigInt(row.token) < BigInt(before.token)) tokenBackwards++;
          }
          last.set(key, row);
        }
        for (const holders of live.values()) maxLiveHolders = Math.max(maxLiveHolders, holders.size);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    latest: () => latest,
    stop: async () => {
      running = false;
      await loop;
      return { samples, maxLiveHolders, holderChanges, tokenBackwards };
    },
  };
};
