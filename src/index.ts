// The public API: what events/ and projections/ (the user's rooms) import. Never kafkajs, never pg.
export * from './contracts/index.ts';
export {
  defineProjection,
  defineProjectionOf,
  loadProjections,
  type BatchStore,
  type ColumnSpec,
  type ColumnType,
  type EventOf,
  type HandlersOf,
  type JsonValue,
  type KeyOf,
  type ProjectionCheck,
  type ProjectionDefinition,
  type ProjectionEvent,
  type ProjectionHandler,
  type RowOf,
  type TablesSpec,
} from './definitions/index.ts';
export {
  defineReactor,
  loadReactors,
  type ReactorContext,
  type ReactorDefinition,
  type ReactorHandler,
} from './reactors/index.ts';
export { projectionTestKit } from './testing/index.ts';
