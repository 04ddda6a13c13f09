// The command side: intake (HTTP and topic), upcast, validate, decide, append exactly once; dead letters.
export type { CommandCatalog, DecodedMessage, Decision } from './CommandCatalog.ts';
export { catalogFromContracts } from './catalogFromContracts.ts';
export { commandRequestSchema, commandBatchSchema, type CommandRequest } from './commandRequestSchema.ts';
export { findUnstorableText, unstorableReason, type UnstorableText } from './findUnstorableText.ts';
export { acceptCommands, commandIssues, type Issue } from './acceptCommands.ts';
export { CommandWorker, type CommandWorkerOptions } from './CommandWorker.ts';
export { CommandStateRecorder } from './CommandStateRecorder.ts';
export { startCommandSide, type CommandSide } from './startCommandSide.ts';
export {
  createCommandStore,
  commandSchemaName,
  type CommandStore,
  type StoredOutcome,
} from './commandStore.ts';
export { commandOutcomeType, type CommandOutcome } from './commandOutcome.ts';
export { deadLetterHeaders, deadLetterRecord } from './deadLetterRecord.ts';
export { processCommandSlice, type SliceResult } from './processCommandSlice.ts';
export { listDeadLetters, redriveDeadLetters, type DeadLetter } from './deadLetters.ts';
