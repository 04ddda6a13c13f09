/**
 * Writes values one at a time, in order, keeping only the newest that waits: progress written
 * at every batch never queues up behind a slow database, and the last value always lands.
 */
export const createLatestWriter = <T>(
  write: (value: T) => Promise<void>,
  onError: (error: unknown) => void,
): { push(value: T): void; drain(): Promise<void> } => {
  let pending: { value: T } | undefined;
  let running: Promise<void> | undefined;
  const pump = async () => {
    while (pending !== undefined) {
      const { value } = pending;
      pending = undefined;
      await write(value).catch(onError);
    }
    running = undefined;
  };
  return {
    push: (value) => {
      pending = { value };
      running ??= pump();
    },
    drain: async () => {
      await running;
    },
  };
};
