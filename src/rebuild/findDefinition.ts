import { ProjectionistError } from '../errors/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';

/** The deployed definition of one version; PRJ_NOT_FOUND when this code has none. */
export const findDefinition = (
  definitions: readonly ProjectionDefinition[],
  name: string,
  version: number,
): ProjectionDefinition => {
  const found = definitions.find((d) => d.name === name && d.version === version);
  if (found === undefined)
    throw new ProjectionistError(
      'PRJ_NOT_FOUND',
      `${name} v${version} is not among the deployed projections`,
      {
        details: { name, version },
      },
    );
  return found;
};
