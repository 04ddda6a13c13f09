import { ProjectionistError } from '../errors/index.ts';
import { logClientInternals, type LogClient } from './LogClient.ts';
import { highWatermarks, leadersReady } from './positions.ts';
import { retryLogRequest } from './retryLogRequest.ts';

export type TopicProblem = { readonly topic: string; readonly problem: string };

/** The events topic keeps everything: no time or size limit, never compacted. */
const eventsConfig = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
  { name: 'cleanup.policy', value: 'delete' },
];

/**
 * Creates the deployment's three topics when missing (events keep all history; commands and
 * dead letters use the broker's retention), then checks them. Idempotent.
 * Throws PRJ_TOPIC_MISCONFIGURED when an existing events topic would lose history.
 */
export const ensureTopics = async (options: {
  client: LogClient;
  eventsPartitions: number;
  commandsPartitions: number;
  replicationFactor: number;
}): Promise<void> => {
  const { client } = options;
  const admin = await logClientInternals(client).admin();
  const existing = new Set(await admin.listTopics());
  const wanted = [
    { topic: client.topics.events, numPartitions: options.eventsPartitions, configEntries: eventsConfig },
    { topic: client.topics.commands, numPartitions: options.commandsPartitions, configEntries: [] },
    { topic: client.topics.deadLetters, numPartitions: 1, configEntries: eventsConfig },
  ].filter((t) => !existing.has(t.topic));
  if (wanted.length > 0) {
    // kafkajs's waitForLeaders polls the metadata, and a busy broker may answer
    // UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created (seen under load in CI): the
    // creation is sent again for what is still missing until it goes through.
    await retryLogRequest('creating topics', async () => {
      const now = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !now.has(t.topic));
      if (missing.length === 0) return;
      await admin.createTopics({
        topics: missing.map((t) => ({ ...t, replicationFactor: options.replicationFactor })),
        waitForLeaders: true,
      });
    });
    // The controller answers before every broker serves the new partitions: until each has a
    // leader in the metadata and answers a ListOffsets, produce and fetch meet
    // NOT_LEADER_FOR_PARTITION or UNKNOWN_TOPIC_OR_PARTITION (a freshly formatted broker most).
    for (const { topic } of wanted) {
      await retryLogRequest(`leaders of ${topic}`, () => leadersReady(admin, topic));
      await highWatermarks({ client, topic });
    }
    logClientInternals(client).logger.info({ topics: wanted.map((t) => t.topic) }, 'created topics');
  }
  const problems = await checkTopics({ client });
  if (problems.length > 0) {
    throw new ProjectionistError(
      'PRJ_TOPIC_MISCONFIGURED',
      `topics would lose history: ${problems.map((p) => `${p.topic}: ${p.problem}`).join('; ')}`,
      { details: { problems } },
    );
  }
};

/**
 * Reports every way the events topic could lose history: a time or size retention, or
 * compaction (which keeps one record per stream). An empty list means it is safe.
 */
export const checkTopics = async (options: { client: LogClient }): Promise<TopicProblem[]> => {
  const { client } = options;
  const admin = await logClientInternals(client).admin();
  const topic = client.topics.events;
  if (!(await admin.listTopics()).includes(topic)) return [{ topic, problem: 'does not exist' }];
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [
      {
        type: 2 /* TOPIC */,
        name: topic,
        configNames: ['retention.ms', 'retention.bytes', 'cleanup.policy'],
      },
    ],
  });
  const entries = new Map(
    described.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]) ?? [],
  );
  const problems: TopicProblem[] = [];
  if (entries.get('retention.ms') !== '-1')
    problems.push({ topic, problem: `retention.ms is ${entries.get('retention.ms')} (must be -1)` });
  if (entries.get('retention.bytes') !== '-1')
    problems.push({ topic, problem: `retention.bytes is ${entries.get('retention.bytes')} (must be -1)` });
  if (entries.get('cleanup.policy')?.includes('compact'))
    problems.push({ topic, problem: `cleanup.policy is ${entries.get('cleanup.policy')} (must be delete)` });
  return problems;
};
