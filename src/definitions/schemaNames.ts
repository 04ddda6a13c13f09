/** Where Projectionist keeps its own tables (migrations, versions, checkpoints, leases, audit). */
export const registrySchema = 'projectionist';

/** Table and column names: lower-case SQL identifiers that never need case-folding. */
export const identifierPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Projection and reactor names; "-" is allowed and becomes "_" in schema names. */
export const projectionNamePattern = /^[a-z][a-z0-9_-]{0,47}$/;

const reservedSchemas = new Set([registrySchema, 'public', 'information_schema']);

/** Why a projection name cannot be used, or undefined. */
export const projectionNameProblem = (name: string): string | undefined => {
  if (!projectionNamePattern.test(name))
    return 'must start with a-z and hold only a-z, 0-9, "_" and "-" (at most 48 characters)';
  const schema = stableSchemaName(name);
  if (reservedSchemas.has(schema) || schema.startsWith('pg_')) return `"${schema}" is a reserved schema`;
  if (schema.includes('__')) return 'must not contain "__" (it separates the name from the version)';
  return undefined;
};

/** The schema of the stable views readers use: the name with "-" as "_". */
export const stableSchemaName = (name: string): string => name.replaceAll('-', '_');

/** The schema of one version's tables. */
export const versionSchemaName = (name: string, version: number): string =>
  `${stableSchemaName(name)}__v${version}`;

/**
 * Quotes an identifier. Every identifier the engine puts in SQL has been validated against
 * `identifierPattern` or `projectionNamePattern` first; quoting keeps reserved words usable.
 */
export const quoteIdentifier = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

export const qualifiedName = (schema: string, table: string): string =>
  `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
