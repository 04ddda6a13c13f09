import type { Envelope } from '../log/index.ts';

/**
 * What a reader makes of one envelope's data. `wait` means the data is newer than this code
 * knows: the reader stops before it and retries later (a newer process, or this one upgraded,
 * takes it); it is never skipped.
 */
export type DecodeOutcome =
  | {
      readonly status: 'ok';
      readonly type: string;
      readonly data: unknown;
      /**
       * The envelope whose ids, stream and time the handlers see, when the decoder rewrote them
       * (the staging filter pseudonymizes stream ids); default the record's own.
       */
      readonly envelope?: Envelope;
    }
  | { readonly status: 'skip'; readonly reason: string }
  | { readonly status: 'wait'; readonly reason: string };

/**
 * Upcasts an envelope's data to the newest shape of its type (the contracts registry's job).
 * `schema` is the record's pj-schema header: the fingerprint of the newest schema its writer
 * checked the data against, if it did (see schemaFingerprint in src/contracts).
 */
export type EventDecoder = (envelope: Envelope, schema?: string) => DecodeOutcome;

/** The part of the contracts registry a reader needs: decode one message's data. */
export type ContractsRegistry = {
  decode(
    kind: 'event',
    type: string,
    version: number,
    data: unknown,
    schema?: string,
  ):
    | { readonly status: 'ok'; readonly value: unknown; readonly fromVersion: number }
    | { readonly status: 'too-new'; readonly version: number; readonly known: number }
    | { readonly status: 'unknown-type' }
    | {
        readonly status: 'invalid';
        readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
      };
};

/**
 * The decoder over the contracts registry: every known version upcast to the newest; a version
 * newer than this code waits; an unknown type or data no version accepts is skipped with the
 * reason (the projector reports every skip).
 */
export const contractsDecoder =
  (registry: ContractsRegistry): EventDecoder =>
  (envelope, schema) => {
    const result = registry.decode('event', envelope.type, envelope.version, envelope.data, schema);
    switch (result.status) {
      case 'ok':
        return { status: 'ok', type: envelope.type, data: result.value };
      case 'too-new':
        return {
          status: 'wait',
          reason: `${envelope.type} v${result.version} is newer than this code knows (v${result.known})`,
        };
      case 'unknown-type':
        return { status: 'skip', reason: `${envelope.type} is not a known event type` };
      case 'invalid':
        return {
          status: 'skip',
          reason: `${envelope.type} v${envelope.version} is invalid: ${result.issues
            .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
            .join('; ')}`,
        };
    }
  };
