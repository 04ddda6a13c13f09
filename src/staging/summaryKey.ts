const plainName = /^[A-Za-z_$][\w$.-]{0,99}$/;

/**
 * A name from the log (a type or a stray key) as the summary may show it: plain names as they
 * are, anything else as '?', since a summary is printed and stored and a key could be data.
 */
export const summaryKey = (name: unknown): string =>
  typeof name === 'string' && plainName.test(name) ? name : '?';
