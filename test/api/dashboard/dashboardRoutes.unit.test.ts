import fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../../src/api/dashboard/dashboardRoutes.ts';

describe('dashboardRoutes', () => {
  it('serves the shell and its assets from this origin only, and nothing else from disk', async () => {
    const app = fastify();
    await app.register(dashboardRoutes);
    try {
      const page = await app.inject({ method: 'GET', url: '/dashboard' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
      // the shell holds no data and loads nothing from elsewhere
      expect(page.body).not.toMatch(/https?:\/\//);
      for (const src of page.body.matchAll(/(?:src|href)="([^"]+)"/g)) {
        const asset = await app.inject({ method: 'GET', url: src[1]! });
        expect(asset.statusCode, src[1]).toBe(200);
        expect(asset.body.length, src[1]).toBeGreaterThan(100);
      }
      for (const url of [
        '/dashboard/assets/nope.js',
        '/dashboard/assets/..%2F..%2F..%2Fpackage.json',
        '/dashboard/assets/index.html',
        '/dashboard/assets/dashboardRoutes.ts',
      ])
        expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    } finally {
      await app.close();
    }
  });
});
