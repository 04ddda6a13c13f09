import { join } from 'node:path';

/**
 * Where the fault suite's own servers are, as scripts/faults passes them: its broker and its
 * PostgreSQL (never the shared ones), the folder for logs and the report, and the scale.
 * Every fixed port of the suite (these, and the serve instances' 28200-28400) sits below Linux's
 * ephemeral range (32768-60999): a port in it may be taken as the local end of any outgoing
 * connection, and a fresh-clone CI run saw a serve instance die at start with EADDRINUSE on 38302.
 */
const root = new URL('../../../', import.meta.url).pathname;

export const faultEnv = {
  root,
  brokers: (process.env.PROJECTIONIST_FAULTS_BROKERS ?? '127.0.0.1:29092').split(','),
  controllerPort: process.env.PROJECTIONIST_FAULTS_KAFKA_CONTROLLER_PORT ?? '29093',
  pgAdminUrl: process.env.PROJECTIONIST_FAULTS_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:25432/postgres',
  pgCtl: process.env.PROJECTIONIST_FAULTS_PG_CTL ?? 'pg_ctl',
  pgData: process.env.PROJECTIONIST_FAULTS_PG_DATA ?? join(root, '.services/faults/pg'),
  dir: process.env.PROJECTIONIST_FAULTS_DIR ?? join(root, '.services/faults'),
  /** Rounds and log sizes scale with this (1 = the CI sizes). */
  scale: Number(process.env.PROJECTIONIST_FAULTS_SCALE ?? '1'),
  node: process.execPath,
} as const;

/** A round count or a size, scaled, at least `min`. */
export const scaled = (n: number, min = 1): number => Math.max(min, Math.round(n * faultEnv.scale));

export const logsDir = join(faultEnv.dir, 'logs');
