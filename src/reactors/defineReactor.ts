import { ProjectionistError } from '../errors/index.ts';
import { type ProjectionEvent, projectionNameProblem } from '../definitions/index.ts';

export type ReactorContext = {
  /** Aborted when the runner stops: pass it to fetch() and friends. */
  readonly signal: AbortSignal;
  /** 1 on the first try of this event, then 2, 3, ... after failures. */
  readonly attempt: number;
};

/**
 * A side effect for one event type (a mail, a call to another service). Delivery is at least
 * once: after a crash the last event may fire again, so use `event.eventId` to make it
 * idempotent. A handler that throws is retried with backoff; the reactor does not move past it.
 * (Written as a method's type so that a handler may name the exact shape of its event.)
 */
export type ReactorHandler<Data = unknown> = {
  handle(event: ProjectionEvent<Data>, context: ReactorContext): Promise<void> | void;
}['handle'];

export type ReactorDefinition = {
  readonly kind: 'reactor';
  readonly name: string;
  readonly handlers: { readonly [eventType: string]: ReactorHandler };
};

/**
 * Declares a reactor: handlers with side effects that run on live events only, from the head of
 * the log when first started and from their own checkpoint after; never during a replay,
 * a rebuild or a staging refresh. Throws PRJ_PROJECTION_INVALID for a bad name or handler.
 */
export const defineReactor = (input: {
  name: string;
  handlers: { readonly [eventType: string]: ReactorHandler };
}): ReactorDefinition => {
  const problems: string[] = [];
  const nameProblem = projectionNameProblem(input.name);
  if (nameProblem !== undefined) problems.push(`name: ${nameProblem}`);
  const types = Object.keys(input.handlers);
  if (types.length === 0) problems.push('handlers: declare at least one event handler');
  for (const type of types)
    if (typeof input.handlers[type] !== 'function') problems.push(`handlers.${type}: must be a function`);
  if (problems.length > 0)
    throw new ProjectionistError(
      'PRJ_PROJECTION_INVALID',
      `reactor ${input.name} is invalid:\n  ${problems.join('\n  ')}`,
      {
        details: { problems },
      },
    );
  return Object.freeze({ kind: 'reactor', name: input.name, handlers: { ...input.handlers } });
};
