import { waitableList } from '../../harness/waitableList.ts';

/**
 * One server-sent event as a client reads it, with when it was read (performance.now());
 * `comment` holds a comment line (a heartbeat).
 */
export type StreamEvent =
  { readonly event: string; readonly data: unknown; readonly at: number } | { readonly comment: string };

/**
 * Reads a text/event-stream with fetch (as the dashboard does, with a bearer header) into a
 * waitable list, until close(). `status` is the answer's status.
 */
export const openEventStream = async (url: string, headers: Record<string, string>) => {
  const stop = new AbortController();
  const res = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: stop.signal });
  const received = waitableList<StreamEvent>({
    describeMiss: (items, ms) =>
      `no such event in ${ms} ms; last: ${items
        .slice(-5)
        .map((e) => ('event' in e ? e.event : ':'))
        .join(', ')}`,
  });
  const reading = (async () => {
    if (res.body === null) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) received.push({ comment: line.slice(1).trim() });
            else if (line.startsWith('event: ')) event = line.slice('event: '.length);
            else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
          }
          if (data.length > 0)
            received.push({ event, data: JSON.parse(data.join('\n')) as unknown, at: performance.now() });
        }
      }
    } catch {
      // aborted by close(), or the server ended the stream
    }
  })();
  const events = <T>(name: string): T[] =>
    received.items.flatMap((e) => ('event' in e && e.event === name ? [e.data as T] : []));
  return {
    status: res.status,
    headers: res.headers,
    received,
    events,
    /** Waits for the first event `name` (past or future) whose data passes `test`. */
    waitFor: async <T>(name: string, test: (data: T) => boolean = () => true, timeoutMs = 60_000) =>
      (await received.waitFor((e) => 'event' in e && e.event === name && test(e.data as T), timeoutMs)) as {
        event: string;
        data: T;
      },
    /** Resolves when the server ends the stream. */
    ended: reading,
    close: async () => {
      stop.abort();
      await reading;
    },
  };
};
