// The public API: what events/ and projections/ (the user's rooms) import. Never kafkajs, never pg.
export * from './contracts/index.ts';
export {
  defineProjection,
  defineReactor,
  projectionTestKit,
  type BatchStore,
  type ColumnSpec,
  type ColumnType,
  type JsonValue,
  type KeyOf,
  type ProjectionCheck,
  type ProjectionDefinition,
  type ProjectionEvent,
  type ProjectionHandler,
  type ReactorContext,
  type ReactorDefinition,
  type ReactorHandler,
  type RowOf,
  type TablesSpec,
} from './projections/index.ts';
