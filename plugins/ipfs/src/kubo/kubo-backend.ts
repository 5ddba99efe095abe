import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LevelDatastore } from 'datastore-level';
import { create, type KuboRPCClient } from 'kubo-rpc-client';
import { CID } from 'multiformats/cid';
import type { AbortOptions, IpfsBackend } from '../backend.js';
import { dataCid, kuboAddOptions } from '../dag.js';

export interface KuboBackendOptions {
  /** The Kubo RPC API, e.g. `http://127.0.0.1:5001`. */
  readonly url: string;
  /** Longest a single RPC request may take (ms). */
  readonly timeoutMs?: number;
  /** Directory of the retention records (a LevelDB), created if missing. */
  readonly repo: string;
}

const asCid = (cid: { toString(): string }): CID => CID.parse(cid.toString());

/**
 * IPFS through a Kubo daemon's RPC API (`kubo-rpc-client`): `add` with the same import parameters as the
 * embedded node (CIDv1, raw leaves, `size-<chunkSize>` chunker) and `pin`, blocks read with `block/get`
 * (verified by the DA), `pin/add` and `pin/rm`. Kubo does its own networking and garbage collection
 * (`ipfs repo gc`, or the daemon's `--enable-gc`); the DA's retention records live in `repo`.
 */
export class KuboBackend implements IpfsBackend {
  readonly kind = 'kubo' as const;
  readonly client: KuboRPCClient;
  readonly datastore: LevelDatastore;
  #stopped = false;

  private constructor(client: KuboRPCClient, datastore: LevelDatastore) {
    this.client = client;
    this.datastore = datastore;
  }

  /** Opens the retention store; does not contact the daemon (it may come up later). */
  static async start(options: KuboBackendOptions): Promise<KuboBackend> {
    await mkdir(options.repo, { recursive: true });
    const datastore = new LevelDatastore(join(options.repo, 'retention'));
    await datastore.open();
    const client = create({ url: options.url, timeout: options.timeoutMs ?? 60_000 });
    return new KuboBackend(client, datastore);
  }

  async add(data: Uint8Array, chunkSize: number, options: AbortOptions = {}): Promise<CID> {
    const result = await this.client.add(data, { ...kuboAddOptions(chunkSize), pin: true, signal: options.signal });
    const cid = asCid(result.cid);
    const local = await dataCid(data, chunkSize);
    // A commitment must name the canonical DAG (replicas check its shape): a Kubo configured with other
    // import defaults (Import.UnixFSFileMaxLinks, ...) is refused rather than published.
    if (!cid.equals(local)) throw new Error(`Kubo's root CID ${cid} is not the canonical ${local} of these bytes: check the daemon's Import settings`);
    return cid;
  }

  async getBlock(cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
    return this.client.block.get(cid, { signal: options.signal });
  }

  /** Kubo verifies what it stores; a wrong answer is not fixed from here. */
  async deleteBlock(): Promise<void> {}

  async pin(root: CID, options: AbortOptions = {}): Promise<void> {
    await this.client.pin.add(root, { recursive: true, signal: options.signal });
  }

  async unpin(root: CID): Promise<void> {
    try {
      await this.client.pin.rm(root, { recursive: true });
    } catch (e) {
      if (/not pinned/i.test((e as Error).message)) return;
      throw e;
    }
  }

  /** Left to Kubo: its repository may hold other data than ours. */
  async collectGarbage(): Promise<void> {}

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.datastore.close();
  }
}
