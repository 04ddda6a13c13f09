import { z } from 'zod';
import { notPersonal } from '../../src/index.ts';

/** An amount in the currency's minor unit (cents): integers, so sums are exact. */
export const cents = notPersonal(z.number().int().nonnegative());

/** ISO 4217 currency code. */
export const currency = notPersonal(z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code'));

/**
 * Cents from an amount in whole units as early versions wrote it (12.34). Rounds to the
 * nearest cent, since 0.29 * 100 is 28.999999999999996 in binary floating point.
 */
export const toCents = (amount: number): number => Math.round(amount * 100);
