import { randomUUID } from 'node:crypto';
import { projections } from '../../projections/index.ts';
import { partitionFor } from '../../src/log/index.ts';
import { commandEnvelope } from '../api/support/commandEnvelope.ts';
import type { CommandBody } from '../api/support/validCommand.ts';
import { createCommandClient } from './support/commandClient.ts';
import { waitDecided } from './support/commandsDecided.ts';
import { recordPayment, refundPayment, registerCustomer } from './support/commandMix.ts';
import { auditCommands, readEventLedger } from './support/eventLedger.ts';
import { faultEnv, scaled } from './support/faultEnv.ts';
import { openCommandScenario } from './support/openCommandScenario.ts';
import { canonical, foldStreams } from './support/foldStreams.ts';
import { kcatProduce } from '../harness/kcatProduce.ts';
import { startLeaseSampler } from './support/leaseSampler.ts';
import { faultSeed, seeded, sleep, type Scenario } from './support/scenarioResult.ts';
import { startServe, type ServeInstance } from './support/serveInstance.ts';
import { waitCaughtUp } from './support/versionProgress.ts';

const commandsPartitions = 6;
const takeoverLimitMs = 15_000;

const envelopeOf = (c: CommandBody) => JSON.stringify(commandEnvelope(c, { correlationId: c.id }));

type Path = 'http' | 'batch' | 'kcat-keyed' | 'kcat-wrong-key' | 'kcat-no-key' | 'kcat-no-headers';
const paths: readonly Path[] = [
  'http',
  'batch',
  'kcat-keyed',
  'kcat-wrong-key',
  'kcat-no-key',
  'kcat-no-headers',
];

/**
 * Scenario 3: three `serve` instances share the work while payments are recorded and refunded
 * (several refunds per payment, some for more than is left) over HTTP (one by one and in
 * batches) and straight onto the commands topic with kcat (its CRC32 partitioner; right keys,
 * keys of another stream, no key, no headers), some commands sent twice by both paths with the
 * same id; instances are killed with SIGKILL at random and started again. Every stream's state
 * must equal one fold of its events on the log, every command have exactly one decision, one
 * holder hold a version's lease at a time, and another instance decide and flush within 15 s of
 * a kill.
 */
