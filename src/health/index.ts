// Health: what each component reports of itself and what readiness (/readyz) answers from it.
export { createHealth, type Health } from './createHealth.ts';
export { failureWindow } from './failureWindow.ts';
