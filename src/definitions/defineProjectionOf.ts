import type { DataOf, EventContract } from '../contracts/index.ts';
import { defineProjection } from './defineProjection.ts';
import type {
  ProjectionDefinition,
  ProjectionEvent,
  ProjectionHandler,
  ProjectionInput,
  TablesSpec,
} from './projectionTypes.ts';

/**
 * At most one handler per event type of `Events`, each seeing that type's newest data: a key
 * that names no type of the union is an excess property, so a misspelt type does not compile.
 */
export type HandlersOf<Tables extends TablesSpec, Events extends EventContract> = {
  readonly [C in Events as C['type']]?: ProjectionHandler<Tables, DataOf<C>>;
};

/** A projection version whose handlers are typed by an event union. */
export type TypedProjectionInput<Tables extends TablesSpec, Events extends EventContract> = Omit<
  ProjectionInput<Tables>,
  'handlers'
> & { readonly handlers: HandlersOf<Tables, Events> };

/** The event a handler of type `T` sees, when it is written apart from its projection. */
export type EventOf<Events extends EventContract, T extends Events['type']> = ProjectionEvent<
  DataOf<Extract<Events, { readonly type: T }>>
>;

/**
 * `defineProjection`, with handlers keyed and typed by the contracts' event union (as emmett's
 * `postgreSQLProjection<Events>` does): `defineProjectionOf<Events>()({ ... handlers: {
 * OrderPlaced: { keys, apply: (e, store) => e.data.customerId ... } } })`. Curried so that
 * `Events` is named while the tables are inferred. The types vanish at run time; the loader
 * checks the keys again against the registered contracts.
 */
export const defineProjectionOf =
  <Events extends EventContract>() =>
  <const Tables extends TablesSpec>(
    input: TypedProjectionInput<Tables, Events>,
  ): ProjectionDefinition<Tables> =>
    defineProjection(input as ProjectionInput<Tables>);
