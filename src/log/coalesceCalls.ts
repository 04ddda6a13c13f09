/**
 * Makes overlapping calls share one run, as a database's group commit does: the first call runs
 * at once; calls made while a run is in flight wait for it and then go together, in one run of
 * their items in call order. So an idle caller pays one round trip and a busy one shares its round
 * trips with everyone waiting — with no linger timer. Each call answers its own items' results (in
 * order); a run that fails fails every call in it.
 */
export const coalesceCalls = <I, O>(
  run: (items: readonly I[]) => Promise<readonly O[]>,
): ((items: readonly I[]) => Promise<O[]>) => {
  type Call = { items: readonly I[]; resolve: (results: O[]) => void; reject: (error: unknown) => void };
  let queue: Call[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queue.length > 0) {
      const calls = queue;
      queue = [];
      const items = calls.length === 1 ? calls[0]!.items : calls.flatMap((c) => c.items);
      try {
        const results = await run(items);
        let at = 0;
        for (const call of calls) {
          call.resolve(results.slice(at, at + call.items.length));
          at += call.items.length;
        }
      } catch (error) {
        for (const call of calls) call.reject(error);
      }
    }
    running = false;
  };
  return (items) =>
    new Promise<O[]>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (!running) void drain();
    });
};
