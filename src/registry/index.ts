// The registry: every table the project keeps beside the projections' own, and their numbered
// migrations (migrations/NNN_*.sql): projectionist.* (projections, versions, rebuilds, checkpoints,
// leases, audit, parked events, accepted commands) and projectionist_environment.* (the
// environment mark, staging refreshes). Each module runs one statement (or one transaction of one job).
export { migrateRegistry } from './migrateRegistry.ts';
export { requireRegistry } from './requireRegistry.ts';
export { registerVersion } from './registerVersion.ts';
export { findDrift, type DefinitionDrift } from './findDrift.ts';
export { setVersionState, versionStateStatement } from './setVersionState.ts';
export { versionStateOf, type VersionState, type VersionStatus } from './versionState.ts';
export { readCheckpoints } from './readCheckpoints.ts';
export { checkpointsStatement } from './checkpointsStatement.ts';
export { writeProgress } from './writeProgress.ts';
export { readVersionRows, readVersionRow, type VersionRow } from './readVersionRows.ts';
export { writeRebuild, rebuildStatement, type RebuildFields, type RebuildPhase } from './writeRebuild.ts';
export type {
  Verification,
  CheckResult,
  ContentComparison,
  DifferingKey,
  VerificationOutcome,
} from './verification.ts';
export { acquireLease, type Lease } from './acquireLease.ts';
export { waitForLease } from './waitForLease.ts';
export { checkRenewed, renewLease, inLeasedRoundTrip, renewLeaseStatement } from './renewLease.ts';
export { releaseLease } from './releaseLease.ts';
export { keepLeaseAlive } from './keepLeaseAlive.ts';
export { activeVersion } from './activeVersion.ts';
export { defaultHolder } from './defaultHolder.ts';
export { type ParkedEvent, type ParkKind, storableText } from './parkedEvent.ts';
export { listParked, type ParkedSummary } from './listParked.ts';
export { requestParkedRetry } from './requestParkedRetry.ts';
export { skipParked } from './skipParked.ts';
export { countParked, parkedOf, type ParkedCount } from './countParked.ts';
export { versionHealth, type VersionHealth } from './versionHealth.ts';
export { type RetryScope, readParkedRecords } from './readParkedRecords.ts';
export { listProjections, type ProjectionSummary, type VersionSummary } from './listProjections.ts';
export { parkedRetryDue } from './parkedRetryDue.ts';
export { parkEvents } from './parkEvents.ts';
export { releaseParked } from './releaseParked.ts';
export { dropStaleParked } from './dropStaleParked.ts';
export { readBlockedStreams } from './readBlockedStreams.ts';
export { inFencedTransaction } from './inFencedTransaction.ts';
export { readLastSwitch, type LastSwitch } from './readLastSwitch.ts';
export { readLastAuditId } from './readLastAuditId.ts';
export { readCutoversSince, type AuditEntry } from './readCutoversSince.ts';
export { readAuditLog } from './readAuditLog.ts';
export { insertAudit, auditStatement } from './insertAudit.ts';
export { lockFromScratch } from './lockFromScratch.ts';
export { lockProjection, lockProjectionStatement, type LockedProjection } from './lockProjection.ts';
export { lockVersionRow, lockVersionRowStatement } from './lockVersionRow.ts';
export { setActiveVersion, activeVersionStatement } from './setActiveVersion.ts';
export { deleteLease } from './deleteLease.ts';
export { fenceLease, fenceLeaseStatement } from './fenceLease.ts';
export { deleteCheckpoints, deleteCheckpointsStatement } from './deleteCheckpoints.ts';
export { readRollbackTarget } from './readRollbackTarget.ts';
export { readVersionActive } from './readVersionActive.ts';
export { markEnvironment } from './markEnvironment.ts';
export { readEnvironmentRole } from './readEnvironmentRole.ts';
export { holdsRegistry } from './holdsRegistry.ts';
export { insertRefresh } from './insertRefresh.ts';
export { readRefreshSource } from './readRefreshSource.ts';
export { insertAccepted } from './insertAccepted.ts';
export { readAccepted, type AcceptedCommand } from './readAccepted.ts';
export { parkedReasons, parkedReasonsStatement } from './parkedReasons.ts';
export { forgetVersion } from './forgetVersion.ts';
export { recordShadowReads, type ShadowCounts } from './recordShadowReads.ts';
export { readShadowReads, type ShadowTally } from './readShadowReads.ts';
export { readServingCheckpoints } from './readServingCheckpoints.ts';
export { forgetShadowReads } from './forgetShadowReads.ts';
