/**
 * Caches a function of a string in two generations of at most `limit` entries each: recent
 * inputs stay, memory stays bounded. Staging replays the same customer ids, names and cities
 * over and over, and one HMAC costs more than the rest of filtering an event.
 */
export const memoize = <V extends NonNullable<unknown> | null>(
  compute: (value: string) => V,
  limit = 20_000,
): ((value: string) => V) => {
  let current = new Map<string, V>();
  let previous = new Map<string, V>();
  return (value) => {
    const hit = current.get(value);
    if (hit !== undefined) return hit;
    const earlier = previous.get(value);
    const result = earlier === undefined ? compute(value) : earlier;
    if (current.size >= limit) {
      previous = current;
      current = new Map();
    }
    current.set(value, result);
    return result;
  };
};
