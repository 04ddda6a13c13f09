import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Appender } from '../../src/log/index.ts';
import { startProjectionist } from '../../src/main.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { registerCustomer } from './support/registerCustomer.ts';

describe('the OpenAPI document', () => {
  it('describes the command routes from the same schemas that validate them', async () => {
    const r = await startProjectionist({ env: testEnv(await useTestDatabase()), http: true, workers: false });
    try {
      const res = await r.app!.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json<{
        openapi: string;
        paths: Record<
          string,
          Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>
        >;
      }>();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/commands', '/commands/batch', '/commands/{id}', '/projections']),
      );
      const required =
        doc.paths['/commands']?.post?.requestBody?.content['application/json']?.schema.required;
      expect(required).toEqual(expect.arrayContaining(['id', 'type', 'version', 'streamId', 'payload']));
    } finally {
      await r.stop();
    }
  });

  it('is browsable at /docs, with every script and style served by the server itself', async () => {
    const r = await startProjectionist({ env: testEnv(await useTestDatabase()), http: true, workers: false });
    try {
      const page = await r.app!.inject({ method: 'GET', url: '/docs/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
      expect(assets.length).toBeGreaterThan(2);
      // No CDN: every asset is a path on this server, and it answers.
      for (const asset of assets) {
        expect(asset).not.toMatch(/^(https?:)?\/\//);
        const url = new URL(asset, 'http://server/docs/').pathname;
        expect((await r.app!.inject({ method: 'GET', url })).statusCode, url).toBe(200);
      }
      const initializer = await r.app!.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
      expect(initializer.body).toContain('./json');
      const json = await r.app!.inject({ method: 'GET', url: '/docs/json' });
      expect(json.json()).toEqual((await r.app!.inject({ method: 'GET', url: '/docs/openapi.json' })).json());
    } finally {
      await r.stop();
    }
  });
});

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The Prometheus text format, line by line: fails on any line that is not a comment or a sample. */
const parseExposition = (text: string): Sample[] => {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (m === null) throw new Error(`not Prometheus text: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] ?? ''] = l[2] ?? '';
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return samples;
};

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

describe('the metrics endpoint', () => {
  it('answers Prometheus text whose counters and histograms move as commands are decided and events applied', async () => {
    const env = testEnv(await useTestDatabase());
    const r = await startProjectionist({ env, http: true, engine: true });
    const scrape = async () => {
      const res = await r.app!.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      return parseExposition(res.body);
    };
    try {
      const before = await scrape();
      expect(valueOf(before, 'projectionist_commands_accepted_total')).toBe(0);
      expect(valueOf(before, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(valueOf(before, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

      const stream = `customer-${randomUUID()}`;
      const accepted = await r.app!.inject({
        method: 'POST',
        url: '/commands',
        payload: registerCustomer(randomUUID(), stream),
      });
      expect(accepted.statusCode).toBe(202);
      await r.app!.inject({ method: 'POST', url: '/commands', payload: { nonsense: true } });
      // A record no contract reads, put on the commands topic as a foreign producer might: dead-lettered.
      const appender = await new Appender(r.log).connect();
      try {
        await appender.send(r.log.topics.commands, [
          { key: 'x', value: Buffer.from('{"broken"'), headers: {} },
        ]);
      } finally {
        await appender.close();
      }

      const after = await eventually(async () => {
        const samples = await scrape();
        const applied = valueOf(samples, 'projectionist_events_applied_total', {
          projection: 'customer-directory',
        });
        const decided = valueOf(samples, 'projectionist_command_outcomes_total', { outcome: 'applied' });
        const deadLetters = valueOf(samples, 'projectionist_dead_letters_total');
        // The command state (a projection of its own, run beside the engine) counts its events too.
        const outcomesRead = valueOf(samples, 'projectionist_events_applied_total', {
          projection: `commands-${env.PROJECTIONIST_TOPIC_PREFIX ?? ''}`,
        });
        return applied > 0 && decided > 0 && deadLetters > 0 && outcomesRead > 0 ? samples : undefined;
      }, 60_000);
      expect(valueOf(after, 'projectionist_commands_accepted_total')).toBe(1);
      expect(valueOf(after, 'projectionist_command_refusals_total', { reason: 'invalid' })).toBe(1);
      expect(valueOf(after, 'projectionist_command_outcomes_total', { outcome: 'applied' })).toBe(1);
      expect(valueOf(after, 'projectionist_command_outcomes_total', { outcome: 'dead-lettered' })).toBe(1);
      expect(valueOf(after, 'projectionist_dead_letters_total')).toBe(1);
      expect(
        valueOf(after, 'projectionist_flush_duration_seconds_count', { projection: 'customer-directory' }),
      ).toBeGreaterThan(0);
      expect(
        valueOf(after, 'projectionist_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/commands',
          status: '202',
        }),
      ).toBe(1);
      expect(
        valueOf(after, 'projectionist_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/commands',
          status: '400',
        }),
      ).toBe(1);
      // Read when scraped: one lag sample per partition of the events topic (testEnv: 3) and version.
      const lag = after.filter(
        (s) =>
          s.name === 'projectionist_projection_lag_events' &&
          s.labels.projection === 'customer-directory' &&
          s.labels.version === '2',
      );
      expect(lag.map((s) => s.labels.partition).sort()).toEqual(['0', '1', '2']);
      expect(valueOf(after, 'projectionist_events_high_watermark')).toBeGreaterThan(0);
    } finally {
      await r.stop();
    }
  });

  it('keeps the registries of two servers in one process apart', async () => {
    const database = await useTestDatabase();
    const a = await startProjectionist({ env: testEnv(database), http: true, workers: false });
    const b = await startProjectionist({ env: testEnv(database), http: true, workers: false });
    try {
      await a.app!.inject({ method: 'GET', url: '/healthz' });
      await a.app!.inject({ method: 'GET', url: '/healthz' });
      const count = async (app: NonNullable<typeof a.app>) =>
        valueOf(
          parseExposition((await app.inject({ method: 'GET', url: '/metrics' })).body),
          'projectionist_http_request_duration_seconds_count',
          { route: '/healthz' },
        );
      expect(await count(a.app!)).toBe(2);
      expect(await count(b.app!)).toBe(0);
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
