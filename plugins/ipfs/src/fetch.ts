import type { ReadableStorage } from 'ipfs-unixfs-exporter';
import type { CID } from 'multiformats/cid';
import type { IpfsBackend } from './backend.js';
import { blockMatchesCid } from './cid.js';
import { DataTooLargeError, readData } from './dag.js';

/** A block whose bytes do not hash to its CID: refused. */
export class BlockMismatchError extends Error {
  constructor(readonly cid: CID, readonly source: string) {
    super(`block ${cid} from ${source} does not hash to its CID`);
    this.name = 'BlockMismatchError';
  }
}

/** The backend could not give a block (network, daemon, timeout). */
export class BlockFetchError extends Error {
  constructor(readonly cid: CID, cause: unknown) {
    super(`block ${cid} could not be fetched: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'BlockFetchError';
  }
}

/** What went wrong while fetching a DAG, sorted into the two DA error codes. */
export interface FetchFailure {
  readonly code: 'DA_UNAVAILABLE' | 'DA_INVALID';
  readonly reason: string;
  readonly cause: unknown;
}

export interface FetchDataOptions {
  readonly signal: AbortSignal;
  readonly maxBytes: number;
  readonly concurrency: number;
  /** Called for each block whose bytes were wrong, after it was refused. */
  readonly onMismatch?: (cid: CID) => void;
}

/**
 * Every block through `backend.getBlock` checked against its CID (sha2-256) before the exporter sees it.
 * Helia's bitswap already refuses blocks that do not match what was asked for; this also covers the local
 * store and a Kubo daemon's answers.
 */
export function verifiedBlocks(backend: IpfsBackend, onMismatch?: (cid: CID) => void): ReadableStorage & { readonly count: number } {
  let count = 0;
  return {
    get count() {
      return count;
    },
    async *get(cid, options) {
      let bytes: Uint8Array;
      try {
        bytes = await backend.getBlock(cid, options ?? {});
      } catch (e) {
        throw new BlockFetchError(cid, e);
      }
      if (!blockMatchesCid(cid, bytes)) {
        onMismatch?.(cid);
        throw new BlockMismatchError(cid, backend.kind === 'kubo' ? 'the Kubo daemon' : 'the local store');
      }
      count++;
      yield bytes;
    },
  };
}

/**
 * The file under `root`, every block verified. Resolves with the bytes or rejects with a FetchFailure:
 * DA_UNAVAILABLE when blocks could not be had before `signal` aborted or the backend failed; DA_INVALID
 * when a block did not match its CID, the DAG claims too many bytes, or the (verified) blocks do not form
 * a UnixFS file.
 */
export async function fetchData(root: CID, backend: IpfsBackend, options: FetchDataOptions): Promise<Uint8Array> {
  const blocks = verifiedBlocks(backend, options.onMismatch);
  try {
    return await readData(root, blocks, { signal: options.signal, maxBytes: options.maxBytes, concurrency: options.concurrency });
  } catch (e) {
    throw classify(e, options.signal, blocks.count);
  }
}

function classify(e: unknown, signal: AbortSignal, fetched: number): FetchFailure {
  const got = `${fetched} block(s) verified`;
  if (e instanceof BlockMismatchError) return { code: 'DA_INVALID', reason: e.message, cause: e };
  if (e instanceof DataTooLargeError) return { code: 'DA_INVALID', reason: e.message, cause: e };
  if (hasInvalidMultihash(e)) return { code: 'DA_INVALID', reason: `a block received does not hash to its CID (${(e as Error).message})`, cause: e };
  if (signal.aborted) {
    const why = signal.reason instanceof Error && signal.reason.name === 'TimeoutError' ? 'timed out' : 'was aborted';
    return { code: 'DA_UNAVAILABLE', reason: `fetching the DAG ${why} (${got})`, cause: e };
  }
  if (e instanceof BlockFetchError) return { code: 'DA_UNAVAILABLE', reason: `${e.message} (${got})`, cause: e };
  // Anything else came from decoding blocks that matched their CIDs: what the commitment names is not a file.
  return { code: 'DA_INVALID', reason: `the DAG is not a UnixFS file: ${(e as Error)?.message ?? String(e)}`, cause: e };
}

function hasInvalidMultihash(e: unknown, depth = 0): boolean {
  if (!(e instanceof Error) || depth > 5) return false;
  if (e.name === 'InvalidMultihashError') return true;
  if (e instanceof AggregateError && e.errors.some((inner) => hasInvalidMultihash(inner, depth + 1))) return true;
  return hasInvalidMultihash(e.cause, depth + 1);
}

export const isFetchFailure = (e: unknown): e is FetchFailure =>
  typeof e === 'object' && e !== null && 'code' in e && 'reason' in e && !(e instanceof Error);
