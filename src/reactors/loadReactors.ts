import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContractRegistry } from '../contracts/index.ts';
import { closestName } from '../definitions/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import type { ReactorDefinition } from './defineReactor.ts';

const reactorFile = /^([a-z][a-z0-9_-]*)\.ts$/;

const isReactor = (value: unknown): value is ReactorDefinition =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'reactor';

/** What is wrong with one reactor file: its exports, its name against the file's, its event types. */
const problemsOf = (
  label: string,
  name: string,
  exported: readonly ReactorDefinition[],
  eventTypes: readonly string[],
): string[] => {
  const [reactor, ...others] = exported;
  if (reactor === undefined) return [`${label} exports no reactor (defineReactor({...}))`];
  if (others.length > 0) return [`${label} exports ${exported.length} reactors; one file holds one`];
  const problems = reactor.name === name ? [] : [`${label} defines ${reactor.name}; its file says ${name}`];
  for (const type of Object.keys(reactor.handlers).filter((t) => !eventTypes.includes(t))) {
    const closest = closestName(type, eventTypes);
    problems.push(
      `${label} reacts to ${type}, which is not a registered event type${closest === undefined ? '' : ` (did you mean ${closest}?)`}`,
    );
  }
  return problems;
};

/**
 * Finds, imports and checks every reactor in `folder`: one `<name>.ts` a reactor (index.ts and
 * other names are skipped), so deploying a reactor is adding its file. Throws
 * PRJ_PROJECTION_INVALID listing every problem of every file, so a start fails at once.
 */
export const loadReactors = async (options: {
  folder: string;
  contracts: Pick<ContractRegistry, 'contracts'>;
}): Promise<readonly ReactorDefinition[]> => {
  const eventTypes = options.contracts.contracts.filter((c) => c.kind === 'event').map((c) => c.type);
  const reactors: ReactorDefinition[] = [];
  const problems: string[] = [];
  const entries = (await readdir(options.folder, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name !== 'index.ts')
    .map((e) => ({ entry: e, match: reactorFile.exec(e.name) }))
    .sort((a, b) => (a.entry.name < b.entry.name ? -1 : 1));
  for (const { entry, match } of entries) {
    if (match?.[1] === undefined) continue;
    const path = join(options.folder, entry.name);
    const label = relative(process.cwd(), path);
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    const exported = Object.values(module).filter(isReactor);
    const found = problemsOf(label, match[1], exported, eventTypes);
    problems.push(...found);
    if (found.length === 0 && exported[0] !== undefined) reactors.push(exported[0]);
  }
  if (problems.length > 0)
    throw new ProjectionistError(
      'PRJ_PROJECTION_INVALID',
      `Reactors in ${relative(process.cwd(), options.folder) || '.'} are invalid:\n  ${problems.join('\n  ')}`,
      { details: { problems } },
    );
  return Object.freeze(reactors);
};
