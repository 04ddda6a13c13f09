import { Appender, type Envelope, type LogClient } from '../../../src/log/index.ts';

/** Appends envelopes in chunks with an idempotent producer, then closes it. */
export const appendAll = async (client: LogClient, envelopes: readonly Envelope[]): Promise<void> => {
  const appender = await new Appender(client).connect();
  try {
    for (let i = 0; i < envelopes.length; i += 1_000) await appender.append(envelopes.slice(i, i + 1_000));
  } finally {
    await appender.close();
  }
};
