import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Who holds a lease: host, process and a random part, so two runs never pass for one. */
export const defaultHolder = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
