const isoDate = /^(\d{4})-(\d{2})-(\d{2})(.*)$/s;

/**
 * The year of an ISO-8601 date or date-time and its time part with every digit zeroed, so a
 * rebuilt value keeps the original's format ('T00:00:00.000Z'). Null for anything else.
 */
export const splitDate = (value: string): { readonly year: string; readonly zeroedTime: string } | null => {
  const match = isoDate.exec(value);
  if (match === null) return null;
  return { year: match[1] ?? '', zeroedTime: (match[4] ?? '').replace(/\d/g, '0') };
};
