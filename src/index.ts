// The public API: what the user's rooms (events/, projections/, reactors/) and their tests import.
// Never kafkajs, never pg. Every name is listed by hand and test/publicApi.unit.test.ts holds
// the list, so a new public name is a deliberate change.

// Contracts (events/): commands, events, aggregates, and the PII tag of every field.
export {
  createContractRegistry,
  defineAggregate,
  defineCommand,
  defineEvent,
  notPersonal,
  personal,
  type AnyContract,
} from './contracts/index.ts';

// Projection versions (projections/<name>/v<N>.ts), found from their folder.
export {
  defineProjectionOf,
  loadProjections,
  type BatchStore,
  type EventOf,
  type ProjectionDefinition,
  type ProjectionEvent,
  type ProjectionHandler,
  type TablesSpec,
} from './definitions/index.ts';

// Reactors (reactors/<name>.ts): side effects on live events.
export { defineReactor, loadReactors, type ReactorDefinition } from './reactors/index.ts';

// A user's tests: a projection run against a real PostgreSQL, events decoded through the contracts.
export { contractsDecoder } from './projections/index.ts';
export {
  freshDatabase,
  projectionTestKit,
  type FreshDatabase,
  type ProjectionTestKit,
  type TestEvent,
} from './testing/index.ts';

// Errors: every refusal is a ProjectionistError with a code from one closed list.
export { ProjectionistError, isProjectionistError, type ErrorCode } from './errors/index.ts';
