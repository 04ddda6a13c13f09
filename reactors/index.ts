// The deployed reactors: every reactors/<name>.ts, found and checked against the contracts at
// start; `serve` runs each on live events. Deploying a reactor is adding its file.
import { contractRegistry } from '../events/index.ts';
import { loadReactors, type ReactorDefinition } from '../src/index.ts';

export const reactors: readonly ReactorDefinition[] = await loadReactors({
  folder: import.meta.dirname,
  contracts: contractRegistry,
});
