import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/parseCommandLine.ts';
import { verbSpecs } from '../../src/cli/verbSpecs.ts';

describe('parseCommandLine', () => {
  it('reads a verb with its arguments and flags', () => {
    expect(parseCommandLine(['rebuild', 'order-totals', 'v2', '--from-scratch', '--json'])).toMatchObject({
      kind: 'run',
      verb: 'rebuild',
      args: ['order-totals', 'v2'],
      version: 2,
      flags: { 'from-scratch': true, json: true },
      json: true,
    });
    expect(parseCommandLine(['dead-letters', 'redrive', '--offset', '3', '--offset', '7'])).toMatchObject({
      kind: 'run',
      verb: 'dead-letters redrive',
      flags: { offset: ['3', '7'] },
    });
  });

  it('refuses a flag the verb does not take, naming it, with the verb usage', () => {
    const parsed = parseCommandLine(['status', '--jsn']);
    expect(parsed.kind).toBe('usage');
    if (parsed.kind !== 'usage') return;
    expect(parsed.message).toContain('--jsn');
    expect(parsed.text).toContain('usage: projectionist status');
    // A flag of another verb is unknown here too.
    expect(parseCommandLine(['cutover', 'order-totals', '2', '--from-scratch']).kind).toBe('usage');
  });

  it('refuses unknown verbs, a group without its verb, missing and extra arguments, and bad versions', () => {
    expect(parseCommandLine(['frobnicate'])).toMatchObject({
      kind: 'usage',
      message: "unknown command 'frobnicate'",
    });
    expect(parseCommandLine(['topics'])).toMatchObject({
      kind: 'usage',
      message: "'topics' needs one of: check",
    });
    expect(parseCommandLine(['topics', 'fix'])).toMatchObject({ kind: 'usage' });
    expect(parseCommandLine(['cutover', 'order-totals'])).toMatchObject({
      kind: 'usage',
      message: 'cutover: missing <version>',
    });
    expect(parseCommandLine(['status', 'extra'])).toMatchObject({
      kind: 'usage',
      message: "status: unexpected argument 'extra'",
    });
    for (const bad of ['0', 'x', '1.5', '-1', 'v'])
      expect(parseCommandLine(['retire', 'order-totals', bad]).kind, bad).toBe('usage');
    expect(parseCommandLine([]).kind).toBe('usage');
  });

  it('answers each verb its own help, from --help anywhere or `help <verb>`', () => {
    for (const spec of verbSpecs) {
      const words = spec.words.split(' ');
      const help = parseCommandLine([...words, '--help']);
      expect(help.kind, spec.words).toBe('help');
      if (help.kind !== 'help') continue;
      expect(help.text).toContain(`usage: projectionist ${spec.words}`);
      expect(help.text).toContain('--help');
      for (const flag of Object.keys(spec.flags)) expect(help.text).toContain(`--${flag}`);
      expect(parseCommandLine(['help', ...words])).toEqual(help);
    }
    expect(parseCommandLine(['cutover', 'order-totals', '2', '-h']).kind).toBe('help');
    const all = parseCommandLine(['help']);
    expect(all.kind).toBe('help');
    if (all.kind === 'help') for (const spec of verbSpecs) expect(all.text).toContain(spec.words);
  });
});
