import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  defineAggregate,
  defineEvent,
  foldState,
  notPersonal,
  type EventOf,
} from '../../src/contracts/index.ts';
import { GreetingSent, greeterAggregate } from './fixtures/greetingContracts.ts';

describe('defineAggregate', () => {
  it('takes its stream id tag from its events', () => {
    expect(greeterAggregate.streamId).toBe('identifier');
  });

  it('refuses events that disagree on what the stream id is', () => {
    const Other = defineEvent({
      type: 'OtherThing',
      streamId: 'notPersonal',
      versions: [{ version: 1, schema: z.object({ n: notPersonal(z.number()) }), samples: [{ n: 1 }] }],
    });
    expect(() =>
      defineAggregate({ name: 'mixed', initial: 0, events: [GreetingSent, Other], evolve: (state) => state }),
    ).toThrow(
      'Aggregate mixed: OtherThing tags its stream id "notPersonal" but GreetingSent tags it "identifier"',
    );
  });

  it('refuses an aggregate without events or with one listed twice', () => {
    expect(() =>
      defineAggregate({ name: 'empty', initial: 0, events: [], evolve: (state) => state }),
    ).toThrow('Aggregate empty: it must list the event types of its stream');
    expect(() =>
      defineAggregate({
        name: 'twice',
        initial: 0,
        events: [GreetingSent, GreetingSent],
        evolve: (state) => state,
      }),
    ).toThrow('Aggregate twice: GreetingSent is listed twice');
  });
});

describe('foldState', () => {
  it('folds a stream’s events in order from the initial state', () => {
    const state = foldState({
      aggregate: greeterAggregate,
      events: [
        { type: 'GreetingSent', data: { text: 'hello', language: 'en' } },
        { type: 'GreetingSent', data: { text: 'hallo', language: 'nl' } },
        { type: 'GreetingsMuted', data: {} },
      ],
    });
    expect(state).toEqual({ sent: 2, muted: true });
  });

  it('gives the initial state for a stream without events', () => {
    expect(foldState({ aggregate: greeterAggregate, events: [] })).toBe(greeterAggregate.initial);
  });

  it('passes over events of types the aggregate does not list', () => {
    const sent: EventOf<typeof greeterAggregate> = {
      type: 'GreetingSent',
      data: { text: 'hello', language: 'en' },
    };
    const foreign = { type: 'OrderPlaced', data: {} } as unknown as EventOf<typeof greeterAggregate>;
    expect(foldState({ aggregate: greeterAggregate, events: [sent, foreign, sent] })).toEqual({
      sent: 2,
      muted: false,
    });
  });
});
