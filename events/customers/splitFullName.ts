/**
 * Splits a full name as early versions stored it into first and last name: the first word is
 * the first name and the rest the last name ("Anna Maria van Schurman" gives "Anna" and
 * "Maria van Schurman"). A single word is a first name with an empty last name.
 */
export const splitFullName = (fullName: string): { firstName: string; lastName: string } => {
  const trimmed = fullName.trim();
  const space = trimmed.search(/\s/);
  if (space === -1) return { firstName: trimmed, lastName: '' };
  return { firstName: trimmed.slice(0, space), lastName: trimmed.slice(space).trim() };
};
