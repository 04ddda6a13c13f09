import type { Statement } from '../db/index.ts';

/** One step of a plan: what it is for, and the statements it runs, in order. */
export type PlanStep = { readonly title: string; readonly statements: readonly Statement[] };

/**
 * What `projectionist plan` prints: what an operation would run, found without changing
 * anything. `refusal` says why the operation would be refused now (the plan still shows what it
 * would run once that changes).
 */
export type OperationPlan = {
  readonly operation: 'rebuild' | 'retire' | 'rollback';
  readonly name: string;
  /** The version built, retired, or rolled back to (null: a rollback with none to return to). */
  readonly version: number | null;
  /** Its registry status now; null when no engine has registered it yet. */
  readonly status: string | null;
  /** The version serving reads now. */
  readonly active: number | null;
  readonly refusal: string | null;
  readonly notes: readonly string[];
  /** A rebuild's replay: where it reads from and up to, and how much. */
  readonly replay?: {
    readonly fromScratch: boolean;
    readonly resumes: boolean;
    /** Per partition, the next offset it reads. */
    readonly start: Readonly<Record<string, string>>;
    /** Per partition, the offset it replays up to (exclusive). */
    readonly target: Readonly<Record<string, string>>;
    /** Σ (target − start): an upper bound (transaction markers take offsets too). */
    readonly estimatedEvents: string;
  };
  /** The version's declared checks, as its definition has them; they gate its cutover. */
  readonly checks?: readonly Readonly<Record<string, unknown>>[];
  readonly steps: readonly PlanStep[];
};
