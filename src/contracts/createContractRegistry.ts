import { ProjectionistError } from '../errors/index.ts';
import type { ContractKind, EventContract } from './Contract.ts';
import type { DecodeResult } from './DecodeResult.ts';
import { decodeVersion } from './decodeVersion.ts';
import type { CommandContract } from './defineCommand.ts';

export type AnyContract = EventContract | CommandContract;

type ContractOfKind = { readonly event: EventContract; readonly command: CommandContract };

/** Every contract a process knows, found by kind and type. */
export type ContractRegistry = {
  readonly contracts: readonly AnyContract[];
  lookup<K extends ContractKind>(kind: K, type: string): ContractOfKind[K] | undefined;
  /**
   * Reads one message's data, written in `version` of its type, into the type's newest shape.
   * Never throws; see `DecodeResult` for what each outcome asks of the caller. `schema`, the
   * record's `pj-schema` header, spares data its writer validated (see decodeVersion).
   */
  decode(kind: ContractKind, type: string, version: number, data: unknown, schema?: string): DecodeResult;
  /** The newest version of a type, which writers write; undefined for an unknown type. */
  latestVersion(type: string): number | undefined;
};

/**
 * Builds the registry. Throws if two contracts share a type name, even across kinds (a type
 * name alone must say what a message is: latestVersion, logs, dead letters), or if a command's
 * aggregate has an event type the registry lacks (its streams could not be folded).
 */
export const createContractRegistry = (contracts: readonly AnyContract[]): ContractRegistry => {
  const byKind: { readonly [K in ContractKind]: Map<string, ContractOfKind[K]> } = {
    event: new Map(),
    command: new Map(),
  };
  const latest = new Map<string, number>();
  for (const contract of contracts) {
    if (latest.has(contract.type))
      throw new ProjectionistError('PRJ_CONTRACT_INVALID', `Two contracts are named ${contract.type}`);
    latest.set(contract.type, contract.latestVersion);
    if (contract.kind === 'event') byKind.event.set(contract.type, contract);
    else byKind.command.set(contract.type, contract);
  }

  for (const command of byKind.command.values()) {
    for (const event of command.aggregate.events) {
      if (byKind.event.get(event.type) !== event) {
        throw new ProjectionistError(
          'PRJ_CONTRACT_INVALID',
          `${command.type} acts on aggregate ${command.aggregate.name}, whose event ${event.type} is not in the registry`,
        );
      }
    }
  }

  const lookup = <K extends ContractKind>(kind: K, type: string): ContractOfKind[K] | undefined =>
    byKind[kind].get(type);

  return Object.freeze({
    contracts: Object.freeze([...contracts]),
    lookup,
    decode: (
      kind: ContractKind,
      type: string,
      version: number,
      data: unknown,
      schema?: string,
    ): DecodeResult => {
      const contract = lookup(kind, type);
      if (contract === undefined) return { status: 'unknown-type' };
      return decodeVersion({ contract, version, data, schema });
    },
    latestVersion: (type: string) => latest.get(type),
  });
};
