import type { RebuildEvents } from './rebuildEvents.ts';

// Every key, once: a new event in RebuildEvents does not compile until it is named here.
const names: { readonly [K in keyof RebuildEvents]: true } = {
  'rebuild:started': true,
  'rebuild:batch': true,
  'rebuild:waiting': true,
  'rebuild:built': true,
  'rebuild:caught-up': true,
  'rebuild:verified': true,
  'rebuild:standby': true,
  'rebuild:stopped': true,
  'rebuild:failed': true,
  'rebuild:error': true,
  'cutover:done': true,
  'cutover:refused': true,
  'version:retired': true,
  'version:state': true,
  'version:batch': true,
  'version:parked': true,
  'version:released': true,
  'version:drift': true,
  'engine:error': true,
};

/** The name of every rebuild engine event, for code that passes them all on (a recorder, a feed). */
export const rebuildEventNames = Object.keys(names) as readonly (keyof RebuildEvents)[];
