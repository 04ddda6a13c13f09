import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

/** utime + stime of every process whose command line names `database` (its backends). */
const backendTicks = async (database: string): Promise<Map<number, number>> => {
  const found = new Map<number, number>();
  const needle = ` ${database} `;
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // A backend sets its title to "postgres: <cluster>: <user> <database> <client> <state>".
      const title = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (!title.startsWith('postgres: ') || !title.includes(needle)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return found;
};

/**
 * Measures the CPU that PostgreSQL spends for one database: the backends connected to it (and
 * autovacuum workers on it), read from /proc now and at `stop()`, which answers CPU milliseconds
 * since. A backend that ends in between is lost: callers keep their connections open for the
 * measured work (pools with idleTimeoutMillis 0). Shared work (WAL writer, checkpointer) is not
 * in it. No sampling in between, so the measured node process spends nothing on it meanwhile.
 */
export const startPostgresCpu = async (database: string): Promise<{ stop(): Promise<number> }> => {
  const before = await backendTicks(database);
  return {
    stop: async () => {
      let ticks = 0;
      for (const [pid, now] of await backendTicks(database)) ticks += now - (before.get(pid) ?? 0);
      return (ticks * 1000) / ticksPerSecond;
    },
  };
};
