import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { tcp } from '@libp2p/tcp';
import type { Libp2pOptions } from 'libp2p';

export { DEFAULT_LISTEN } from '../constants.js';

/** Services of the embedded node's libp2p: identify only (bitswap is Helia's, on top). */
export type LightServices = { identify: ReturnType<ReturnType<typeof identify>> };

export interface LightLibp2pInit {
  /** Multiaddrs to listen on (TCP). */
  readonly listen: readonly string[];
  /** Most open connections. */
  readonly maxConnections?: number;
}

/**
 * The libp2p of the embedded Helia node: TCP on the given addresses, noise, yamux and identify; nothing
 * else. No peer discovery (no bootstrap list, no mDNS), no DHT or delegated routing, no content or peer
 * routers, no relay, autoNAT, UPnP or autoTLS: it connects to the peers it is told to dial, and to those that
 * dial it. `peerDiscovery`, `contentRouters` and `peerRouters` are empty on purpose, so that nothing merged
 * in later brings defaults back.
 */
export function lightLibp2pOptions(init: LightLibp2pInit): Libp2pOptions<LightServices> {
  return {
    addresses: { listen: [...init.listen] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    contentRouters: [],
    peerRouters: [],
    services: { identify: identify() },
    connectionManager: { maxConnections: init.maxConnections ?? 100 },
  };
}
