import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProjectionistError } from '../errors/index.ts';
import { closestName } from './closestName.ts';
import type { ProjectionDefinition } from './projectionTypes.ts';

export type LoadProjectionsOptions = {
  /** The projections folder: `<folder>/<name>/v<N>.ts`, one file a version. */
  readonly folder: string;
  /** The registered contracts (a ContractRegistry): every handler key must name one of their event types. */
  readonly contracts: { readonly contracts: readonly { readonly kind: string; readonly type: string }[] };
};

const versionFile = /^v([1-9][0-9]*)\.ts$/;

type VersionFile = { readonly path: string; readonly name: string; readonly version: number };

const findVersionFiles = async (folder: string): Promise<VersionFile[]> => {
  const files: VersionFile[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    for (const file of await readdir(join(folder, entry.name), { withFileTypes: true })) {
      const match = file.isFile() ? versionFile.exec(file.name) : null;
      if (match === null) continue;
      files.push({ path: join(folder, entry.name, file.name), name: entry.name, version: Number(match[1]) });
    }
  }
  return files.sort((a, b) => (a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1));
};

const isDefinition = (value: unknown): value is ProjectionDefinition =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'projection';

/** A module file as loadProjections found it: its URL, and a digest of its bytes then. */
export type DefinitionModule = { readonly url: string; readonly digest: string };

/** The module each definition loadProjections found came from. */
const modules = new WeakMap<ProjectionDefinition, DefinitionModule>();

/** sha256 of a file's bytes, hex: a module file changed on disk since it was loaded has another. */
export const fileDigest = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/**
 * The module a definition was loaded from by loadProjections: another thread can import it to
 * run the same version (a build's replay does), once it has checked that the file's digest is
 * still the one read at load. Undefined for a definition made in code (a test's).
 */
export const definitionModule = (definition: ProjectionDefinition): DefinitionModule | undefined =>
  modules.get(definition);

/** The definition of `name` v`version` among a module's exports (what definitionModule names). */
export const definitionIn = (
  exports: Record<string, unknown>,
  name: string,
  version: number,
): ProjectionDefinition | undefined =>
  Object.values(exports)
    .filter(isDefinition)
    .find((d) => d.name === name && d.version === version);

/** What is wrong with one file's exports, against its path and the contracts. */
const fileProblems = (
  file: VersionFile,
  label: string,
  exported: readonly ProjectionDefinition[],
  eventTypes: readonly string[],
): string[] => {
  const [definition, ...others] = exported;
  if (definition === undefined)
    return [`${label} exports no projection (defineProjectionOf<Events>()({...}))`];
  if (others.length > 0)
    return [`${label} exports ${exported.length} projections; one file holds one version`];
  const problems: string[] = [];
  if (definition.name !== file.name || definition.version !== file.version) {
    problems.push(
      `${label} defines ${definition.name} v${definition.version}; its path says ${file.name} v${file.version}`,
    );
  }
  for (const type of Object.keys(definition.handlers)) {
    if (eventTypes.includes(type)) continue;
    const closest = closestName(type, eventTypes);
    const hint = closest === undefined ? '' : ` (did you mean ${closest}?)`;
    problems.push(`${label} handles ${type}, which is not a registered event type${hint}`);
  }
  return problems;
};

/**
 * Finds, imports and checks every projection version under `folder` (as graphile-worker finds
 * its tasks): adding a version is adding `<name>/v<N>.ts`. Each file exports one definition whose
 * name and version match its path, and whose handler keys are all registered event types.
 * Throws PRJ_PROJECTION_INVALID listing every problem of every file, so a start fails at once.
 */
export const loadProjections = async ({
  folder,
  contracts,
}: LoadProjectionsOptions): Promise<readonly ProjectionDefinition[]> => {
  const eventTypes = contracts.contracts.filter((c) => c.kind === 'event').map((c) => c.type);
  const definitions: ProjectionDefinition[] = [];
  const problems: string[] = [];
  for (const file of await findVersionFiles(folder)) {
    const label = relative(process.cwd(), file.path);
    const url = pathToFileURL(file.path).href;
    const module = (await import(url)) as Record<string, unknown>;
    const exported = Object.values(module).filter(isDefinition);
    const found = fileProblems(file, label, exported, eventTypes);
    problems.push(...found);
    if (found.length === 0 && exported[0] !== undefined) {
      definitions.push(exported[0]);
      modules.set(exported[0], { url, digest: await fileDigest(file.path) });
    }
  }
  if (problems.length > 0) {
    throw new ProjectionistError(
      'PRJ_PROJECTION_INVALID',
      `Projections in ${relative(process.cwd(), folder) || '.'} are invalid:\n  ${problems.join('\n  ')}`,
      { details: { problems } },
    );
  }
  return Object.freeze(definitions);
};
