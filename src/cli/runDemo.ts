import {
  Appender,
  createEnvelope,
  decodeEnvelope,
  highWatermarks,
  readLog,
  type LogClient,
} from '../log/index.ts';

/**
 * The demo's log step: append a few events of a small story and read them back from the
 * broker, printing what was written where.
 */
export const runDemo = async (options: { log: LogClient; print: (line: string) => void }): Promise<void> => {
  const { log, print } = options;
  const from = await highWatermarks({ client: log, topic: log.topics.events });
  const appender = await new Appender(log).connect();
  const story = [
    createEnvelope({
      type: 'CustomerRegistered',
      version: 2,
      streamId: 'customer-ada',
      data: { firstName: 'Ada', lastName: 'Lovelace' },
    }),
    createEnvelope({
      type: 'OrderPlaced',
      version: 2,
      streamId: 'order-1',
      data: { customerId: 'customer-ada', totalCents: 4200 },
    }),
    createEnvelope({
      type: 'PaymentReceived',
      version: 2,
      streamId: 'order-1',
      data: { amountCents: 4200, currency: 'EUR' },
    }),
  ];
  try {
    const positions = await appender.append(story);
    print(`appended ${story.length} events to ${log.topics.events}:`);
    story.forEach((e, i) =>
      print(
        `  ${e.type} v${e.version} stream=${e.streamId} -> partition ${positions[i]?.partition} offset ${positions[i]?.offset}`,
      ),
    );
  } finally {
    await appender.close();
  }
  print('read back (read_committed):');
  for await (const batch of readLog({ client: log, topic: log.topics.events, from, until: 'latest' })) {
    for (const record of batch.records) {
      const e = decodeEnvelope(record.value);
      print(
        `  p${record.partition}@${record.offset} ${e.type} v${e.version} ${e.streamId} ${JSON.stringify(e.data)}`,
      );
    }
  }
};
