// Contracts: how every command and event type is defined with all of its versions, upcasters,
// golden samples and PII tags, and how data of any known version is read into the newest shape.
export { piiTags, isPiiTag, type PiiTag } from './piiTag.ts';
export { tagField, tagOf, notPersonal, personal } from './tagField.ts';
export type { DataOf, EventContract } from './Contract.ts';
export { defineEvent } from './defineEvent.ts';
export { defineAggregate, type Aggregate, type EventOf } from './defineAggregate.ts';
export { defineCommand, type CommandContract, type Decision } from './defineCommand.ts';
export { foldState } from './foldState.ts';
export type { DecodeResult } from './DecodeResult.ts';
export { createContractRegistry, type AnyContract, type ContractRegistry } from './createContractRegistry.ts';
export { schemaNode } from './schemaNode.ts';
export { schemaFingerprint, checkNewest, type CheckedData } from './schemaFingerprint.ts';
export { listFields } from './listFields.ts';
export { findUntaggedFields } from './findUntaggedFields.ts';
export { walkFields } from './walkFields.ts';
export { mapFields, dropField, type FieldMapper } from './mapFields.ts';
