import { ProjectionistError } from '../errors/index.ts';
import { checkNewest, type ContractRegistry, type DecodeResult } from '../contracts/index.ts';
import type { CommandCatalog, DecodedMessage } from './CommandCatalog.ts';

const issueTexts = (issues: Extract<DecodeResult, { status: 'invalid' }>['issues']) =>
  issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

const toDecoded = (result: DecodeResult): DecodedMessage =>
  result.status === 'invalid' ? { status: 'invalid', issues: issueTexts(result.issues) } : result;

/** The command side's view of the contracts registry (events/): decode, decide, fold. */
export const catalogFromContracts = (registry: ContractRegistry): CommandCatalog => {
  const command = (type: string) => {
    const contract = registry.lookup('command', type);
    if (contract === undefined) throw new ProjectionistError('PRJ_INTERNAL', `unknown command type ${type}`);
    return contract;
  };
  const aggregateByEvent = new Map<string, string>();
  const aggregates = new Map<
    string,
    { initial: unknown; evolve: (state: unknown, event: never) => unknown }
  >();
  for (const contract of registry.contracts) {
    const c = registry.lookup('command', contract.type);
    if (c === undefined) continue;
    aggregates.set(c.aggregate.name, c.aggregate);
    for (const event of c.aggregate.events) aggregateByEvent.set(event.type, c.aggregate.name);
  }
  const aggregate = (name: string) => {
    const a = aggregates.get(name);
    if (a === undefined) throw new ProjectionistError('PRJ_INTERNAL', `unknown aggregate ${name}`);
    return a;
  };
  return {
    decodeCommand: (type, version, data) =>
      registry.lookup('command', type) === undefined
        ? { status: 'unknown-type' }
        : toDecoded(registry.decode('command', type, version, data)),
    decodeEvent: (type, version, data) => toDecoded(registry.decode('event', type, version, data)),
    latestCommandVersion: (type) =>
      registry.lookup('command', type) === undefined ? undefined : registry.latestVersion(type),
    latestEventVersion: (type) => {
      const version = registry.latestVersion(type);
      if (version === undefined)
        throw new ProjectionistError(
          'PRJ_CONTRACT_INVALID',
          `a decider returned ${type}, which has no contract`,
        );
      return version;
    },
    checkEvent: (type, data) => {
      const contract = registry.lookup('event', type);
      if (contract === undefined)
        throw new ProjectionistError(
          'PRJ_CONTRACT_INVALID',
          `a decider returned ${type}, which has no contract`,
        );
      const checked = checkNewest(contract, data);
      return checked.status === 'ok' ? checked : { status: 'invalid', issues: issueTexts(checked.issues) };
    },
    aggregateOf: (type) => command(type).aggregate.name,
    foldedEventTypes: () => [...aggregateByEvent.keys()],
    aggregateOfEvent: (type) => aggregateByEvent.get(type),
    initialState: (name) => aggregate(name).initial,
    evolve: (name, state, event) => aggregate(name).evolve(state, event as never),
    decide: (type, value, state) => command(type).decide(value as never, state),
  };
};
