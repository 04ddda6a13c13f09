import { describe, expect, it } from 'vitest';
import { createContractRegistry, defineEvent } from '../../src/contracts/index.ts';
import { GreetingSent, GreetingsMuted, SendGreeting } from './fixtures/greetingContracts.ts';

const registry = createContractRegistry([GreetingSent, GreetingsMuted, SendGreeting]);

describe('createContractRegistry', () => {
  it('upcasts data of an old version to exactly the newest shape and says where it came from', () => {
    expect(registry.decode('event', 'GreetingSent', 1, { text: 'hello', stray: true })).toEqual({
      status: 'ok',
      value: { text: 'hello', language: 'en' },
      fromVersion: 1,
    });
  });

  it('validates data of the newest version without upcasting it', () => {
    expect(registry.decode('event', 'GreetingSent', 2, { text: 'hallo', language: 'nl' })).toEqual({
      status: 'ok',
      value: { text: 'hallo', language: 'nl' },
      fromVersion: 2,
    });
  });

  it('answers too-new, not invalid, for a version newer than any it knows', () => {
    expect(registry.decode('event', 'GreetingSent', 3, { anything: 1 })).toEqual({
      status: 'too-new',
      version: 3,
      known: 2,
    });
  });

  it('answers unknown-type for a type it does not know, or of the other kind', () => {
    expect(registry.decode('event', 'GreetingWaved', 1, {})).toEqual({ status: 'unknown-type' });
    expect(registry.decode('command', 'GreetingSent', 1, { text: 'hello' })).toEqual({
      status: 'unknown-type',
    });
  });

  it('answers invalid with the zod issues when data does not match its version', () => {
    const result = registry.decode('event', 'GreetingSent', 1, { text: 42 });
    expect(result.status).toBe('invalid');
    if (result.status !== 'invalid') return;
    expect(result.atVersion).toBe(1);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'invalid_type', path: ['text'] })]);
  });

  it('answers invalid, at the version being made, when an upcaster throws or makes bad data', () => {
    const thrown = registry.decode('event', 'GreetingSent', 1, { text: 'boom' });
    expect(thrown).toMatchObject({
      status: 'invalid',
      atVersion: 2,
      issues: [{ code: 'custom', message: 'upcasting GreetingSent to v2 failed: cannot upcast boom' }],
    });
    const bad = registry.decode('event', 'GreetingSent', 1, { text: 'bad' });
    expect(bad).toMatchObject({ status: 'invalid', atVersion: 2, issues: [{ path: ['language'] }] });
  });

  it('answers invalid for a version number that is not a version', () => {
    for (const version of [0, -1, 1.5, Number.NaN]) {
      expect(registry.decode('event', 'GreetingSent', version, { text: 'hello' })).toMatchObject({
        status: 'invalid',
        atVersion: version,
      });
    }
  });

  it('looks contracts up by kind and type, and knows each type’s newest version', () => {
    expect(registry.lookup('command', 'SendGreeting')).toBe(SendGreeting);
    expect(registry.lookup('event', 'GreetingSent')).toBe(GreetingSent);
    expect(registry.lookup('event', 'SendGreeting')).toBeUndefined();
    expect(registry.latestVersion('GreetingSent')).toBe(2);
    expect(registry.latestVersion('SendGreeting')).toBe(1);
    expect(registry.latestVersion('GreetingWaved')).toBeUndefined();
  });

  it('refuses two contracts with one type name, even of different kinds', () => {
    const twin = defineEvent({
      type: 'SendGreeting',
      streamId: 'identifier',
      versions: [{ version: 1, schema: GreetingsMuted.schema, samples: [{}] }],
    });
    expect(() => createContractRegistry([GreetingSent, GreetingsMuted, SendGreeting, twin])).toThrow(
      'Two contracts are named SendGreeting',
    );
  });

  it('refuses a command whose aggregate has an event type the registry lacks', () => {
    expect(() => createContractRegistry([GreetingSent, SendGreeting])).toThrow(
      'SendGreeting acts on aggregate greeter, whose event GreetingsMuted is not in the registry',
    );
  });
});
