import { describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { createStagingFilter } from '../../src/staging/index.ts';

const attempt = (key: string | undefined): unknown => {
  try {
    createStagingFilter({ registry: contractRegistry, key });
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('the staging key', () => {
  it('is required: without one the filter is not made, and the error names the variable', () => {
    const error = attempt(undefined);
    expect(isProjectionistError(error, 'PRJ_STAGING_KEY_MISSING')).toBe(true);
    expect((error as Error).message).toMatch(/PROJECTIONIST_STAGING_KEY/);
    expect(isProjectionistError(attempt('   '), 'PRJ_STAGING_KEY_MISSING')).toBe(true);
  });

  it('must hold at least 32 characters, and a short one is never repeated in the error', () => {
    const short = 'short-but-secret-key-31-chars-x';
    expect(short).toHaveLength(31);
    const error = attempt(short);
    expect(isProjectionistError(error, 'PRJ_STAGING_KEY_MISSING')).toBe(true);
    expect((error as Error).message).toMatch(/at least 32 characters/);
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(short);
    expect(attempt(`${short}y`)).toBeUndefined();
  });
});
