import type { PiiTag } from '../contracts/index.ts';
import type { Strategy } from './strategies.ts';

/**
 * Which strategy staging applies where. The most specific rule wins: a field's own entry, then
 * its tag's, then `defaultPolicy`. Stream ids follow the rule of their contract's `streamId` tag.
 */
export type StagingPolicy = {
  /** Per PII tag; tags left out keep the default: `{ city: 'keep' }`. */
  readonly tags?: Readonly<Partial<Record<PiiTag, Strategy>>>;
  /**
   * Per field of one message type, by path pattern as `listFields` spells it, applied in every
   * version that has the field: `{ OrderPlaced: { giftMessage: 'drop', 'lines[].sku': 'keep' } }`.
   */
  readonly fields?: Readonly<Record<string, Readonly<Record<string, Strategy>>>>;
};

/**
 * One allow-listed metadata key: what its value is as personal data and, if not the tag's
 * strategy, its own. Metadata is free-form, so nothing passes unless listed.
 */
export type MetadataRule = { readonly tag: PiiTag; readonly strategy?: Strategy };
