import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { useTestDatabase } from '../harness/testServices.ts';
import { tcpProxy, type TcpProxy } from '../log/support/tcpProxy.ts';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });

type Ready = { status: number; body: { status: string; checks: Record<string, string> } };

const readyz = async (port: number): Promise<Ready | undefined> => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Ready['body'] };
  } catch {
    return undefined; // not listening (yet, or any more)
  }
};

describe('projectionist serve', () => {
  let databaseUrl: string;
  let postgres: TcpProxy;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    databaseUrl = await useTestDatabase();
  });
  afterEach(async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await postgres?.cut();
  });

  const serve = async (extra: Record<string, string>) => {
    postgres = await tcpProxy(Number(new URL(databaseUrl).port || 5432));
    const url = new URL(databaseUrl);
    url.port = String(postgres.port);
    const port = await freePort();
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...testEnv(url.toString(), undefined, {
        PROJECTIONIST_HTTP_PORT: String(port),
        PROJECTIONIST_DATABASE_CONNECT_TIMEOUT_MS: '1000',
        PROJECTIONIST_AUTO_REBUILD: 'false',
        ...extra,
      }),
    };
    delete env.NODE_OPTIONS;
    const started = spawn(process.execPath, ['src/cli/main.ts', 'serve'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    started.stdout?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(started, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let last: Ready | undefined;
    await eventually(
      async () => {
        last = await readyz(port);
        return last?.status === 200 ? true : undefined;
      },
      60_000,
      'ready',
    ).catch((error: unknown) => {
      // Say why: the last readiness answer and what the process printed.
      throw new Error(
        `${String(error)}; last /readyz: ${JSON.stringify(last)}; output: ${stderr.slice(-2000)}`,
      );
    });
    return { port, exit, child: started, stderr: () => stderr };
  };

  it('answers 503 while PostgreSQL is away, survives it, and is ready again when it is back', async () => {
    const { port, child: serving, stderr } = await serve({});
    await postgres.cut();
    const down = await eventually(
      async () => {
        const r = await readyz(port);
        return r?.status === 503 ? r : undefined;
      },
      20_000,
      '503',
    );
    expect(down.body.checks.postgres).not.toBe('ok');
    expect(down.body.checks.kafka).toBe('ok');
    await postgres.open();
    await eventually(
      async () => ((await readyz(port))?.status === 200 ? true : undefined),
      20_000,
      'ready again',
    );
    expect(serving.exitCode, stderr()).toBeNull();
  });

  it('drains on SIGTERM: readiness 503 at once, exit 0 within the deadline', async () => {
    const {
      port,
      exit,
      child: serving,
      stderr,
    } = await serve({ PROJECTIONIST_SHUTDOWN_TIMEOUT_MS: '15000' });
    const t0 = Date.now();
    serving.kill('SIGTERM');
    const seen: Ready[] = [];
    for (let i = 0; i < 200 && serving.exitCode === null; i++) {
      const r = await readyz(port);
      if (r === undefined) break;
      seen.push(r);
    }
    const [code] = await exit;
    expect(code, stderr().slice(-3000)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => r.status === 503 && r.body.checks.process === 'draining')).toBe(true);
  });

  it('exits 1 when the drain outlasts PROJECTIONIST_SHUTDOWN_TIMEOUT_MS', async () => {
    const { exit, child: serving } = await serve({ PROJECTIONIST_SHUTDOWN_TIMEOUT_MS: '100' });
    // PostgreSQL hangs: the drain's last writes (the command state lets its lease go) and the
    // pool's end wait on it past 100 ms.
    postgres.freeze();
    const t0 = Date.now();
    serving.kill('SIGTERM');
    const [code] = await exit;
    expect(code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
