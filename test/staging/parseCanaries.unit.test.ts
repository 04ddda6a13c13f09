import { describe, expect, it } from 'vitest';
import { isProjectionistError } from '../../src/errors/index.ts';
import { parseCanaries } from '../../src/staging/index.ts';

const refusal = (text: string): string => {
  try {
    parseCanaries(text);
  } catch (error) {
    if (isProjectionistError(error, 'PRJ_VALIDATION')) return error.message;
    throw error;
  }
  throw new Error('expected the canary file to be refused');
};

describe('parseCanaries', () => {
  it('reads one trimmed value a line, skipping blank lines and keeping each line number', () => {
    expect(parseCanaries('ada@example.com\r\n\n  Ada Lovelace  \n\t\n+31 6 1234 5678\n')).toEqual([
      { value: 'ada@example.com', line: 1 },
      { value: 'Ada Lovelace', line: 3 },
      { value: '+31 6 1234 5678', line: 5 },
    ]);
  });

  it('refuses a file with no value, and a value that would match by chance, naming its line', () => {
    expect(refusal('')).toContain('holds no value');
    expect(refusal('\n   \n')).toContain('holds no value');
    expect(refusal('ada@example.com\n\nab\n')).toContain('canary line 3: "ab" is shorter than 3 characters');
  });
});
