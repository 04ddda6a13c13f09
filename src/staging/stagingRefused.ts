import { ProjectionistError } from '../errors/index.ts';

/** The error for a staging setup that cannot be run safely; the message names what to change. */
export const stagingRefused = (message: string): ProjectionistError =>
  new ProjectionistError('PRJ_STAGING_REFUSED', `staging refused: ${message}`);
