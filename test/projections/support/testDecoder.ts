import type { EventDecoder } from '../../../src/projections/index.ts';

/**
 * A stand-in for the contracts registry: data passes through as the newest shape, except
 * OwnerRenamed v1 (`{ name: "First Last" }`), upcast to v2 (`{ firstName, lastName }`), and any
 * version above 2, which is newer than this code.
 */
export const testDecoder: EventDecoder = (envelope) => {
  if (envelope.version > 2)
    return { status: 'wait', reason: `${envelope.type} v${envelope.version} is too new` };
  if (envelope.type === 'OwnerRenamed' && envelope.version === 1) {
    const { name } = envelope.data as { name: string };
    const [firstName = '', ...rest] = name.split(' ');
    return { status: 'ok', type: envelope.type, data: { firstName, lastName: rest.join(' ') } };
  }
  return { status: 'ok', type: envelope.type, data: envelope.data };
};
