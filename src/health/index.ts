// Health: what each component reports of itself and what readiness (/readyz) answers from it.
export {
  createHealth,
  type ComponentReport,
  type ComponentState,
  type Health,
  type HealthSnapshot,
  type Probe,
} from './createHealth.ts';
export { failureWindow } from './failureWindow.ts';
