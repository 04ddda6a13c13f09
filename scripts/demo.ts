// The demo (`bash scripts/demo`): a real Projectionist (Kafka, PostgreSQL, HTTP on a free port)
// takes commands over HTTP, serves customer-directory v1, then "deploys" v2, which rebuilds
// beside v1 with visible progress, is verified, takes over reads in one switch, is rolled back,
// and cut over again.
import type { AddressInfo } from 'node:net';
import { contractRegistry } from '../events/index.ts';
import { projections } from '../projections/index.ts';
import { customerDirectoryV2 } from '../projections/customer-directory/v2.ts';
import { formatChecks } from '../src/cli/formatChecks.ts';
import { formatTable } from '../src/cli/formatTable.ts';
import { renderProgress } from '../src/cli/renderProgress.ts';
import { loadConfig } from '../src/config/index.ts';
import { type ProjectionDefinition } from '../src/definitions/index.ts';
import { startProjectionist } from '../src/main.ts';
import { contractsDecoder } from '../src/projections/index.ts';
import { RebuildEngine, cutover, rebuildStatus, rollback, verifyVersion } from '../src/rebuild/index.ts';
import { freshDatabase } from '../src/testing/index.ts';
import { placeOrder, registerCustomer } from './demoCommands.ts';

const customers = 2_000;
const ordersPerCustomer = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const runDemo = async (print: (line: string) => void): Promise<void> => {
  const prefix = `demo-${Date.now().toString(36)}`;
  // The projection registry belongs to one deployment (one topic prefix): each demo run gets a
  // database of its own, and the ones of earlier runs are dropped.
  const { url: databaseUrl } = await freshDatabase({
    adminUrl: loadConfig().database.url,
    label: 'projectionist_demo',
    dropEarlier: true,
  });
  const running = await startProjectionist({
    env: {
      ...process.env,
      PROJECTIONIST_TOPIC_PREFIX: prefix,
      PROJECTIONIST_DATABASE_URL: databaseUrl,
      PROJECTIONIST_HTTP_PORT: '0',
    },
  });
  const { pool, log: client } = running;
  const base = `http://127.0.0.1:${(running.app?.server.address() as AddressInfo).port}`;
  const engines: RebuildEngine[] = [];
  const deploy = async (definitions: readonly ProjectionDefinition[]) => {
    for (const e of engines.splice(0)) await e.stop();
    const engine = new RebuildEngine({
      pool,
      client,
      definitions,
      decode: contractsDecoder(contractRegistry),
      logger: running.logger,
      autoRebuild: true,
    });
    await engine.start();
    engines.push(engine);
  };
  const post = async (commands: unknown[]) => {
    const res = await fetch(`${base}/commands/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commands }),
    });
    if (res.status !== 202)
      throw new Error(`POST /commands/batch answered ${res.status}: ${await res.text()}`);
  };
  const read = async (path: string) =>
    (await fetch(`${base}${path}`)).json() as Promise<{ rows: Record<string, unknown>[] }>;
  const status = async (name: string, version: number) =>
    (await rebuildStatus({ pool, client, definitions: projections }))
      .find((p) => p.name === name)
      ?.versions.find((v) => v.version === version);
  const waitFor = async (
    what: string,
    probe: () => Promise<boolean>,
    showProgress?: () => Promise<string>,
  ) => {
    for (let i = 0; !(await probe()); i++) {
      if (showProgress && i % 3 === 0) process.stdout.write(`\r  ${await showProgress()}   `);
      if (i > 1_200) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
    if (showProgress) process.stdout.write(`\r  ${await showProgress()}   \n`);
  };

  try {
    print(`Projectionist demo: topics ${prefix}.*, HTTP on ${base}\n`);
    print('1. Deploy customer-directory v1, order-totals v1, daily-revenue v1.');
    await deploy(projections.filter((p) => p !== customerDirectoryV2));

    print(
      `2. Services send ${customers} RegisterCustomer (1 in 10 in yesterday's v1 format) and ${customers * ordersPerCustomer} PlaceOrder commands over HTTP.`,
    );
    const commands = [
      ...Array.from({ length: customers }, (_, i) => registerCustomer(i)),
      ...Array.from({ length: customers * ordersPerCustomer }, (_, k) =>
        placeOrder(k % customers, Math.floor(k / customers)),
      ),
    ];
    const started = performance.now();
    for (let i = 0; i < commands.length; i += 500) await post(commands.slice(i, i + 500));
    print(`   accepted ${commands.length} commands in ${Math.round(performance.now() - started)} ms`);
    await waitFor(
      'v1 to serve reads',
      async () =>
        (await status('customer-directory', 1))?.active === true &&
        (await status('customer-directory', 1))?.lag === 0n,
    );
    const v1 = await read('/projections/customer-directory/customers?limit=3');
    print('   GET /projections/customer-directory/customers?limit=3 (v1 serves reads):');
    print(
      formatTable(
        Object.keys(v1.rows[0] ?? {}),
        v1.rows.map((r) => Object.values(r).map(String)),
      ).replace(/^/gm, '   '),
    );

    print(
      '\n3. Deploy customer-directory v2 (split names, email domain, addresses table). It rebuilds beside v1 while commands keep coming:',
    );
    const more = Array.from({ length: 500 }, (_, i) => registerCustomer(customers + i));
    const trickle = (async () => {
      for (let i = 0; i < more.length; i += 50) {
        await post(more.slice(i, i + 50));
        await sleep(50);
      }
    })();
    await deploy(projections);
    await waitFor(
      'v2 to catch up',
      async () => (await status('customer-directory', 2))?.activity === 'ready',
      async () => {
        const s = await status('customer-directory', 2);
        return `v2 ${(s?.activity ?? 'waiting').padEnd(11)} ${renderProgress(s?.applied ?? 0n, s?.target ?? 1n)} ${s?.applied ?? 0n}/${s?.target ?? '?'} events${s?.rate ? ` at ${Math.round(s.rate)}/s` : ''}`;
      },
    );
    await trickle;

    print('\n4. Verify v2 against v1 (the checks its definition declares):');
    const verification = await verifyVersion({
      pool,
      definitions: projections,
      name: 'customer-directory',
      version: 2,
    });
    print(formatChecks(verification).replace(/^/gm, '   '));

    const switchTo = async (version: number) => {
      const result = await cutover({
        pool,
        client,
        definitions: projections,
        name: 'customer-directory',
        version,
        actor: 'demo',
      });
      print(
        `   cutover v${result.from ?? '-'} -> v${result.to} in ${result.tookMs} ms (one transaction; v${result.from ?? '-'} stays warm on standby)`,
      );
    };
    print('\n5. Cut reads over to v2:');
    await switchTo(2);
    const v2 = await read('/projections/customer-directory/customers?limit=3');
    print(
      formatTable(
        Object.keys(v2.rows[0] ?? {}),
        v2.rows.map((r) => Object.values(r).map(String)),
      ).replace(/^/gm, '   '),
    );

    print('\n6. Roll back (instant: v1 kept tailing), then forward again:');
    const back = await rollback({
      pool,
      client,
      definitions: projections,
      name: 'customer-directory',
      actor: 'demo',
    });
    print(
      `   rollback v${back.from ?? '-'} -> v${back.to} in ${back.tookMs} ms; reads now have columns: ${Object.keys((await read('/projections/customer-directory/customers?limit=1')).rows[0] ?? {}).join(', ')}`,
    );
    await switchTo(2);
    print(
      `   reads now have columns: ${Object.keys((await read('/projections/customer-directory/customers?limit=1')).rows[0] ?? {}).join(', ')}`,
    );

    print('\n7. Status (projectionist status), once every version has caught up with the last commands:');
    await waitFor('every version to catch up', async () =>
      (await rebuildStatus({ pool, client, definitions: projections })).every((p) =>
        p.versions.every((v) => v.lag === 0n),
      ),
    );
    const reports = await rebuildStatus({ pool, client, definitions: projections });
    print(
      formatTable(
        ['projection', 'version', 'state', 'active', 'lag'],
        reports.flatMap((p) =>
          p.versions.map((v) => [p.name, `v${v.version}`, v.activity, v.active ? '*' : '', v.lag.toString()]),
        ),
      ).replace(/^/gm, '   '),
    );
    print(
      `\nDone. Look around with:\n  export PROJECTIONIST_TOPIC_PREFIX=${prefix} PROJECTIONIST_DATABASE_URL=${databaseUrl}\n  node src/cli/main.ts status\n  node src/cli/main.ts retire customer-directory 1`,
    );
  } finally {
    for (const e of engines) await e.stop();
    await running.stop();
  }
};

try {
  await runDemo((line) => process.stdout.write(`${line}\n`));
} catch (error) {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
