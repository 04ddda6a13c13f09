import fc from 'fast-check';
import { commandContracts } from '../../../events/index.ts';
import { withoutProtoKeys } from './withoutProtoKeys.ts';

/** A command as a service sends it to POST /commands. */
export type CommandBody = {
  id: string;
  type: string;
  version: number;
  streamId: string;
  payload: Record<string, unknown>;
  correlationId?: string;
  metadata?: Record<string, unknown>;
};

/** One golden sample of one version of one command type, with that type's newest version. */
export type CommandSample = {
  readonly type: string;
  readonly version: number;
  readonly latestVersion: number;
  readonly payload: Readonly<Record<string, unknown>>;
};

/** Every sample of every version of every command type of the example domain. */
export const commandSamples: readonly CommandSample[] = commandContracts.flatMap((contract) =>
  contract.versions.flatMap((v) =>
    v.samples.map((payload) => ({
      type: contract.type,
      version: v.version,
      latestVersion: contract.latestVersion,
      payload: payload as Record<string, unknown>,
    })),
  ),
);

const identifier = fc.stringMatching(/^[\w.:@/+-]{1,40}$/);

/**
 * A command the intake accepts: any version of any command type with its golden sample, on a
 * stream of its own, sometimes with a correlation id and free-form metadata.
 */
export const validCommand = (): fc.Arbitrary<{ sample: CommandSample; body: CommandBody }> =>
  fc
    .record({
      sample: fc.constantFrom(...commandSamples),
      id: fc.uuid(),
      streamId: identifier,
      correlationId: fc.option(identifier, { nil: undefined }),
      metadata: fc.option(
        withoutProtoKeys(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }))),
        { nil: undefined },
      ),
    })
    .map(({ sample, id, streamId, correlationId, metadata }) => ({
      sample,
      body: {
        id,
        type: sample.type,
        version: sample.version,
        streamId,
        payload: structuredClone(sample.payload),
        ...(correlationId === undefined ? {} : { correlationId }),
        ...(metadata === undefined ? {} : { metadata }),
      },
    }));
