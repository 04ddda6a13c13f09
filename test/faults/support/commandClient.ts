import type { CommandBody } from '../../api/support/validCommand.ts';

/** What a sender saw: how often it had to resend, and every answer that must never come. */
export type SendStats = {
  /** Commands the service answered 202 for. */
  accepted: number;
  /** 503 answers (Kafka did not take the command): resent with the same id. */
  retried503: number;
  /** No answer at all (the instance was down, or the request timed out): resent with the same id. */
  retriedUnreachable: number;
  /** 5xx answers other than 503, with what they said. */
  fiveXx: { status: number; body: string }[];
  /** 4xx answers to commands that are valid (a bug of the suite or of the intake). */
  refused: { status: number; body: string }[];
  /** Commands given up on after `giveUpMs` without a 202. */
  unsent: string[];
};

export const emptyStats = (): SendStats => ({
  accepted: 0,
  retried503: 0,
  retriedUnreachable: 0,
  fiveXx: [],
  refused: [],
  unsent: [],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A service's sender as the README asks it to behave: POST /commands or /commands/batch, and on a
 * 503 or no answer, the same body again (same ids) to the next instance, until a 202 or `giveUpMs`.
 */
export const createCommandClient = (options: { urls: () => readonly string[]; giveUpMs?: number }) => {
  const stats = emptyStats();
  let turn = 0;
  const post = async (path: '/commands' | '/commands/batch', body: unknown, ids: readonly string[]) => {
    const deadline = Date.now() + (options.giveUpMs ?? 180_000);
    for (let attempt = 0; ; attempt++) {
      const urls = options.urls();
      const url = urls[turn++ % Math.max(urls.length, 1)];
      if (url !== undefined) {
        try {
          const response = await fetch(`${url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(20_000),
          });
          const text = await response.text();
          if (response.status === 202) {
            stats.accepted += ids.length;
            return;
          }
          if (response.status === 503) stats.retried503++;
          else if (response.status >= 500)
            stats.fiveXx.push({ status: response.status, body: text.slice(0, 500) });
          else {
            stats.refused.push({ status: response.status, body: text.slice(0, 500) });
            return;
          }
        } catch {
          stats.retriedUnreachable++;
        }
      }
      if (Date.now() > deadline) {
        stats.unsent.push(...ids);
        return;
      }
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)));
    }
  };
  return {
    stats,
    send: (command: CommandBody) => post('/commands', command, [command.id]),
    sendBatch: (commands: readonly CommandBody[]) =>
      post(
        '/commands/batch',
        { commands },
        commands.map((c) => c.id),
      ),
  };
};
