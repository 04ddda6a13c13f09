import { ProjectionistError } from '../errors/index.ts';
import { definitionHash } from './definitionHash.ts';
import type {
  ColumnModel,
  ColumnSpec,
  ProjectionDefinition,
  ProjectionInput,
  ProjectionModel,
  TableModel,
  TablesSpec,
} from './projectionTypes.ts';
import { qualifiedName, stableSchemaName, versionSchemaName } from './schemaNames.ts';
import { definitionProblems } from './validateDefinition.ts';

const columnModel = (name: string, spec: ColumnSpec): ColumnModel =>
  typeof spec === 'string'
    ? { name, type: spec, nullable: false }
    : { name, type: spec.type, nullable: spec.nullable === true };

const modelOf = (input: ProjectionInput<TablesSpec>): ProjectionModel => {
  const schema = versionSchemaName(input.name, input.version);
  const tables = new Map<string, TableModel>();
  for (const [name, spec] of Object.entries(input.tables)) {
    const columns = Object.entries(spec.columns).map(([column, columnSpec]) =>
      columnModel(column, columnSpec),
    );
    const columnsByName = new Map(columns.map((c) => [c.name, c]));
    tables.set(name, {
      name,
      columns,
      columnsByName,
      primaryKey: spec.primaryKey.map((c) => columnsByName.get(c) as ColumnModel),
      indexes: (spec.indexes ?? []).map((index) => [...index]),
      qualified: qualifiedName(schema, name),
    });
  }
  return {
    name: input.name,
    version: input.version,
    schema,
    stableSchema: stableSchemaName(input.name),
    tables,
  };
};

/**
 * Declares one version of a projection: its tables and one handler per event type it reads.
 * Validated here, at load: unsafe names, unknown column types, keys over missing columns and
 * handlers without functions throw PRJ_PROJECTION_INVALID listing every problem.
 */
export const defineProjection = <const Tables extends TablesSpec>(
  input: ProjectionInput<Tables>,
): ProjectionDefinition<Tables> => {
  const problems = definitionProblems(input as unknown as ProjectionInput<TablesSpec>);
  if (problems.length > 0) {
    const label = typeof input.name === 'string' ? `${input.name} v${String(input.version)}` : 'a projection';
    throw new ProjectionistError(
      'PRJ_PROJECTION_INVALID',
      `${label} is invalid:\n  ${problems.join('\n  ')}`,
      {
        details: { problems },
      },
    );
  }
  const general = input as unknown as ProjectionInput<TablesSpec>;
  const model = modelOf(general);
  return Object.freeze({
    ...input,
    kind: 'projection' as const,
    checks: input.checks ?? [],
    hash: definitionHash(general, model),
    model,
  });
};
