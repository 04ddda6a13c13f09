import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemOf } from '../../src/api/problem.ts';
import {
  errorCodes,
  isProjectionistError,
  ProjectionistError,
  type ErrorCode,
} from '../../src/errors/index.ts';

// The closed list, written out: adding or removing a code is a change to this test (and to the
// README's error-codes table).
const expectedCodes = [
  'PRJ_CONFIG_INVALID',
  'PRJ_REGISTRY_MISSING',
  'PRJ_KAFKA_UNAVAILABLE',
  'PRJ_TOPIC_MISCONFIGURED',
  'PRJ_LOG_TRUNCATED',
  'PRJ_ENVELOPE_MALFORMED',
  'PRJ_READER_STOPPED',
  'PRJ_VALIDATION',
  'PRJ_NOT_FOUND',
  'PRJ_UNAUTHORIZED',
  'PRJ_PAYLOAD_TOO_LARGE',
  'PRJ_UNSUPPORTED_MEDIA_TYPE',
  'PRJ_PROJECTION_INVALID',
  'PRJ_HANDLER_FAILED',
  'PRJ_LEASE_HELD',
  'PRJ_LEASE_LOST',
  'PRJ_VERSION_STATE',
  'PRJ_NOT_CAUGHT_UP',
  'PRJ_CHECK_FAILED',
  'PRJ_UNVERIFIED',
  'PRJ_STALE_READ',
  'PRJ_CUTOVER_BLOCKED',
  'PRJ_STAGING_KEY_MISSING',
  'PRJ_STAGING_REFUSED',
  'PRJ_ALREADY_RUNNING',
  'PRJ_CONTRACT_INVALID',
  'PRJ_WAITING_FOR_CODE',
  'PRJ_INTERNAL',
];

// The codes the CLI answers with its `refused` exit status; scripts rely on them.
const expectedRefusals = [
  'PRJ_LOG_TRUNCATED',
  'PRJ_TOPIC_MISCONFIGURED',
  'PRJ_STAGING_REFUSED',
  'PRJ_STAGING_KEY_MISSING',
  'PRJ_VERSION_STATE',
  'PRJ_NOT_CAUGHT_UP',
  'PRJ_CHECK_FAILED',
  'PRJ_UNVERIFIED',
  'PRJ_CUTOVER_BLOCKED',
  'PRJ_NOT_FOUND',
  'PRJ_ALREADY_RUNNING',
];

const codes = Object.keys(errorCodes) as ErrorCode[];

const sourceFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
};

describe('errorCodes', () => {
  it('is exactly the closed list written in this test', () => {
    expect(codes).toEqual(expectedCodes);
  });

  it('gives every code the PRJ_ prefix, an HTTP error status and a summary', () => {
    for (const code of codes) {
      const { status, retryable, summary, refused } = errorCodes[code];
      expect(code).toMatch(/^PRJ_[A-Z]+(_[A-Z]+)*$/);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(typeof retryable, code).toBe('boolean');
      expect(typeof refused, code).toBe('boolean');
      expect(summary.trim().length, code).toBeGreaterThan(10);
      expect(summary, code).toMatch(/\.$/);
    }
  });

  it('marks as refusals exactly the codes the CLI answers with its refused exit status', () => {
    expect(codes.filter((code) => errorCodes[code].refused).sort()).toEqual([...expectedRefusals].sort());
  });

  it('holds every PRJ_ code that the sources name', async () => {
    const files = await sourceFiles(join(import.meta.dirname, '../../src'));
    expect(files.length).toBeGreaterThan(50);
    const used = new Set<string>();
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/['"`](PRJ_[A-Z_]+)['"`]/g)) used.add(match[1] as string);
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((code) => !(code in errorCodes))).toEqual([]);
  });

  it('maps every code to its status in the HTTP problem document', () => {
    for (const code of codes) {
      const problem = problemOf(code, 'detail');
      expect(problem.status, code).toBe(errorCodes[code].status);
      expect(problem.code).toBe(code);
      expect(problem.title).toBe(errorCodes[code].summary);
      expect(problem.type).toBe(`https://projectionist.dev/errors/${code}`);
    }
  });
});

describe('ProjectionistError', () => {
  it('carries its code, whether a retry can help, its cause and frozen details', () => {
    const cause = new Error('underneath');
    const error = new ProjectionistError('PRJ_LEASE_HELD', 'held', { cause, details: { by: 'other' } });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('PRJ_LEASE_HELD');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ by: 'other' });
    expect(Object.isFrozen(error.details)).toBe(true);
    expect(isProjectionistError(error, 'PRJ_LEASE_HELD')).toBe(true);
    expect(isProjectionistError(error, 'PRJ_LEASE_LOST')).toBe(false);
    expect(isProjectionistError(new Error('plain'))).toBe(false);
  });
});