export const instances: Scenario = {
  name: 'instances',
  title: 'three instances killed with SIGKILL while commands arrive by every path',
  run: async () => {
    const random = seeded(faultSeed + 3);
    const kills = scaled(4, 2);
    const payments = scaled(240, 30);
    const chunks = 8;
    const { db, prefix, catalog, pool, log, store, close } = await openCommandScenario('instances');
    const env = {
      PROJECTIONIST_KAFKA_BROKERS: faultEnv.brokers.join(','),
      PROJECTIONIST_TOPIC_PREFIX: prefix,
      PROJECTIONIST_DATABASE_URL: db.url,
      PROJECTIONIST_EVENTS_PARTITIONS: '3',
      PROJECTIONIST_COMMANDS_PARTITIONS: String(commandsPartitions),
      PROJECTIONIST_WORKER_SESSION_TIMEOUT_MS: '6000',
      PROJECTIONIST_LEASE_TTL_MS: '4000',
      PROJECTIONIST_DATABASE_POOL_SIZE: '6',
    };
    const ports = [28_301, 28_302, 28_303];
    const serves: (ServeInstance | undefined)[] = [undefined, undefined, undefined];
    const details: string[] = [];
    const sent = new Set<string>();
    const byPath = new Map<Path, number>();
    let twice = 0;
    const start = (i: number) =>
      startServe({ label: `instances-serve-${i + 1}`, port: ports[i] ?? 0, env }).then((s) => {
        serves[i] = s;
        return s;
      });
    try {
      // one first, so that the topics and tables are made once; then the others
      await start(0);
      await Promise.all([start(1), start(2)]);
      await pool.query('select 1');
      const urls = () => serves.filter((s) => s?.alive() === true).map((s) => (s as ServeInstance).baseUrl);
      const client = createCommandClient({ urls });
      const sampler = startLeaseSampler(pool);

      const sendBy = async (path: Path, commands: readonly CommandBody[]) => {
        if (commands.length === 0) return;
        byPath.set(path, (byPath.get(path) ?? 0) + commands.length);
        for (const c of commands) sent.add(c.id);
        const topic = log.topics.commands;
        const records = (key: (c: CommandBody, i: number) => string | undefined) =>
          commands.map((c, i) => ({ key: key(c, i), value: envelopeOf(c) }));
        const byType = (cs: readonly CommandBody[]) => [...new Set(cs.map((c) => `${c.type}:${c.version}`))];
        switch (path) {
          case 'http':
            await Promise.all(commands.map((c) => client.send(c)));
            return;
          case 'batch':
            await client.sendBatch(commands);
            return;
          case 'kcat-keyed':
          case 'kcat-wrong-key':
            for (const tv of byType(commands)) {
              const [type = '', version = ''] = tv.split(':');
              const group = commands.filter((c) => c.type === type && String(c.version) === version);
              await kcatProduce({
                brokers: faultEnv.brokers,
                topic,
                headers: { 'pj-type': type, 'pj-version': version },
                records: group.map((c, i) => ({
                  key: path === 'kcat-keyed' ? c.streamId : `pay-elsewhere-${i}`,
                  value: envelopeOf(c),
                })),
              });
            }
            return;
          case 'kcat-no-key':
            await kcatProduce({ brokers: faultEnv.brokers, topic, records: records(() => undefined) });
            return;
          case 'kcat-no-headers':
            await kcatProduce({ brokers: faultEnv.brokers, topic, records: records((c) => c.streamId) });
            return;
        }
      };
      /** Commands spread over the paths; every tenth also sent again by HTTP with the same id. */
      const sendMixed = async (commands: readonly CommandBody[]) => {
        const groups = new Map<Path, CommandBody[]>();
        commands.forEach((c, i) => {
          const path = paths[(i + Math.floor(random() * paths.length)) % paths.length] as Path;
          groups.set(path, [...(groups.get(path) ?? []), c]);
        });
        await Promise.all([...groups].map(([path, cs]) => sendBy(path, cs)));
        const again = commands.filter((_, i) => i % 10 === 0);
        twice += again.length;
        await Promise.all(again.map((c) => client.send(c)));
      };

      const takeovers: number[] = [];
      let killed = 0;
      const killer = (async () => {
        for (let k = 0; k < kills; k++) {
          await sleep(3_000 + Math.floor(random() * 4_000));
          const i = Math.floor(random() * serves.length);
          const victim = serves[i];
          if (victim === undefined) continue;
          const pid = String(victim.pid);
          const held = sampler
            .latest()
            .filter((l) => l.live && l.holder.split(':')[1] === pid)
            .map((l) => `${l.name} v${l.version}`);
          const killedAt = Date.now();
          await victim.kill('SIGKILL');
          killed++;
          // a probe per commands partition, through the survivors: decided only once its partition moved
          const probes = Array.from({ length: commandsPartitions }, (_, p) => {
            let n = 0;
            while (partitionFor(`cus-probe-${k}-${p}-${n}`, commandsPartitions) !== p) n++;
            return registerCustomer(randomUUID(), `cus-probe-${k}-${p}-${n}`);
          });
          for (const c of probes) sent.add(c.id);
          await Promise.all(probes.map((c) => client.send(c)));
          let took = Number.POSITIVE_INFINITY;
          for (const deadline = killedAt + 60_000; Date.now() < deadline;) {
            const open = await waitDecided(
              pool,
              store.tables.outcomes,
              probes.map((c) => c.id),
              0,
            );
            const stillHeld = sampler
              .latest()
              .filter((l) => held.includes(`${l.name} v${l.version}`) && l.holder.split(':')[1] === pid);
            if (open.length === 0 && stillHeld.length === 0) {
              took = Date.now() - killedAt;
              break;
            }
            await sleep(100);
          }
          takeovers.push(took);
          details.push(
            `kill ${k + 1}: instance ${i + 1} (pid ${pid}, leases ${held.length > 0 ? held.join(', ') : 'none'}); every commands partition decided and its leases taken by others ${Number.isFinite(took) ? `${(took / 1000).toFixed(1)} s` : 'not within 60 s'} after the kill`,
          );
          await start(i);
        }
      })();

      // payments recorded in chunk c are refunded in chunk c + 1, while the killer works
      const ids = Array.from({ length: payments }, (_, n) => `pay-${prefix.slice(-8)}-${n}`);
      const per = Math.ceil(payments / chunks);
      for (let c = 0; c <= chunks; c++) {
        const recording = ids.slice(c * per, (c + 1) * per).map((s, n) => recordPayment(s, 1_000 + n * 10));
        const refunding = ids
          .slice((c - 1) * per, c * per)
          .flatMap((s, n) => [
            refundPayment(s, 400),
            refundPayment(s, 500 + (n % 3) * 300),
            ...(n % 4 === 0 ? [recordPayment(s, 5)] : []),
          ]);
        await sendMixed([...recording, ...(c > 0 ? refunding : [])]);
        await sleep(1_500);
      }
      // refunds go on arriving until the last kill is over
      let killing = true;
      void killer.finally(() => (killing = false));
      for (let extra = 0; killing; extra++) {
        await sendMixed(
          Array.from({ length: 12 }, (_, n) =>
            refundPayment(ids[(extra * 12 + n * 7) % ids.length] ?? '', 100),
          ),
        );
        await sleep(1_500);
      }
      await killer;
      const undecided = await waitDecided(pool, store.tables.outcomes, sent, 120_000);
      const behind = await waitCaughtUp(pool, log, [...projections, store.definition], 120_000);
      const leases = await sampler.stop();

      const ledger = await readEventLedger(log);
      const audit = auditCommands(ledger, sent);
      const folded = foldStreams(catalog, ledger);
      const rows = await pool.query<{ stream_id: string; state: unknown }>(
        `select stream_id, state from ${store.tables.streams}`,
      );
      const table = new Map(rows.rows.map((r) => [r.stream_id, r.state]));
      const differing = [...new Set([...folded.keys(), ...table.keys()])].filter(
        (s) => canonical(folded.get(s) ?? null) !== canonical(table.get(s) ?? null),
      );
      const overRefunded = [...folded.values()].filter((state) => {
        const s = state as { status?: string; amountCents?: number; refundedCents?: number };
        return s.status === 'received' && (s.refundedCents ?? 0) > (s.amountCents ?? 0);
      }).length;
      const slow = takeovers.filter((t) => t > takeoverLimitMs).length;
      details.push(
        `${sent.size} commands (${[...byPath].map(([p, n]) => `${n} ${p}`).join(', ')}; ${twice} sent again over HTTP with the same id); ${client.stats.retried503} answers 503 and ${client.stats.retriedUnreachable} without an answer, resent with the same id`,
        `on the log: ${audit.applied} applied, ${audit.rejected} rejected, each exactly once; lost ${audit.lost.length}, doubled ${audit.doubled.length}, event ids twice ${audit.repeatedEvents}`,
        `${folded.size} streams folded from the log; ${differing.length} differ from the command state's streams table; ${overRefunded} payments refunded past their amount`,
        `leases: ${leases.samples} samples, at most ${leases.maxLiveHolders} live holder per version, ${leases.holderChanges} holder changes, ${leases.tokenBackwards} tokens that went backwards`,
        `takeover after a kill: max ${(Math.max(...takeovers) / 1000).toFixed(1)} s (limit ${takeoverLimitMs / 1000} s)`,
        ...differing
          .slice(0, 5)
          .map(
            (s) =>
              `differs: ${s}: log ${canonical(folded.get(s) ?? null)} table ${canonical(table.get(s) ?? null)}`,
          ),
        ...behind.map((b) => `wedged: ${b.name} v${b.version} ${b.lag} records behind`),
        ...(undecided.length > 0
          ? [`undecided after 120 s: ${undecided.length} (${undecided.slice(0, 3).join(', ')})`]
          : []),
        ...client.stats.fiveXx.slice(0, 5).map((f) => `5xx: ${f.status} ${f.body}`),
        ...client.stats.refused.slice(0, 5).map((f) => `refused: ${f.status} ${f.body}`),
      );
      return {
        rounds: kills,
        faults: { 'SIGKILL of an instance (restarted)': killed },
        lost: audit.lost.length + client.stats.unsent.length + differing.filter((s) => !table.has(s)).length,
        doubled:
          audit.doubled.length +
          audit.repeatedEvents +
          overRefunded +
          differing.filter((s) => table.has(s)).length +
          Math.max(0, leases.maxLiveHolders - 1) +
          leases.tokenBackwards,
        wedged: behind.length + slow + client.stats.refused.length,
        fiveXx: client.stats.fiveXx.length,
        details,
      };
    } finally {
      await Promise.all(serves.map((s) => (s === undefined ? Promise.resolve() : s.kill('SIGKILL'))));
      await close();
    }
  },
};
