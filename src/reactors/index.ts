// Reactors: handlers with side effects, run on live events only.
export { defineReactor, type ReactorDefinition } from './defineReactor.ts';
export { ReactorRunner } from './ReactorRunner.ts';
export { loadReactors } from './loadReactors.ts';
