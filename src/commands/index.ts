// The command side: intake (HTTP and topic), upcast, validate, decide, append exactly once; dead letters.
export type { CommandCatalog, DecodedMessage, Decision } from './CommandCatalog.ts';
export { catalogFromContracts } from './catalogFromContracts.ts';
export { commandRequestSchema, commandBatchSchema, type CommandRequest } from './commandRequestSchema.ts';
export { findUnstorableText, unstorableReason, type UnstorableText } from './findUnstorableText.ts';
export { acceptCommands, commandIssues, type Issue } from './acceptCommands.ts';
export { CommandWorker, type CommandWorkerOptions } from './CommandWorker.ts';
export { startCommandSide, type CommandSide } from './startCommandSide.ts';
export {
  createCommandStore,
  commandSchemaName,
  type CommandStore,
  type StoredOutcome,
  type StreamState,
  type WaitingCommand,
} from './commandStore.ts';
export { commandOutcomeType, type CommandOutcome, type HeldCommand } from './commandOutcome.ts';
export { deadLetterHeaders, deadLetterRecord } from './deadLetterRecord.ts';
export { createSliceWork, type SliceDecisions, type SliceMemory } from './decideSlice.ts';
export { parseCommandRecord, type ParsedCommand } from './parseCommandRecord.ts';
export { commandStateProjection, commandStateName, commandStateDecoder } from './commandStateProjection.ts';
export { listDeadLetters, redriveDeadLetters, type DeadLetter } from './deadLetters.ts';
