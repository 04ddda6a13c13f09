/**
 * Turns one value into its staging form. Besides a value it may answer `omitValue` (leave the
 * field out) or `cannotAnonymize` (the value is not of a kind the strategy knows how to
 * change, such as a number where a fake email is wanted; staging then drops the whole event
 * rather than pass it raw).
 */
export type Anonymize = (value: unknown) => unknown;

export const omitValue: unique symbol = Symbol('omitValue');
export const cannotAnonymize: unique symbol = Symbol('cannotAnonymize');
