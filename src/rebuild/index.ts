// Rebuilds: new projection versions built beside the old, caught up, verified, cut over, rolled
// back and retired; the engine that does it in the background, and the operator's verbs.

// The engine (one per process).
export { RebuildEngine, type RebuildEngineOptions, type CutoverPolicy } from './RebuildEngine.ts';
export type { RebuildEvents } from './rebuildEvents.ts';
export { rebuildEventNames } from './rebuildEventNames.ts';
export { createRegistryWatcher } from './createRegistryWatcher.ts';

// The operator's verbs: each works from any process, against the registry.
export { runVerb, operatorVerbs, type OperatorVerb, type VerbContext, type VerbResults } from './runVerb.ts';
export { cutover } from './cutover.ts';
export { rollback } from './rollback.ts';
export { retire, type Retirement } from './retire.ts';
export { requestRebuild, type RebuildRequest } from './requestRebuild.ts';
export { pauseVersion } from './pauseVersion.ts';
export { resumeVersion } from './resumeVersion.ts';
export { cancelRebuild } from './cancelRebuild.ts';
export type { CutoverResult, SwitchOptions as CutoverOptions } from './switchVersion.ts';

// Looking.
export { planRebuild } from './planRebuild.ts';
export { planRetire } from './planRetire.ts';
export { planRollback } from './planRollback.ts';
export type { OperationPlan, PlanStep } from './OperationPlan.ts';
export { verifyVersion, type Verification } from './verifyVersion.ts';
export type { CheckResult } from './runCheck.ts';
export {
  rebuildStatus,
  type ProjectionReport,
  type VersionReport,
  type RebuildActivity,
} from './rebuildStatus.ts';
export { activateVersion, type Activation } from './activateVersion.ts';
export { findLockBlockers, findLockHolders, type LockBlocker } from './findLockBlockers.ts';
