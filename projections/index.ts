// The deployed projection versions: every projections/<name>/v<N>.ts, found and checked against
// the contracts at start. A new version is a new file beside the old one, built while the old
// one serves; nothing here lists them.
import { contractRegistry } from '../events/index.ts';
import { loadProjections, type ProjectionDefinition } from '../src/index.ts';

export const projections: readonly ProjectionDefinition[] = await loadProjections({
  folder: import.meta.dirname,
  contracts: contractRegistry,
});
