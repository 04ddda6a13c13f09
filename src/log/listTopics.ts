import { logClientInternals, type LogClient } from './LogClient.ts';

/** The names of every topic the cluster holds. */
export const listTopics = async (options: { client: LogClient }): Promise<string[]> => {
  const admin = await logClientInternals(options.client).admin();
  return admin.listTopics();
};
