// The deployed projection versions. The engine runs every version listed here; a new version is
// a new file beside the old one (projections/<name>/v<N>.ts), built while the old one serves.
import type { ProjectionDefinition } from '../src/index.ts';
import { customerDirectoryV1 } from './customer-directory/v1.ts';
import { customerDirectoryV2 } from './customer-directory/v2.ts';
import { dailyRevenueV1 } from './daily-revenue/v1.ts';
import { orderTotalsV1 } from './order-totals/v1.ts';

export { customerDirectoryV1, customerDirectoryV2, dailyRevenueV1, orderTotalsV1 };

export const projections: readonly ProjectionDefinition[] = [
  customerDirectoryV1,
  customerDirectoryV2,
  orderTotalsV1,
  dailyRevenueV1,
];
