import { ProjectionistError } from '../errors/index.ts';

const minimumLength = 32;

/**
 * Returns the staging key if it is usable, else throws. The message names the variable and the
 * rule, never the key or anything about it (not even its length).
 */
export const checkStagingKey = (key: unknown): string => {
  if (typeof key !== 'string' || key.trim() === '') {
    throw new ProjectionistError(
      'PRJ_STAGING_KEY_MISSING',
      `the staging key is missing: set PROJECTIONIST_STAGING_KEY to a secret of at least ${minimumLength} characters`,
    );
  }
  if (key.trim().length < minimumLength) {
    throw new ProjectionistError(
      'PRJ_STAGING_KEY_MISSING',
      `the staging key is too short: PROJECTIONIST_STAGING_KEY must hold at least ${minimumLength} characters`,
    );
  }
  return key;
};
