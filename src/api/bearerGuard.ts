import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ProjectionistError } from '../errors/index.ts';

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * The admin routes' onRequest hook: `Authorization: Bearer <token>` compared in constant time;
 * PRJ_UNAUTHORIZED (401) without it, with a wrong one, and always when no token is configured.
 */
export const bearerGuard =
  (token: string | undefined) =>
  async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (token === undefined)
      throw new ProjectionistError(
        'PRJ_UNAUTHORIZED',
        'admin routes are disabled: PROJECTIONIST_ADMIN_TOKEN is not set',
      );
    if (!sameSecret(given, token))
      throw new ProjectionistError(
        'PRJ_UNAUTHORIZED',
        'a valid bearer token is needed (Authorization: Bearer <PROJECTIONIST_ADMIN_TOKEN>)',
      );
  };
