import type { CommandBody } from '../../api/support/validCommand.ts';
import type { createCommandClient } from './commandClient.ts';
import { recordPayment, refundPayment, registerCustomer, sampleCommand } from './commandMix.ts';
import { sleep } from './scenarioResult.ts';

/**
 * Senders that keep commands coming over HTTP until stopped, each waiting for its answer (and
 * resending on 503 or no answer) before the next: customers registered, payments recorded and
 * refunded (some refunds more than is left: rejected), golden samples of every command type on
 * streams of their own, one at a time and in batches. Every id ever sent is in `ids`.
 */
export const startCommandFlow = (options: {
  client: ReturnType<typeof createCommandClient>;
  senders: number;
  tag: string;
  pauseMs?: number;
}) => {
  const ids = new Set<string>();
  let running = true;
  const sender = async (s: number) => {
    const payments: string[] = [];
    for (let n = 0; running; n++) {
      const stream = `${options.tag}-${s}-${n}`;
      const pick = n % 5;
      const command: CommandBody =
        pick === 0
          ? registerCustomer(crypto.randomUUID(), `cus-${stream}`)
          : pick === 1
            ? recordPayment(`pay-${stream}`, 1_000 + n)
            : pick === 2 && payments.length > 0
              ? refundPayment(payments[n % payments.length] as string, 300 + (n % 3) * 400)
              : sampleCommand(n, `smp-${stream}`);
      if (n % 7 === 6) {
        const batch = [
          command,
          recordPayment(`pay-${stream}-b`, 2_000),
          registerCustomer(crypto.randomUUID(), `cus-${stream}-b`),
        ];
        for (const c of batch) ids.add(c.id);
        await options.client.sendBatch(batch);
        payments.push(`pay-${stream}-b`);
      } else {
        ids.add(command.id);
        await options.client.send(command);
        if (command.type === 'RecordPayment') payments.push(command.streamId);
      }
      await sleep(options.pauseMs ?? 50);
    }
  };
  const loops = Array.from({ length: options.senders }, (_, s) => sender(s));
  return {
    ids,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
};
