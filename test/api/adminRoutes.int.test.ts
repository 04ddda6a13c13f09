import { describe, expect, it } from 'vitest';
import { startProjectionist } from '../../src/main.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { testEnv } from '../harness/testEnv.ts';

const token = 'admin-token-for-tests-0123456789';

describe('the admin routes', () => {
  it('answer 401 without the bearer token, and serve status and refusals with it', async () => {
    const r = await startProjectionist({
      env: testEnv(await useTestDatabase(), undefined, { PROJECTIONIST_ADMIN_TOKEN: token }),
      http: true,
      workers: false,
    });
    try {
      const anonymous = await r.app!.inject({ method: 'GET', url: '/admin/projections' });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toMatchObject({ code: 'PRJ_UNAUTHORIZED' });
      const wrong = await r.app!.inject({
        method: 'GET',
        url: '/admin/projections',
        headers: { authorization: `Bearer ${token}x` },
      });
      expect(wrong.statusCode).toBe(401);

      const auth = { authorization: `Bearer ${token}` };
      const status = await r.app!.inject({ method: 'GET', url: '/admin/projections', headers: auth });
      expect(status.statusCode).toBe(200);
      expect(status.json()).toEqual({ projections: [] });

      const unknown = await r.app!.inject({
        method: 'POST',
        url: '/admin/projections/no-such/versions/1/cutover',
        headers: auth,
      });
      expect(unknown.statusCode).toBeGreaterThanOrEqual(400);
      expect(unknown.statusCode).toBeLessThan(500);
      const badVersion = await r.app!.inject({
        method: 'POST',
        url: '/admin/projections/order-totals/versions/zero/retire',
        headers: auth,
      });
      expect(badVersion.statusCode).toBe(400);
    } finally {
      await r.stop();
    }
  });

  it('refuse every admin route of the OpenAPI document without the token or with a wrong one', async () => {
    const r = await startProjectionist({
      env: testEnv(await useTestDatabase(), undefined, { PROJECTIONIST_ADMIN_TOKEN: token }),
      http: true,
      workers: false,
    });
    try {
      const doc = (await r.app!.inject({ method: 'GET', url: '/docs/openapi.json' })).json<{
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      }>();
      const routes = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/admin/'))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({
            method: method.toUpperCase() as 'GET' | 'POST',
            url: path.replace('{name}', 'customer-directory').replace('{version}', '1'),
            operation,
          })),
        );
      // every verb, parked events, dead letters, staging, the audit log and the live feed
      expect(routes.length).toBeGreaterThanOrEqual(17);
      for (const { method, url, operation } of routes) {
        expect(operation.security, url).toEqual([{ admin: [] }]);
        for (const headers of [{}, { authorization: `Bearer ${token}x` }, { authorization: token }]) {
          const res = await r.app!.inject({ method, url, headers });
          expect(res.statusCode, `${method} ${url}`).toBe(401);
          expect(res.json(), `${method} ${url}`).toMatchObject({ code: 'PRJ_UNAUTHORIZED' });
        }
      }
    } finally {
      await r.stop();
    }
  });

  it('are all refused when no token is configured', async () => {
    const r = await startProjectionist({ env: testEnv(await useTestDatabase()), http: true, workers: false });
    try {
      const res = await r.app!.inject({
        method: 'GET',
        url: '/admin/projections',
        headers: { authorization: 'Bearer anything-at-all-here' },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json<{ detail: string }>().detail).toContain('PROJECTIONIST_ADMIN_TOKEN');
    } finally {
      await r.stop();
    }
  });
});
