import { z } from 'zod';
import { notPersonal } from '../../src/index.ts';
import { cents } from '../shared/money.ts';

/** One line of an order. Changing it changes every version that uses it; add a new schema instead. */
export const orderLine = z.object({
  sku: notPersonal(z.string().min(1)),
  quantity: notPersonal(z.number().int().positive()),
  unitPriceCents: cents,
});

export type OrderLine = z.output<typeof orderLine>;

/** What the lines cost together, in cents. */
export const totalOf = (lines: readonly OrderLine[]): number =>
  lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
