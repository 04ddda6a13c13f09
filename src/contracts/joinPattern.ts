/** Extends a field path pattern by one key: '' + 'address' is 'address', then 'address.city'. */
export const joinPattern = (pattern: string, key: string): string =>
  pattern === '' ? key : `${pattern}.${key}`;
