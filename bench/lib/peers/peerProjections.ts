import { customerDirectoryPeer } from './customerDirectoryPeer.ts';
import { orderTotalsPeer } from './orderTotalsPeer.ts';
import type { PeerProjection } from './PeerProjection.ts';

/** The projections the peers bench measures, by the name the command line uses. */
export const peerProjections: Readonly<Record<string, PeerProjection>> = {
  'order-totals': orderTotalsPeer,
  'customer-directory': customerDirectoryPeer,
};

export const peerProjection = (name: string | undefined): PeerProjection => {
  const peer = name === undefined ? undefined : peerProjections[name];
  if (peer === undefined)
    throw new Error(`unknown projection ${name}; one of ${Object.keys(peerProjections).join(', ')}`);
  return peer;
};
