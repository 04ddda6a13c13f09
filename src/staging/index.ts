// Staging: makes production events fit for a staging environment by anonymizing them along
// their contracts' PII tags, failing closed. The refresh replays the log through this filter.
export { createStagingFilter, type StagingFilterOptions } from './createStagingFilter.ts';
export type { StagingFilter, StagingVerdict } from './StagingFilter.ts';
export { defaultPolicy } from './defaultPolicy.ts';
export type { Strategy } from './strategies.ts';
export { refreshStaging, type StagingRefreshResult } from './refreshStaging.ts';
export { refreshStagingDatabase } from './refreshStagingDatabase.ts';
export { writeStagingTopic, stagingWriterGroup, type StagingTopicResult } from './writeStagingTopic.ts';
export { scanStaging, type StagingScan } from './scanStaging.ts';
export { parseCanaries } from './parseCanaries.ts';
export type { Canary, CanaryHit } from './Canary.ts';
