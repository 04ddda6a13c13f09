// The command side: intake (HTTP and topic), upcast, validate, decide, append exactly once; dead letters.
export { describeMessageIssues, type CommandCatalog } from './CommandCatalog.ts';
export { catalogFromContracts } from './catalogFromContracts.ts';
export { commandRequestSchema, commandBatchSchema } from './commandRequestSchema.ts';
export { findUnstorableText, unstorableReason } from './findUnstorableText.ts';
export { acceptCommands } from './acceptCommands.ts';
export { startCommandSide } from './startCommandSide.ts';
export type { CommandEvents, IntakeRefusal } from './commandEvents.ts';
export {
  createCommandStore,
  type CommandStore,
  type DecisionPlace,
  type StoredOutcome,
} from './commandStore.ts';
export { awaitOutcome } from './awaitOutcome.ts';
export { commandOutcomeType, type CommandOutcome } from './commandOutcome.ts';
export { deadLetterHeaders, deadLetterRecord } from './deadLetterRecord.ts';
export { createSliceWork, type SliceMemory } from './decideSlice.ts';
export { parseCommandRecord } from './parseCommandRecord.ts';
export { deadLetterSummary, listDeadLetters, redriveDeadLetters, type DeadLetter } from './deadLetters.ts';
