import { describe, expect, it } from 'vitest';
import { startProjectionist } from '../../src/main.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { testEnv } from '../harness/testEnv.ts';

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
});

describe('the metrics endpoint', () => {
  it('counts answered requests by route and status, in the Prometheus text format', async () => {
    const r = await startProjectionist({ env: testEnv(await useTestDatabase()), http: true, workers: false });
    try {
      await r.app!.inject({ method: 'GET', url: '/healthz' });
      await r.app!.inject({ method: 'POST', url: '/commands', payload: { nonsense: true } });
      const res = await r.app!.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toContain(
        'projectionist_http_requests_total{method="GET",route="/healthz",status="200"} 1',
      );
      expect(res.body).toContain(
        'projectionist_http_requests_total{method="POST",route="/commands",status="400"} 1',
      );
      expect(res.body).toMatch(/projectionist_events_high_watermark\{partition="0"\} \d+/);
      expect(res.body).toMatch(/process_resident_memory_bytes \d+/);
    } finally {
      await r.stop();
    }
  });
});
