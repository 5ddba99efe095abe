import { DATA_AVAILABILITY, createToken, definePlugin } from '@metis/core';
import { ipfsOptionsSchema } from './options.js';

/** The running IPFS node's identity, for a sequencer's L1 registry record and for replicas dialling it. */
export interface IpfsPeer {
  /** The embedded node's peer id once started; undefined before, and with Kubo. */
  peerId(): string | undefined;
  /** Its listen multiaddrs with `/p2p/<peer id>` (empty before the start and with Kubo). */
  multiaddrs(): string[];
  /** Keeps connections to more peers (for example those a sequencer published on L1). */
  addPeers(addrs: readonly string[]): void;
}
export const IPFS_PEER = createToken<IpfsPeer>('ipfs-peer');

/**
 * Batch data on IPFS (DA kind 2): an embedded Helia node by default (local-only libp2p: it reaches only the
 * `peers` it is given), or a Kubo daemon with `kubo: { url }`. Provides DATA_AVAILABILITY and IPFS_PEER;
 * pins what it publishes or retrieves until the batch is finalized plus `retention.afterFinalizedMs`,
 * following the node's `batch` events.
 */
export const ipfs = definePlugin({
  id: 'ipfs',
  provides: [DATA_AVAILABILITY, IPFS_PEER],
  options: ipfsOptionsSchema,
  check(options) {
    return options.kubo && options.peers.length > 0
      ? [{ path: 'peers', message: 'peers are dialled by the embedded node; with kubo, configure peering in Kubo (Peering.Peers)' }]
      : [];
  },
  async setup(api) {
    const { setupIpfs } = await import('./setup.js');
    await setupIpfs(api);
  },
});
