import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const src = join(root, 'src');
/** The project's code (tests aside, which may look into the registry to check it). */
const codeFolders = ['src', 'bench', 'scripts', 'events', 'projections', 'reactors'];

const sourceFiles = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true }))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f))
    .sort();

/** Every line of the project's code (or `folders`) outside `folder` that matches `pattern`, as "file:line: text". */
const linesOutside = async (
  folder: string,
  pattern: RegExp,
  folders: readonly string[] = codeFolders,
): Promise<string[]> => {
  const found: string[] = [];
  const files = (await Promise.all(folders.map((f) => sourceFiles(join(root, f))))).flat();
  for (const file of files) {
    const path = relative(root, file);
    if (path.startsWith(folder)) continue;
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (pattern.test(line)) found.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
};

// A schema-qualified name in the registry's schemas: `projectionist.versions`,
// `projectionist_environment.role`, `projectionist.${table}`. Two strings that only look like
// one are not SQL: the error documents' base URL and the command outcome's event type.
const registryName = /\bprojectionist(_environment)?\.(?!dev\/|CommandOutcome\b)[a-z_$]/;

describe('the registry owns its SQL', () => {
  it('no code outside src/registry/ (src, bench, scripts, the user folders) names a table of projectionist.* or projectionist_environment.*', async () => {
    expect(await linesOutside('src/registry/', registryName)).toEqual([]);
  });

  it('no file of src/ outside src/registry/ creates a table, except the engine creating a version’s own', async () => {
    const ddl = /\bcreate\s+table\b/i;
    const found = (await linesOutside('src/registry/', ddl, ['src'])).filter(
      (line) => !line.startsWith('src/projections/createTables.ts:'),
    );
    expect(found).toEqual([]);
  });

  it('imports nothing from the parts that call it (no folder cycle)', async () => {
    const parts = new Set<string>();
    for (const file of await sourceFiles(join(src, 'registry')))
      for (const [, part] of (await readFile(file, 'utf8')).matchAll(/from '\.\.\/([a-z]+)\//g))
        if (part !== undefined) parts.add(part);
    expect([...parts].sort()).toEqual(['db', 'definitions', 'errors', 'log']);
  });

  it('sees what it looks for (the patterns match the registry’s own modules)', async () => {
    const own = await readFile(join(src, 'registry/writeProgress.ts'), 'utf8');
    expect(registryName.test(own)).toBe(true);
    expect(registryName.test('`delete from projectionist.${table} where name = $1`')).toBe(true);
    expect(registryName.test('type: `https://projectionist.dev/errors/${code}`')).toBe(false);
  });
});
