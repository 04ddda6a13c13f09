// Definitions: what a projection is (define, validate, column types, names) and how versions are found on disk.
export { defineProjection } from './defineProjection.ts';
export { defineProjectionOf, type EventOf } from './defineProjectionOf.ts';
export {
  definitionIn,
  definitionModule,
  fileDigest,
  loadProjections,
  type DefinitionModule,
} from './loadProjections.ts';
export type {
  BatchStore,
  ProjectionCheck,
  SameRowsCheck,
  RowSource,
  ProjectionDefinition,
  ProjectionEvent,
  ProjectionHandler,
  ProjectionInput,
  PoisonPolicy,
  RowOf,
  SqlParam,
  TablesSpec,
  Row,
  TableModel,
  ProjectionModel,
  VersionRef,
} from './projectionTypes.ts';
export {
  type ColumnType,
  type JsonValue,
  toPgText,
  sqlTypes,
  decodeSelected,
  selectExpression,
  type ColumnValue,
  normalizeValue,
  parseText,
  type Normalized,
} from './columnTypes.ts';
export {
  registrySchema,
  stableSchemaName,
  versionSchemaName,
  quoteIdentifier,
  qualifiedName,
  projectionNameProblem,
} from './schemaNames.ts';
export { closestName } from './closestName.ts';
export { fillTables } from './fillTables.ts';
