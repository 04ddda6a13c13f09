import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config/index.ts';
import { createPool } from '../db/index.ts';
import { isProjectionistError, ProjectionistError } from '../errors/index.ts';
import { LogClient } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import {
  parseCanaries,
  scanStaging,
  type Canary,
  type CanaryHit,
  type StagingScan,
} from '../staging/index.ts';
import { exitCodes } from './exitCodes.ts';
import { formatTable } from './formatTable.ts';
import { verbUsage } from './parseCommandLine.ts';
import { verbSpecs } from './verbSpecs.ts';

const whereOf = (hit: CanaryHit): string =>
  hit.in === 'database'
    ? `${hit.schema}.${hit.table}.${hit.column} ${hit.key}`
    : `${hit.topic}[${hit.partition}]@${hit.offset} ${hit.field}`;

const describe = (scan: StagingScan): string[] => {
  const covered = [
    scan.database === undefined
      ? 'no database (PROJECTIONIST_STAGING_DATABASE_URL is not set)'
      : `${scan.database.columns} columns of ${scan.database.tables} tables`,
    scan.topics === undefined
      ? 'no topic (PROJECTIONIST_STAGING_TOPIC_PREFIX is not set)'
      : `${scan.topics.records} records of ${scan.topics.names.join(', ') || 'no topic (none exists yet)'}`,
  ];
  const lines = [`scanned ${covered.join(' and ')} for ${scan.canaries} canary values`];
  if (scan.hits.length === 0) return [...lines, 'clean: no canary value found'];
  return [
    ...lines,
    '',
    formatTable(
      ['where', 'canary'],
      scan.hits.map((hit) => [whereOf(hit), `line ${hit.canary.line}: ${hit.canary.value}`]),
    ),
    '',
    `LEAK: ${scan.hits.length}${scan.truncated ? '+' : ''} place(s) hold a canary value`,
  ];
};

const usageError = (message: string, json: boolean, print: (line: string) => void): number => {
  const spec = verbSpecs.find((s) => s.words === 'staging scan');
  process.stderr.write(`projectionist: staging scan: ${message}\n\n${spec ? verbUsage(spec) : ''}\n`);
  if (json) print(JSON.stringify({ error: { code: 'PRJ_VALIDATION', message } }));
  return exitCodes.usage;
};

/**
 * `staging scan --canary <file>`: looks for the file's values in the staging database and the
 * staging deployment's topics. Read-only, and needs neither the production database nor its
 * registry. Exit 0 when clean, 3 when a value was found, 2 for a bad canary file or when there is
 * nothing to scan.
 */
export const runStagingScan = async (options: {
  logger: Logger;
  canaryFile: string;
  json: boolean;
  print: (line: string) => void;
}): Promise<number> => {
  const { json, print } = options;
  let canaries: Canary[];
  try {
    canaries = parseCanaries(await readFile(options.canaryFile, 'utf8'));
  } catch (error) {
    if (isProjectionistError(error, 'PRJ_VALIDATION')) return usageError(error.message, json, print);
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return usageError(`cannot read the canary file ${options.canaryFile} (${code})`, json, print);
  }
  const config = loadConfig();
  const { databaseUrl, topicPrefix } = config.staging;
  if (databaseUrl === undefined && topicPrefix === undefined)
    throw new ProjectionistError(
      'PRJ_CONFIG_INVALID',
      'nothing to scan: set PROJECTIONIST_STAGING_DATABASE_URL (the staging database) or PROJECTIONIST_STAGING_TOPIC_PREFIX (the staging topics), or both',
    );
  const staging =
    databaseUrl === undefined
      ? undefined
      : createPool({
          url: databaseUrl,
          max: 2,
          connectTimeoutMs: config.database.connectTimeoutMs,
          idleInTransactionTimeoutMs: config.database.idleInTransactionTimeoutMs,
          logger: options.logger,
          name: 'staging',
        });
  const stagingLog =
    topicPrefix === undefined
      ? undefined
      : new LogClient({
          brokers: config.kafka.brokers,
          clientId: config.kafka.clientId,
          prefix: topicPrefix,
          logger: options.logger,
        });
  try {
    const scan = await scanStaging({
      canaries,
      ...(staging === undefined ? {} : { staging }),
      ...(stagingLog === undefined ? {} : { stagingLog }),
    });
    print(json ? JSON.stringify({ clean: scan.hits.length === 0, ...scan }) : describe(scan).join('\n'));
    return scan.hits.length === 0 ? exitCodes.ok : exitCodes.refused;
  } finally {
    await stagingLog?.close();
    await staging?.end();
  }
};
