import { z } from 'zod';
import { notPersonal } from '../../src/index.ts';

export const paymentMethod = notPersonal(z.enum(['card', 'bank-transfer', 'ideal']));
