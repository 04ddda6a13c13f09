import { freshDatabase } from '../../src/testing/index.ts';

/** The admin connection benches (and the fault suite) create their databases from. */
export const benchAdminUrl =
  process.env.PROJECTIONIST_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A database of the bench's own, `bench_<label>_<random>`, created now; `drop()` removes it,
 * ending whatever still uses it (a bench is done with its database when it drops it).
 */
export const benchDatabase = async (
  label: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> => {
  const database = await freshDatabase({ adminUrl: benchAdminUrl, label: `bench_${label}` });
  return {
    name: database.name,
    url: database.url,
    drop: async () => {
      await database.drop({ force: true });
    },
  };
};
