import type { Batch, Logger } from '@metis/core';
import type { IpfsBackend } from './backend.js';
import { IpfsDA } from './ipfs-da.js';
import { ipfsOptionsSchema, type IpfsOptions, type IpfsOptionsInput } from './options.js';
import { Retention } from './retention.js';

export type IpfsLogger = Pick<Logger, 'info' | 'warn' | 'debug'>;

export interface CreateIpfsDaOptions extends Omit<NonNullable<IpfsOptionsInput>, 'repo'> {
  /** Directory of the node's stores (the plugin passes `<node data dir>/ipfs`). */
  readonly repo: string;
  readonly logger?: IpfsLogger;
  /** Pause between checks of the configured peers' connections (ms; embedded node). Default 2 s. */
  readonly redialIntervalMs?: number;
}

/** A running IPFS DA: the DataAvailability, its backend, and what a node publishes or dials. */
export interface IpfsNode {
  readonly da: IpfsDA;
  readonly backend: IpfsBackend;
  readonly retention: Retention;
  readonly options: IpfsOptions;
  /** The embedded node's peer id; undefined with Kubo. */
  readonly peerId: string | undefined;
  /** Where others reach the embedded node (each with `/p2p/<peer id>`), for the L1 registry record; empty with Kubo. */
  multiaddrs(): string[];
  /** Keeps connections to more peers (embedded node; ignored with Kubo). */
  addPeers(addrs: readonly string[]): void;
  /** Feeds a `batch` event to the retention. */
  onBatch(batch: Batch): Promise<void>;
  /** Stops the retention timer, the node (or client) and closes the stores. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts an IPFS DA outside the plugin system (the CLI's `metis da get`, tests): the embedded Helia node in
 * `repo`, or a Kubo client when `kubo` is given, with retention records loaded and swept.
 *
 * ```ts
 * const node = await createIpfsDa({ repo: './data/ipfs', peers: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...'] });
 * try { data = await node.da.retrieve(commitment, dataHash); } finally { await node.stop(); }
 * ```
 */
export async function createIpfsDa(input: CreateIpfsDaOptions): Promise<IpfsNode> {
  const { repo, logger, redialIntervalMs, ...rest } = input;
  const options = ipfsOptionsSchema.parse({ ...rest, repo });
  let backend: IpfsBackend;
  let helia: import('./helia/helia-backend.js').HeliaBackend | undefined;
  if (options.kubo) {
    const { KuboBackend } = await import('./kubo/kubo-backend.js');
    backend = await KuboBackend.start({ url: options.kubo.url, timeoutMs: options.kubo.timeoutMs, repo });
  } else {
    const { HeliaBackend } = await import('./helia/helia-backend.js');
    helia = await HeliaBackend.start({
      repo,
      listen: options.listen,
      peers: options.peers,
      ...(redialIntervalMs !== undefined ? { redialIntervalMs } : {}),
      onDialError: (addr, error, failures) => {
        if (failures === 1 || failures % 10 === 0) logger?.warn({ peer: addr, failures, err: error.message }, 'ipfs: cannot reach a configured peer; retrying');
      },
    });
    backend = helia;
  }
  let da: IpfsDA | undefined;
  const retention = new Retention({
    datastore: backend.datastore,
    pin: (cid) => backend.pin(cid),
    unpin: (cid) => backend.unpin(cid),
    collectGarbage: async () => (da ? da.collectGarbage() : false),
    options: options.retention,
    ...(logger ? { logger } : {}),
  });
  try {
    await retention.load();
  } catch (e) {
    await backend.stop();
    throw e;
  }
  da = new IpfsDA({
    backend,
    retention,
    settings: { chunkSize: options.chunkSize, maxDataBytes: options.maxDataBytes, fetchTimeoutMs: options.fetchTimeoutMs, fetchConcurrency: options.fetchConcurrency },
    ...(logger ? { logger } : {}),
  });
  retention.start(options.retention.sweepIntervalMs);
  const theDa = da;
  let stopping: Promise<void> | undefined;
  return {
    da: theDa,
    backend,
    retention,
    options,
    peerId: helia?.peerId,
    multiaddrs: () => helia?.multiaddrs() ?? [],
    addPeers: (addrs) => helia?.addPeers(addrs),
    onBatch: (batch) => retention.onBatch(batch),
    stop() {
      stopping ??= (async () => {
        await theDa.close();
        await retention.stop();
        await backend.stop();
      })();
      return stopping;
    },
  };
}
