import type { Scenario } from './support/scenarioResult.ts';

export const poison: Scenario = {
  name: 'poison',
  title: 'todo',
  run: async () => ({ rounds: 0, faults: {}, lost: 0, doubled: 0, wedged: 0, fiveXx: 0, details: [] }),
};
