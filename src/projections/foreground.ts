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
