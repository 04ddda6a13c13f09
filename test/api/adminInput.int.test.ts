import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Running } from '../../src/main.ts';
import { startOperated } from './support/startOperated.ts';

const token = 'admin-token-for-input-tests-0123456789';

/** Text with what PostgreSQL cannot store (NUL, a lone surrogate) among other characters. */
const awkward = (maxLength: number) =>
  fc.string({
    unit: fc.constantFrom('a', '1', '-', ' ', '\u0000', '\ud800', '\udfff', 'é', '😀', '%', '/'),
    maxLength,
  });
/** Path segments: real names and versions, and what a client may get wrong about them. */
const segment = fc.oneof(
  fc.constantFrom(
    'customer-directory',
    'order-totals',
    'no-such',
    '1',
    '2',
    '0',
    '-1',
    'v1',
    '1e3',
    '99999999999',
  ),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  // a lone surrogate cannot be percent-encoded as UTF-8: send its bytes' escapes as they come
  awkward(20).map((text) =>
    [...text].map((c) => (c.isWellFormed() ? encodeURIComponent(c) : '%ED%A0%80')).join(''),
  ),
);
// Mostly real names and versions, so that most requests reach the registry's SQL.
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('customer-directory', 'order-totals') },
  { weight: 1, arbitrary: segment },
);
const version = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('1', '2') },
  { weight: 1, arbitrary: segment },
);
const verbs = ['rebuild', 'verify', 'cutover', 'retire', 'pause', 'resume', 'cancel'];
// Bodies: none, any JSON value, and near-misses of the real ones.
const anyBody = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ fromScratch: fc.jsonValue({ maxDepth: 1 }) }),
);
const eventBody = fc.oneof(
  fc.constant(undefined),
  fc.record({ eventId: fc.oneof(fc.string({ maxLength: 300 }), awkward(30), fc.jsonValue({ maxDepth: 1 })) }),
);
const request = fc.oneof(
  fc.record({
    method: fc.constant('POST' as const),
    url: fc
      .tuple(name, version, fc.constantFrom(...verbs))
      .map(([n, v, verb]) => `/admin/projections/${n}/versions/${v}/${verb}`),
    payload: anyBody,
  }),
  fc.record({
    method: fc.constant('POST' as const),
    url: name.map((n) => `/admin/projections/${n}/rollback`),
    payload: anyBody,
  }),
  fc.record({
    method: fc.constant('GET' as const),
    url: fc
      .tuple(name, version, fc.constantFrom('', '?limit=0', '?limit=5', '?limit=abc', '?x=1'))
      .map(([n, v, query]) => `/admin/projections/${n}/versions/${v}/parked${query}`),
    payload: fc.constant(undefined),
  }),
  fc.record({
    method: fc.constant('POST' as const),
    url: fc
      .tuple(name, version, fc.constantFrom('retry', 'skip'))
      .map(([n, v, verb]) => `/admin/projections/${n}/versions/${v}/parked/${verb}`),
    payload: eventBody,
  }),
  fc.record({
    method: fc.constant('GET' as const),
    url: fc
      .tuple(
        fc.constantFrom('name', 'limit', 'before', 'other'),
        fc.oneof(fc.string({ maxLength: 25 }), fc.stringMatching(/^\d{1,25}$/)),
      )
      .map(([key, value]) => `/admin/audit?${key}=${encodeURIComponent(value)}`),
    payload: fc.constant(undefined),
  }),
  fc.record({
    method: fc.constant('POST' as const),
    url: fc.constant('/admin/dead-letters/redrive'),
    payload: fc.oneof(
      anyBody,
      fc.record({
        offsets: fc.array(fc.oneof(fc.string({ maxLength: 25 }), fc.integer()), { maxLength: 3 }),
      }),
    ),
  }),
);

describe('the admin routes, given what a client may send', () => {
  let r: Running;
  beforeEach(async () => {
    ({ running: r } = await startOperated({ token }));
  });
  afterEach(async () => {
    await r.stop();
  });

  it('never answer a 5xx: every refusal is a problem document with a 4xx status', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, url, payload }) => {
        const res = await r.app!.inject({
          method,
          url,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
        });
        expect(res.statusCode, `${method} ${url} ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
          expect(res.json<{ detail: string }>().detail.length, url).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
