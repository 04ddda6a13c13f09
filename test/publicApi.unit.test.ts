import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';

// The runtime names of the public API, written out: a new public name is a change to this list
// (and to the README's public-API paragraph). Types are not listed: they vanish at run time.
const expectedNames = [
  'ProjectionistError',
  'contractsDecoder',
  'createContractRegistry',
  'defineAggregate',
  'defineCommand',
  'defineEvent',
  'defineProjectionOf',
  'defineReactor',
  'isProjectionistError',
  'loadProjections',
  'loadReactors',
  'notPersonal',
  'personal',
  'projectionTestKit',
  'freshDatabase',
];

const sourceFiles = async (dir: string): Promise<string[]> => {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
};

describe('the public API', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(api).sort()).toEqual([...expectedNames].sort());
  });

  it('is made of explicit names: no module under src/ re-exports with export *', async () => {
    const root = join(import.meta.dirname, '..', 'src');
    const starred: string[] = [];
    for (const file of await sourceFiles(root)) {
      if (/^\s*export\s+\*/m.test(await readFile(file, 'utf8'))) starred.push(file.slice(root.length + 1));
    }
    expect(starred).toEqual([]);
  });
});
