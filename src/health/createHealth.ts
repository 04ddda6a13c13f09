import { engineDefaults } from '../config/index.ts';
import type { Logger } from '../logger/index.ts';

/** What a component says of itself. */
export type ComponentState = { readonly status: 'up' } | { readonly status: 'down'; readonly reason: string };

export type ComponentReport = ComponentState & { readonly since: string };

export type HealthSnapshot = {
  /** Every component is up and the process is not draining. */
  readonly ready: boolean;
  readonly draining: boolean;
  readonly components: Readonly<Record<string, ComponentReport>>;
};

/** Asks a dependency whether it answers; throws (or times out) when it does not. */
export type Probe = () => Promise<unknown>;

/**
 * The process's health registry. Components (the command workers, the command-state writer, the
 * rebuild engine) report up or down with a reason as their state changes; dependencies
 * (PostgreSQL, Kafka) are probed when readiness is asked. A component that reported once is
 * part of readiness from then on.
 */
export type Health = {
  report(component: string, state: ComponentState): void;
  /** A dependency asked at every check(); down with its error's message when it fails or takes over `timeoutMs`. */
  probe(component: string, probe: Probe): void;
  /** From now on the process is not ready (SIGTERM): load balancers stop sending it work. */
  drain(): void;
  readonly draining: boolean;
  /** Runs the probes (not while draining), then answers the snapshot. */
  check(): Promise<HealthSnapshot>;
  snapshot(): HealthSnapshot;
};

const withTimeout = async (probe: Probe, timeoutMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

export const createHealth = (options: { logger?: Logger; probeTimeoutMs?: number } = {}): Health => {
  const components = new Map<string, ComponentReport>();
  const probes = new Map<string, Probe>();
  const timeoutMs = options.probeTimeoutMs ?? engineDefaults.health.probeTimeoutMs;
  let draining = false;

  const report = (component: string, state: ComponentState) => {
    const before = components.get(component);
    const same =
      before !== undefined &&
      before.status === state.status &&
      (state.status === 'up' || (before.status === 'down' && before.reason === state.reason));
    if (same) return;
    components.set(component, { ...state, since: new Date().toISOString() });
    if (state.status === 'down') options.logger?.warn({ component, reason: state.reason }, 'component down');
    else if (before !== undefined) options.logger?.info({ component }, 'component up');
  };

  const snapshot = (): HealthSnapshot => {
    const all = Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b)));
    const up = [...components.values()].every((c) => c.status === 'up');
    return { ready: up && !draining, draining, components: all };
  };

  return {
    report,
    probe: (component, probe) => void probes.set(component, probe),
    drain: () => {
      if (!draining) options.logger?.info({}, 'draining');
      draining = true;
    },
    get draining() {
      return draining;
    },
    check: async () => {
      // Draining answers not-ready whatever the probes say; probing closing clients would only hold the drain up.
      if (draining) return snapshot();
      await Promise.all(
        [...probes].map(([component, probe]) =>
          withTimeout(probe, timeoutMs).then(
            () => report(component, { status: 'up' }),
            (error: unknown) =>
              report(component, {
                status: 'down',
                reason: error instanceof Error && error.message !== '' ? error.message : String(error),
              }),
          ),
        ),
      );
      return snapshot();
    },
    snapshot,
  };
};
