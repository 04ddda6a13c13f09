import { engineDefaults } from '../config/index.ts';

/**
 * Work in this process that a replay makes way for: HTTP requests in flight. A request takes
 * several turns of the event loop (parse, each query, the reply) and waits out one slice of the
 * batch loop at each; while any request is open, the batch loop yields after
 * `engineDefaults.projector.foregroundYieldMs` instead of `yieldEveryMs`. Process-wide, as the
 * event loop is.
 */
let open = 0;

export const foreground = {
  /** One more piece of foreground work; call the answer (once) when it is done. */
  enter(): () => void {
    open++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      open--;
    };
  },
  get busy(): boolean {
    return open > 0;
  },
};

const { yieldEveryMs, foregroundYieldMs } = engineDefaults.projector;

/**
 * Cuts a long synchronous run (a fetch's records decoded, a chunk's events applied) into slices
 * of the event loop: `due()` is checked once per item and answers true every 32 items once the
 * slice is spent (2 ms; 0.5 ms while an HTTP request is open); the run then awaits `pause()`.
 * One per run of batches, so that the slice is counted across both loops.
 */
export const createSlicer = (): { due(): boolean; pause(): Promise<void> } => {
  let last = performance.now();
  let items = 0;
  return {
    due: () =>
      (++items & 31) === 0 && performance.now() - last > (foreground.busy ? foregroundYieldMs : yieldEveryMs),
    pause: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    },
  };
};
