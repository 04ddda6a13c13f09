// Reactors: handlers with side effects, run on live events only.
export {
  defineReactor,
  type ReactorContext,
  type ReactorDefinition,
  type ReactorHandler,
} from './defineReactor.ts';
export { ReactorRunner, type ReactorRunnerOptions } from './ReactorRunner.ts';
export type { ReactorEvents } from './reactorEvents.ts';
export { loadReactors } from './loadReactors.ts';
