import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { ProjectionistError } from '../errors/index.ts';
import { engineDefaults } from '../config/index.ts';
import {
  formatPositionToken,
  highWatermarks,
  offsetVectorToJson,
  partitionCount,
  type LogClient,
} from '../log/index.ts';
import { activeVersion, listProjections } from '../registry/index.ts';
import { readAtPosition, readRows } from '../queries/index.ts';
import { positionHeaders, readPositionRequest } from './positionHeaders.ts';
import type { ShadowReads } from '../shadow/index.ts';
import { type ProjectionDefinition } from '../definitions/index.ts';

export type ProjectionRoutesOptions = {
  client: LogClient;
  pool: pg.Pool;
  /** Every deployed projection version (the projections/ folder). */
  definitions: readonly ProjectionDefinition[];
  /** Reads a share of the answered reads again from a candidate version (PROJECTIONIST_SHADOW_READS). */
  shadow?: ShadowReads | undefined;
};

const name = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z][a-z0-9_-]*$/, 'expected a projection or table name');

/** GET /projections (versions, states, lag) and GET /projections/:name/:table (rows by filter, keyset pages). */
export const projectionRoutes: FastifyPluginAsyncZod<ProjectionRoutesOptions> = async (app, options) => {
  const { pool, client, definitions } = options;
  // How many partitions the events topic has, to refuse a token naming another (400). Asked once;
  // when the broker does not answer, tokens go unchecked rather than reads failing with Kafka.
  let partitions: number | undefined;
  const eventPartitions = async (): Promise<number | undefined> => {
    partitions ??= await partitionCount({ client, topic: client.topics.events }).catch(() => undefined);
    return partitions;
  };

  app.get('/projections', async () => {
    const hw = await highWatermarks({ client, topic: client.topics.events }).catch(() => undefined);
    const projections = await listProjections({ pool, ...(hw === undefined ? {} : { highWatermarks: hw }) });
    return {
      projections: projections.map((p) => ({
        name: p.name,
        activeVersion: p.activeVersion,
        versions: p.versions.map((v) => ({
          version: v.version,
          state: v.state,
          definitionHash: v.definitionHash,
          builtAt: v.builtAt?.toISOString() ?? null,
          progress: v.progress,
          positions: offsetVectorToJson(v.positions),
          lag: v.lag?.toString() ?? null,
        })),
      })),
    };
  });

  app.get(
    '/projections/:name/:table',
    {
      schema: {
        params: z.object({ name, table: name }),
        querystring: z.record(z.string(), z.string()),
      },
    },
    async (request, reply) => {
      const { limit, after, ...filters } = request.query;
      const active = await activeVersion({ pool, projection: request.params.name });
      const definition = definitions.find((d) => d.name === request.params.name && d.version === active);
      if (definition === undefined)
        throw new ProjectionistError('PRJ_NOT_FOUND', `no projection '${request.params.name}' serves reads`);
      let pageSize: number | undefined;
      if (limit !== undefined) {
        pageSize = Number(limit);
        if (!/^\d+$/.test(limit))
          throw new ProjectionistError(
            'PRJ_VALIDATION',
            `limit must be a whole number from 1 to 1000 (got '${limit}')`,
            {
              details: {
                issues: [{ path: 'query.limit', message: 'expected a whole number from 1 to 1000' }],
              },
            },
          );
      }
      const read = {
        table: request.params.table,
        filters,
        ...(after === undefined ? {} : { after }),
        ...(pageSize === undefined ? {} : { limit: pageSize }),
      };
      const wanted = readPositionRequest(request.headers, await eventPartitions());
      if (wanted === undefined) {
        let serving = definition;
        for (let attempt = 1; ; attempt++) {
          try {
            const page = await readRows({ pool, definition: serving, ...read });
            // Only a read that was answered is read again, and after: the candidate never touches the reply.
            options.shadow?.observe(serving, read);
            return page;
          } catch (error) {
            // A cutover between versions of another shape can repoint the view after the active
            // version was read and before the view is: PostgreSQL then knows no such column or
            // table. Read again as the version now serving (a 500 only if none took over).
            if (attempt >= 3 || !isShapeError(error)) throw error;
            const now = await activeVersion({ pool, projection: request.params.name });
            const next = definitions.find((d) => d.name === request.params.name && d.version === now);
            if (next === undefined || next.version === serving.version) throw error;
            serving = next;
          }
        }
      }
      let served = definition;
      const answer = await readAtPosition({
        pool,
        projection: request.params.name,
        table: request.params.table,
        definitions,
        ...wanted,
        pollMs: engineDefaults.readYourWrites.pollMs,
        read: (db, d) => {
          served = d;
          return readRows({ pool: db, definition: d, ...read });
        },
      });
      options.shadow?.observe(served, read);
      void reply
        .header(positionHeaders.stale, String(answer.stale))
        .header(positionHeaders.at, formatPositionToken(answer.at));
      return answer.result;
    },
  );
};

/** undefined_column, undefined_table: what a read of a view repointed to another shape meets. */
const isShapeError = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42703' || code === '42P01';
};
