// Contracts: how every command and event type is defined with all of its versions, upcasters,
// golden samples and PII tags, and how data of any known version is read into the newest shape.
export { personalKinds, piiTags, isPiiTag, type PersonalKind, type PiiTag } from './piiTag.ts';
export { tagField, tagOf, notPersonal, personal, type Tagged } from './tagField.ts';
export type { UntaggedPaths } from './UntaggedPaths.ts';
export type { Contract, ContractKind, ContractVersion, DataOf, EventContract } from './Contract.ts';
export type { EveryFieldTagged, LatestOf, SchemaList, VersionList } from './VersionList.ts';
export { defineEvent, type EventDefinition } from './defineEvent.ts';
export {
  defineAggregate,
  type Aggregate,
  type AggregateEvent,
  type EventOf,
  type StateOf,
} from './defineAggregate.ts';
export {
  defineCommand,
  type CommandContract,
  type CommandDefinition,
  type Decision,
} from './defineCommand.ts';
export { foldState } from './foldState.ts';
export { describeIssues, type DecodeResult, type VersionDecodeResult } from './DecodeResult.ts';
export { decodeVersion } from './decodeVersion.ts';
export { createContractRegistry, type AnyContract, type ContractRegistry } from './createContractRegistry.ts';
export { schemaNode, type SchemaNode } from './schemaNode.ts';
export { listFields, type FieldSpec } from './listFields.ts';
export { findUntaggedFields, type UntaggedField } from './findUntaggedFields.ts';
export { walkFields, type FieldPath, type FieldVisit } from './walkFields.ts';
export { mapFields, dropField, type FieldMapper } from './mapFields.ts';
