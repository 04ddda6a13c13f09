import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/parseCommandLine.ts';

describe('the deploy gates on the command line', () => {
  it('reads plan, plan retire and plan rollback as three verbs', () => {
    expect(parseCommandLine(['plan', 'customer-directory', 'v2', '--from-scratch'])).toMatchObject({
      kind: 'run',
      verb: 'plan',
      args: ['customer-directory', 'v2'],
      version: 2,
      flags: { 'from-scratch': true },
    });
    expect(parseCommandLine(['plan', 'retire', 'customer-directory', '1', '--json'])).toMatchObject({
      kind: 'run',
      verb: 'plan retire',
      version: 1,
      json: true,
    });
    expect(parseCommandLine(['plan', 'rollback', 'customer-directory'])).toMatchObject({
      kind: 'run',
      verb: 'plan rollback',
      args: ['customer-directory'],
    });
    expect(parseCommandLine(['plan', 'customer-directory'])).toMatchObject({
      kind: 'usage',
      message: 'plan: missing <version>',
    });
    expect(parseCommandLine(['plan', 'retire', 'customer-directory', '1', '--from-scratch'])).toMatchObject({
      kind: 'usage',
    });
  });

  it('takes a whole number for check --sample, and says what is wrong otherwise', () => {
    expect(parseCommandLine(['check', '--sample', '1000', '--strict'])).toMatchObject({
      kind: 'run',
      verb: 'check',
      flags: { sample: '1000', strict: true },
    });
    for (const bad of ['0', '-5', '1.5', 'ten', ''])
      expect(parseCommandLine(['check', `--sample=${bad}`])).toMatchObject({
        kind: 'usage',
        message: `check: --sample must be a whole number from 1 (got '${bad}')`,
      });
    const help = parseCommandLine(['plan', '--help']);
    expect(help).toMatchObject({ kind: 'help' });
    expect(help.kind === 'help' ? help.text : '').toContain('changes nothing (a read-only transaction)');
  });
});
