import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contracts } from '../../events/index.ts';

const events = join(import.meta.dirname, '../../events');

const isContract = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  'versions' in value &&
  ((value as { kind?: unknown }).kind === 'event' || (value as { kind?: unknown }).kind === 'command');

// events/index.ts lists its contracts by hand, since the Events union that types projection
// handlers needs static imports; this guards the list against a contract file left out of it.
describe('events/index.ts', () => {
  it('registers every contract exported by a file under events/', async () => {
    const files = (await readdir(events, { recursive: true }))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .sort();
    const missing: string[] = [];
    for (const file of files) {
      const module = (await import(pathToFileURL(join(events, file)).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (isContract(value) && !contracts.includes(value as (typeof contracts)[number])) {
          missing.push(`${file}: ${name}`);
        }
      }
    }
    expect(files.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
