import { multiaddr } from '@multiformats/multiaddr';
import { z } from 'zod';
import { DEFAULT_CHUNK_SIZE, DEFAULT_LISTEN, MAX_CHUNK_SIZE } from './constants.js';

const isMultiaddr = (s: string): boolean => {
  try {
    multiaddr(s);
    return true;
  } catch {
    return false;
  }
};
const multiaddrSchema = z.string().refine(isMultiaddr, { message: 'not a multiaddr (e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo...)' });

/** How long batch data stays pinned (see `Retention`). */
export const retentionOptionsSchema = z
  .strictObject({
    /** Data stays pinned this long after its batch is finalized (ms). Default 6 hours. */
    afterFinalizedMs: z.number().int().min(0).default(6 * 60 * 60 * 1000),
    /** Never unpin batch data (an archive node). Default false. */
    keepForever: z.boolean().default(false),
    /** How often pins past their time are released (ms). Default 1 minute. */
    sweepIntervalMs: z.number().int().min(100).default(60_000),
  })
  .prefault({});

/** What the plugin does on an L1 chain (with the `l1` plugin): registry peer record and DA challenges. */
export const ipfsL1OptionsSchema = z
  .strictObject({
    /**
     * Milliseconds between rounds: a sequencer publishes its peers in the L1 registry record and answers DA
     * challenges on its batches; a replica reads the record and dials the peers it names. Default 2 s.
     */
    pollIntervalMs: z.number().int().min(50).default(2_000),
    /** Most L1 blocks per eth_getLogs request. Default 2,000. */
    maxLogRange: z.number().int().min(1).max(100_000).default(2_000),
  })
  .prefault({});

/** Options of the `ipfs` plugin and of `createIpfsDa`. */
export const ipfsOptionsSchema = z
  .strictObject({
    /** Multiaddrs the embedded node listens on (TCP). Default `['/ip4/127.0.0.1/tcp/0']`: loopback only, a free port. */
    listen: z.array(multiaddrSchema).default([...DEFAULT_LISTEN]),
    /**
     * Multiaddrs of peers the embedded node dials at start and re-dials whenever the connection drops (the
     * sequencer's node, other replicas), e.g. `/ip4/10.0.0.5/tcp/4001/p2p/12D3KooW...`. Default none. These are
     * the only peers it reaches out to: it has no bootstrap list, DHT, mDNS or other discovery.
     */
    peers: z.array(multiaddrSchema).default([]),
    /**
     * Use a Kubo daemon through its RPC API instead of the embedded node (`listen` and `peers` then do not
     * apply: Kubo has its own network settings). Default: the embedded node.
     */
    kubo: z
      .strictObject({
        /** The RPC API, e.g. `http://127.0.0.1:5001`. */
        url: z.url(),
        /** Longest one RPC request may take (ms). Default 60 s. */
        timeoutMs: z.number().int().min(1).default(60_000),
      })
      .optional(),
    /** Bytes per chunk of published data, also the size of each IPFS leaf block. Default 65536 (64 KiB, answerable on L1 in one transaction), at most 1 MiB. */
    chunkSize: z.number().int().min(1).max(MAX_CHUNK_SIZE).default(DEFAULT_CHUNK_SIZE),
    /** Largest batch data published or retrieved (bytes). Default 64 MiB. */
    maxDataBytes: z.number().int().min(0).default(64 * 1024 * 1024),
    /** How long one `retrieve` waits for all the blocks before failing with DA_UNAVAILABLE (ms). Default 60 s. */
    fetchTimeoutMs: z.number().int().min(1).default(60_000),
    /** Blocks requested at once while retrieving. Default 16. */
    fetchConcurrency: z.number().int().min(1).max(256).default(16),
    /** How long batch data stays pinned. */
    retention: retentionOptionsSchema,
    /** Directory of the node's blockstore, datastore and retention records. Default `<node data dir>/ipfs`. */
    repo: z.string().min(1).optional(),
    /** On an L1 chain (the `l1` plugin present): the registry peer record and DA challenge answers. */
    l1: ipfsL1OptionsSchema,
  })
  .prefault({});

export type IpfsOptionsInput = z.input<typeof ipfsOptionsSchema>;
export type IpfsOptions = z.output<typeof ipfsOptionsSchema>;
export type RetentionOptionsInput = z.input<typeof retentionOptionsSchema>;
