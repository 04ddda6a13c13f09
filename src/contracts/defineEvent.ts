import type { EventContract } from './Contract.ts';
import { buildContract } from './buildContract.ts';
import type { PiiTag } from './piiTag.ts';
import type { EveryFieldTagged, LatestOf, SchemaList, VersionList } from './VersionList.ts';

export type EventDefinition<T extends string, S extends SchemaList> = {
  /** The event's name, past tense: "OrderPlaced". */
  readonly type: T;
  /** What the id of the stream this event is appended to is, as personal data. */
  readonly streamId: PiiTag;
  readonly versions: VersionList<S>;
};

/**
 * Defines an event type with every version it has ever had:
 *
 * ```ts
 * defineEvent({
 *   type: 'CustomerRegistered',
 *   streamId: 'identifier',
 *   versions: [
 *     { version: 1, schema: v1, samples: [{ name: 'Ada Lovelace' }] },
 *     { version: 2, schema: v2, samples: [...], upcast: (old) => splitName(old.name) },
 *   ],
 * });
 * ```
 *
 * Every field of every schema must carry a PII tag (`personal.email(...)`, `notPersonal(...)`);
 * an untagged field is a compile error naming its path. Throws if the definition is malformed.
 */
export const defineEvent = <const T extends string, const S extends SchemaList>(
  definition: EventDefinition<T, S> & EveryFieldTagged<S>,
): EventContract<T, LatestOf<S>> =>
  buildContract({
    kind: 'event',
    type: definition.type,
    streamId: definition.streamId,
    versions: definition.versions,
  }) as EventContract<T, LatestOf<S>>;
