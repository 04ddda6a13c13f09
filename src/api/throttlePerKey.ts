/**
 * At most one message per `throttleMs` per key, the latest always sent: a message that comes
 * within the gap waits for its slot and replaces any older one waiting. `flush(key)` sends the
 * waiting one at once (a build that ended sends its last progress before its end).
 *
 * While a message waits, every newer one only replaces it, even once the gap has passed: a timer
 * runs late on a busy event loop, and a message sent at once then would be followed a moment
 * later by the older one the timer still holds (a loaded CI run saw two 14 ms apart).
 */
export const throttlePerKey = <T>(options: {
  throttleMs: number;
  send: (message: T) => void;
  /** Milliseconds on a monotonic clock; default performance.now(). */
  now?: () => number;
}): {
  offer(key: string, message: T): void;
  flush(key: string): void;
  close(): void;
} => {
  const { throttleMs, send } = options;
  const now = options.now ?? (() => performance.now());
  const slots = new Map<string, { last: number; timer?: NodeJS.Timeout; pending?: T }>();
  const sendNow = (slot: { last: number; pending?: T }, message: T) => {
    slot.last = now();
    slot.pending = undefined;
    send(message);
  };
  return {
    offer: (key, message) => {
      const slot = slots.get(key) ?? { last: Number.NEGATIVE_INFINITY };
      slots.set(key, slot);
      if (slot.timer !== undefined) {
        slot.pending = message;
        return;
      }
      const wait = slot.last + throttleMs - now();
      if (wait <= 0) {
        sendNow(slot, message);
        return;
      }
      slot.pending = message;
      slot.timer = setTimeout(() => {
        slot.timer = undefined;
        sendNow(slot, slot.pending as T);
      }, wait);
    },
    flush: (key) => {
      const slot = slots.get(key);
      if (slot?.timer === undefined) return;
      clearTimeout(slot.timer);
      slot.timer = undefined;
      sendNow(slot, slot.pending as T);
    },
    close: () => {
      for (const slot of slots.values()) clearTimeout(slot.timer);
    },
  };
};
