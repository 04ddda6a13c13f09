// Shadow reads: a share of live reads read again from a caught-up candidate version and compared.
export { ShadowReads, type ShadowEvents, type ShadowReadEvent } from './ShadowReads.ts';
export {
  compareRead,
  candidateRelation,
  type ShadowedRead,
  type ShadowKey,
  type ShadowOutcome,
} from './compareRead.ts';
