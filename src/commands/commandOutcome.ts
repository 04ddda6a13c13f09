/** The event type of a command's outcome; written in the same transaction as its events. */
export const commandOutcomeType = 'projectionist.CommandOutcome';

export type CommandOutcome =
  | {
      readonly commandId: string;
      readonly commandType: string;
      readonly status: 'applied';
      readonly eventIds: readonly string[];
    }
  | {
      readonly commandId: string;
      readonly commandType: string;
      readonly status: 'rejected';
      readonly reason: string;
    };
