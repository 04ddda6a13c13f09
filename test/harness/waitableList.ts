/**
 * Items in the order they came (lines a process printed, events an engine emitted), and a wait
 * for the first one, past or future, that passes a test. A wait fails after its time with what
 * `describeMiss` (the wait's own, or the list's) says of the items so far, or at once when
 * `giveUp` answers a reason.
 */
type DescribeMiss<T> = (items: readonly T[], timeoutMs: number) => string;

export const waitableList = <T>(
  options: { describeMiss?: DescribeMiss<T>; giveUp?: () => string | undefined } = {},
) => {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  const push = (item: T) => {
    items.push(item);
    for (const wake of waiters) wake();
  };
  const waitFor = async (
    test: (item: T) => boolean,
    timeoutMs: number,
    describeMiss: DescribeMiss<T> = options.describeMiss ?? ((_, ms) => `nothing matched in ${ms} ms`),
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = items.find(test);
      if (found !== undefined) return found;
      const reason = options.giveUp?.();
      if (reason !== undefined) throw new Error(reason);
      if (Date.now() > deadline) throw new Error(describeMiss(items, timeoutMs));
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
  };
  return { items, push, waitFor };
};
