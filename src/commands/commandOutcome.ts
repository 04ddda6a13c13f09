/** The event type of a command's outcome; written in the same transaction as its events. */
export const commandOutcomeType = 'projectionist.CommandOutcome';

/** A command as it was received, kept with a waiting outcome so that newer code can decide it later. */
export type HeldCommand = {
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly streamId: string;
  readonly time: string;
  readonly correlationId: string | null;
  readonly data: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** The stream version the sender expects (see Envelope.expectedVersion). */
  readonly expectedVersion?: number;
};

/**
 * What became of a command. `applied` and `rejected` are decisions (each command gets at most
 * one); `waiting` holds a command this code cannot decide yet (a newer version, or queued behind
 * one on its stream) until a worker that can arrives; `dead-lettered` says no contract accepts it.
 */
export type CommandOutcome =
  | {
      readonly commandId: string;
      readonly commandType: string;
      readonly status: 'applied';
      readonly eventIds: readonly string[];
      /** The stream's version (events it holds) after this command's events; absent in outcomes of older code. */
      readonly streamVersion?: number;
    }
  | {
      readonly commandId: string;
      readonly commandType: string;
      readonly status: 'rejected';
      readonly reason: string;
      /** The stream's version the command was decided against; absent in outcomes of older code. */
      readonly streamVersion?: number;
      /** Set when the rejection is a version conflict: the version the command expected. */
      readonly expectedVersion?: number;
    }
  | {
      readonly commandId: string;
      readonly commandType: string;
      readonly status: 'waiting';
      readonly reason: string;
      /** The commands partition that owns the stream: the worker that retries it. */
      readonly commandsPartition: number;
      readonly command: HeldCommand;
    }
  | {
      readonly commandId: string;
      readonly commandType: string;
      readonly status: 'dead-lettered';
      readonly reason: string;
    };

export const isDecision = (outcome: CommandOutcome): boolean =>
  outcome.status === 'applied' || outcome.status === 'rejected';
