// Projections: versioned read models built from the log, their registry, reactors and test kit.

// Defining projections and reactors (what projections/ imports).
export { defineProjection } from './defineProjection.ts';
export {
  defineProjectionOf,
  type EventOf,
  type HandlersOf,
  type TypedProjectionInput,
} from './defineProjectionOf.ts';
export { loadProjections, type LoadProjectionsOptions } from './loadProjections.ts';
export type {
  BatchStore,
  ColumnSpec,
  KeyOf,
  ProjectionCheck,
  ProjectionDefinition,
  ProjectionEvent,
  ProjectionHandler,
  ProjectionInput,
  PoisonPolicy,
  RowOf,
  RowRef,
  SqlParam,
  TableSpec,
  TablesSpec,
} from './projectionTypes.ts';
export type { ColumnType, ColumnValues, JsonValue } from './columnTypes.ts';
export {
  defineReactor,
  type ReactorContext,
  type ReactorDefinition,
  type ReactorHandler,
} from './defineReactor.ts';

// Running them.
export { Projector, type ProjectorOptions, type ProjectorState } from './Projector.ts';
export { replayProjection, type ReplayResult } from './replayProjection.ts';
export { ReactorRunner, type ReactorRunnerOptions } from './ReactorRunner.ts';
export { defaultBatchLimits, type BatchLimits } from './runBatches.ts';
export {
  contractsDecoder,
  type ContractsRegistry,
  type DecodeOutcome,
  type EventDecoder,
} from './eventDecoder.ts';
export type { ProjectorEvents } from './projectorEvents.ts';
export type { ReactorEvents } from './reactorEvents.ts';
export { createEmitter, type Emitter } from './createEmitter.ts';

// The registry, schemas and cutover.
export { migrateRegistry } from './migrateRegistry.ts';
export { registerVersion } from './registerVersion.ts';
export { findDrift, type DefinitionDrift } from './findDrift.ts';
export { setVersionState } from './setVersionState.ts';
export { versionStateOf, type VersionState, type VersionStatus } from './versionState.ts';
export { createTables, createIndexes, emptyTables } from './createTables.ts';
export { readCheckpoints } from './checkpoints.ts';
export {
  acquireLease,
  waitForLease,
  renewLease,
  releaseLease,
  keepLeaseAlive,
  type Lease,
} from './acquireLease.ts';
export { activateVersion, type Activation } from './activateVersion.ts';
export { findLockBlockers, findLockHolders, type LockBlocker } from './findLockBlockers.ts';
export { activeVersion } from './activeVersion.ts';
export {
  registrySchema,
  stableSchemaName,
  versionSchemaName,
  quoteIdentifier,
  qualifiedName,
} from './schemaNames.ts';
export { inTransaction } from './inTransaction.ts';
export { defaultHolder } from './defaultHolder.ts';

// Parked events: what a version could not take, and the operator's verbs on them.
export type { ParkedEvent, ParkKind } from './parkedEvent.ts';
export { listParked, type ParkedSummary } from './listParked.ts';
export { requestParkedRetry } from './requestParkedRetry.ts';
export { skipParked } from './skipParked.ts';
export { countParked, parkedOf, type ParkedCount } from './countParked.ts';
export { versionHealth, type VersionHealth } from './versionHealth.ts';
export { retryParked } from './retryParked.ts';
export type { RetryScope } from './readParkedRecords.ts';

// Reading.
export { listProjections, type ProjectionSummary, type VersionSummary } from './listProjections.ts';
export { readRows, type JsonRow, type RowsPage } from './readRows.ts';

// Testing projections.
export { projectionTestKit, ProjectionTestKit, type TestEvent } from './projectionTestKit.ts';
