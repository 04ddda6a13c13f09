/**
 * A small typed event emitter for lifecycle events (`projector:batch`, `reactor:fired`), so
 * tests and metrics subscribe to facts instead of scraping logs. Listeners run synchronously;
 * one that throws is skipped so that a broken metric cannot stop a projector.
 */
export type Emitter<Events extends Record<string, unknown>> = {
  /** Subscribes; answers the function that unsubscribes. */
  on<K extends keyof Events>(name: K, listener: (payload: Events[K]) => void): () => void;
  /** The next payload of `name` that passes `filter`; rejects when `signal` aborts first. */
  once<K extends keyof Events>(
    name: K,
    options?: { filter?: (payload: Events[K]) => boolean; signal?: AbortSignal },
  ): Promise<Events[K]>;
  emit<K extends keyof Events>(name: K, payload: Events[K]): void;
};

export const createEmitter = <Events extends Record<string, unknown>>(): Emitter<Events> => {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  const on = <K extends keyof Events>(name: K, listener: (payload: Events[K]) => void) => {
    let set = listeners.get(name);
    if (set === undefined) listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };
  return {
    on,
    once: (name, options = {}) =>
      new Promise((resolve, reject) => {
        const { filter, signal } = options;
        if (signal?.aborted === true) {
          reject(signal.reason as Error);
          return;
        }
        const onAbort = () => {
          off();
          reject(signal?.reason as Error);
        };
        const off = on(name, (payload) => {
          if (filter !== undefined && !filter(payload)) return;
          off();
          signal?.removeEventListener('abort', onAbort);
          resolve(payload);
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    emit: (name, payload) => {
      for (const listener of [...(listeners.get(name) ?? [])]) {
        try {
          (listener as (payload: unknown) => void)(payload);
        } catch {
          // see the contract above: a listener's fault is its own
        }
      }
    },
  };
};
