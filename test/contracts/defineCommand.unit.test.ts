import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineCommand, foldState, notPersonal } from '../../src/contracts/index.ts';
import { SendGreeting, greeterAggregate } from './fixtures/greetingContracts.ts';

describe('defineCommand', () => {
  it('makes a command contract that carries its aggregate and its aggregate’s stream id tag', () => {
    expect(SendGreeting.kind).toBe('command');
    expect(SendGreeting.aggregate).toBe(greeterAggregate);
    expect(SendGreeting.streamId).toBe('identifier');
  });

  it('decides on the state folded from the stream’s prior events', () => {
    const command = { text: 'hello', language: 'en' };
    const fresh = foldState({ aggregate: greeterAggregate, events: [] });
    expect(SendGreeting.decide(command, fresh)).toEqual({
      events: [{ type: 'GreetingSent', data: command }],
    });
    const muted = foldState({ aggregate: greeterAggregate, events: [{ type: 'GreetingsMuted', data: {} }] });
    expect(SendGreeting.decide(command, muted)).toEqual({ rejected: 'the greeter is muted' });
  });

  it('refuses a definition without a decide function', () => {
    expect(() =>
      defineCommand(greeterAggregate)(
        // @ts-expect-error decide is required
        {
          type: 'MuteGreetings',
          versions: [
            { version: 1, schema: z.object({ on: notPersonal(z.boolean()) }), samples: [{ on: true }] },
          ],
        },
      ),
    ).toThrow('MuteGreetings: a decide function is required');
  });
});
