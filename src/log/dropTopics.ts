import { logClientInternals, type LogClient } from './LogClient.ts';

/**
 * Deletes this deployment's topics and every consumer group named under its prefix, so a
 * bench or a test leaves the broker as it found it. Destructive: the log is gone.
 */
export const dropTopics = async (options: { client: LogClient }): Promise<void> => {
  const { client } = options;
  const admin = await logClientInternals(client).admin();
  const { groups } = await admin.listGroups();
  const mine = groups.map((g) => g.groupId).filter((id) => id.startsWith(`${client.prefix}.`));
  if (mine.length > 0) await admin.deleteGroups(mine).catch(() => undefined);
  const existing = new Set(await admin.listTopics());
  const topics = Object.values(client.topics).filter((t) => existing.has(t));
  if (topics.length > 0) await admin.deleteTopics({ topics });
};
