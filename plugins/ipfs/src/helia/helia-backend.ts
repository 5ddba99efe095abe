// libp2p 3 and helia 7 call Promise.withResolvers, which Node 20 lacks.
import '@metis/core/polyfills';
import { withBitswap } from '@helia/bitswap';
import { withLibp2pLight, type HeliaWithLibp2p } from '@helia/libp2p';
import type { Connection } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { createHeliaLight } from 'helia';
import type { CID } from 'multiformats/cid';
import type { AbortOptions, IpfsBackend } from '../backend.js';
import { importData } from '../dag.js';
import { DEFAULT_LISTEN } from '../constants.js';
import { lightLibp2pOptions, type LightServices } from './libp2p-options.js';
import { PeerDialer } from './peer-dialer.js';
import { openStores, type HeliaStores } from './stores.js';

export interface HeliaBackendOptions {
  /** Directory of the node's blockstore and datastore (created if missing). */
  readonly repo: string;
  /** Multiaddrs to listen on (default `/ip4/127.0.0.1/tcp/0`). */
  readonly listen?: readonly string[];
  /** Multiaddrs of peers to dial at start and re-dial whenever the connection drops. */
  readonly peers?: readonly string[];
  /** Pause between checks of the configured peers' connections (ms). */
  readonly redialIntervalMs?: number;
  /** Called when dialling a configured peer fails. */
  readonly onDialError?: (addr: string, error: Error, failures: number) => void;
}

export type HeliaNode = HeliaWithLibp2p<LightServices>;

/** Concatenates the pieces Helia 7's `blockstore.get()` yields. */
async function collect(pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const list: Uint8Array[] = [];
  let length = 0;
  for await (const p of pieces) {
    list.push(p);
    length += p.length;
  }
  if (list.length === 1) return list[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of list) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The embedded IPFS node: a light Helia 7 (dag-pb, raw, sha2-256) with a libp2p of its own
 * (`lightLibp2pOptions`: TCP, noise, yamux, identify, nothing that discovers or reaches other peers by
 * itself) and bitswap, over a persistent blockstore and datastore in `repo`. The peer id is kept in the
 * datastore, so it survives restarts.
 */
export class HeliaBackend implements IpfsBackend {
  readonly kind = 'helia' as const;
  readonly helia: HeliaNode;
  readonly #stores: HeliaStores;
  readonly #dialer: PeerDialer;
  #stopped = false;

  private constructor(helia: HeliaNode, stores: HeliaStores, dialer: PeerDialer) {
    this.helia = helia;
    this.#stores = stores;
    this.#dialer = dialer;
  }

  /** Opens the stores, starts Helia and dials the configured peers (without waiting for them). */
  static async start(options: HeliaBackendOptions): Promise<HeliaBackend> {
    const stores = await openStores(options.repo);
    let helia: HeliaNode | undefined;
    try {
      const light = createHeliaLight({ blockstore: stores.blockstore, datastore: stores.datastore });
      helia = withBitswap(withLibp2pLight(light, lightLibp2pOptions({ listen: options.listen ?? DEFAULT_LISTEN })));
      await helia.start();
      const dialer = new PeerDialer(helia.libp2p, {
        ...(options.redialIntervalMs !== undefined ? { intervalMs: options.redialIntervalMs } : {}),
        ...(options.onDialError ? { onDialError: options.onDialError } : {}),
      });
      dialer.add(options.peers ?? []);
      dialer.start();
      return new HeliaBackend(helia, stores, dialer);
    } catch (e) {
      await helia?.stop().catch(() => undefined);
      await stores.close();
      throw e;
    }
  }

  get datastore(): HeliaStores['datastore'] {
    return this.#stores.datastore;
  }

  /** This node's peer id (base58). */
  get peerId(): string {
    return this.helia.libp2p.peerId.toString();
  }

  /** Addresses others dial this node at, each ending in `/p2p/<peer id>`. */
  multiaddrs(): string[] {
    return this.helia.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  /** Keeps a connection to more peers (for example those a sequencer published in its L1 registry record). */
  addPeers(addrs: readonly string[]): void {
    this.#dialer.add(addrs);
  }

  /** Dials a peer once, now. */
  async dial(addr: string, options: AbortOptions = {}): Promise<Connection> {
    return this.helia.libp2p.dial(multiaddr(addr), options);
  }

  /** Whether every configured peer has an open connection. */
  peersConnected(): boolean {
    return this.#dialer.allConnected();
  }

  async add(data: Uint8Array, chunkSize: number): Promise<CID> {
    return importData(data, chunkSize, this.helia.blockstore);
  }

  async getBlock(cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
    return collect(this.helia.blockstore.get(cid, options));
  }

  async deleteBlock(cid: CID): Promise<void> {
    await this.#stores.blockstore.delete(cid);
  }

  async pin(root: CID, options: AbortOptions = {}): Promise<void> {
    if (await this.helia.pins.isPinned(root, options)) return;
    try {
      for await (const _ of this.helia.pins.add(root, options)) {
        // walks (and so fetches if missing) every block of the DAG
      }
    } catch (e) {
      if ((e as Error).name !== 'AlreadyPinnedError') throw e;
    }
  }

  async unpin(root: CID): Promise<void> {
    if (!(await this.helia.pins.isPinned(root))) return;
    for await (const _ of this.helia.pins.rm(root)) {
      // un-counts every block of the DAG
    }
  }

  async collectGarbage(): Promise<void> {
    await this.helia.gc();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#dialer.stop();
    try {
      await this.helia.stop();
    } finally {
      await this.#stores.close();
    }
  }
}
