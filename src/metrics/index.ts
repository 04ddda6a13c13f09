// Metrics: a per-process prom-client registry fed by the engine's typed lifecycle events.
export { createMetrics, type AnsweredRequest, type Metrics } from './createMetrics.ts';
