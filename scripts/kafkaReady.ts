// Exits 0 once the broker at argv[2] answers a metadata request (used by scripts/services).
import { Kafka, logLevel } from 'kafkajs';

const broker = process.argv[2] ?? '127.0.0.1:9092';
const kafka = new Kafka({
  clientId: 'projectionist-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  retry: { retries: 0 },
});
const admin = kafka.admin();
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (cluster.brokers.length === 0) process.exitCode = 1;
} catch {
  process.exitCode = 1;
} finally {
  await admin.disconnect().catch(() => undefined);
}
