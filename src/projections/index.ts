// Projections: the batch engine that runs a projection version over the log (apply, flush, park, checkpoint).
export { Projector, type ProjectorOptions, type ProjectorState } from './Projector.ts';
export { replayProjection, type ReplayResult } from './replayProjection.ts';
export {
  runVersion,
  type BuildPlan,
  type RunPlan,
  type RunResult,
  type RunVersionOptions,
} from './runVersion.ts';
export { defaultBatchLimits, type BatchLimits, runBatches } from './runBatches.ts';
export {
  contractsDecoder,
  type ContractsRegistry,
  type DecodeOutcome,
  type EventDecoder,
} from './eventDecoder.ts';
export type { ProjectorEvents } from './projectorEvents.ts';
export { replayInThread, type ReplayThreadOptions } from './replayThread.ts';
export { createEmitter, type Emitter } from './createEmitter.ts';
export {
  createTables,
  createIndexes,
  emptyTables,
  tableStatements,
  indexStatements,
  analyzeStatements,
} from './createTables.ts';
export { retryParked } from './retryParked.ts';
export { decodeRow, selectList, loadRows } from './loadRows.ts';
export { decodeRecord } from './decodeRecord.ts';
export { createBatchState } from './createBatchState.ts';
export { flushBatch } from './flushBatch.ts';
export { createSlicer, foreground } from './foreground.ts';
