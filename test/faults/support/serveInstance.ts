import { launch, type Launched } from './launch.ts';

export type ServeInstance = Launched & { readonly baseUrl: string; readonly pid: number | undefined };

/**
 * `projectionist serve` (src/cli/main.ts) as its own process on a fixed port, so a restart after
 * a kill answers at the same address. Resolves once /healthz answers.
 */
export const startServe = async (options: {
  label: string;
  port: number;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServeInstance> => {
  const launched = launch({
    label: options.label,
    script: 'src/cli/main.ts',
    args: ['serve'],
    env: {
      PROJECTIONIST_HTTP_HOST: '127.0.0.1',
      PROJECTIONIST_HTTP_PORT: String(options.port),
      PROJECTIONIST_LOG_LEVEL: 'warn',
      ...options.env,
    },
    json: false,
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (!launched.alive()) throw new Error(`${options.label} exited during its start (see its log)`);
    const up = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await launched.kill('SIGKILL');
      throw new Error(`${options.label} did not answer /healthz in time`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ...launched, baseUrl, pid: launched.child.pid };
};
