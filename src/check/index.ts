// The deploy gate: the real log judged by the contracts about to be deployed (`projectionist check`).
export { checkLog } from './checkLog.ts';
export type { CheckedTopic, Finding, LogCheck, TypeCount, UnhandledType } from './LogCheck.ts';
