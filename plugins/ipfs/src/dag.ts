import { exporter, type ReadableStorage } from 'ipfs-unixfs-exporter';
import { importBytes, type ImporterOptions, type WritableStorage } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import type { CID } from 'multiformats/cid';

/**
 * The import parameters of batch data: a UnixFS file, CIDv1, raw leaves of exactly one chunk each
 * (fixed-size chunker), sha2-256, balanced layout of at most 174 links per node, a single leaf being its own
 * root. Kubo's `add` with `cidVersion: 1, rawLeaves: true, chunker: 'size-<chunkSize>'` builds the same DAG.
 */
export function importerOptions(chunkSize: number): ImporterOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize }),
    layout: balanced({ maxChildrenPerNode: 174 }),
  };
}

/** The Kubo RPC `add` options that give the same DAG as `importerOptions(chunkSize)`. */
export function kuboAddOptions(chunkSize: number): { cidVersion: 1; rawLeaves: true; chunker: string } {
  return { cidVersion: 1, rawLeaves: true, chunker: `size-${chunkSize}` };
}

/** Imports `data` into `blockstore` as the batch DAG; resolves with its root. */
export async function importData(data: Uint8Array, chunkSize: number, blockstore: WritableStorage): Promise<CID> {
  return (await importBytes(data, blockstore, importerOptions(chunkSize))).cid;
}

/** The root CID `data` gets, computed without storing anything. */
export async function dataCid(data: Uint8Array, chunkSize: number): Promise<CID> {
  return importData(data, chunkSize, { put: async (cid) => cid });
}

export interface ReadDataOptions {
  readonly signal?: AbortSignal;
  /** Reading stops with DataTooLargeError past this many bytes. */
  readonly maxBytes: number;
  /** Blocks fetched at once. */
  readonly concurrency?: number;
}

/** The file behind `root` holds more bytes than allowed. */
export class DataTooLargeError extends Error {
  constructor(readonly limit: number, readonly claimed?: bigint) {
    super(claimed === undefined ? `the data exceeds ${limit} bytes` : `the DAG claims ${claimed} bytes, more than ${limit}`);
    this.name = 'DataTooLargeError';
  }
}

/** The bytes of the UnixFS file (or raw block) `root`, read through `blocks`. */
export async function readData(root: CID, blocks: ReadableStorage, options: ReadDataOptions): Promise<Uint8Array> {
  const read = { signal: options.signal, blockReadConcurrency: options.concurrency ?? 16 };
  const entry = await exporter(root, blocks, read);
  if (entry.type !== 'file' && entry.type !== 'raw') throw new TypeError(`${root} is a UnixFS ${entry.type}, not a file`);
  if (entry.size > BigInt(options.maxBytes)) throw new DataTooLargeError(options.maxBytes, entry.size);
  const out = new Uint8Array(Number(entry.size));
  let at = 0;
  for await (const piece of entry.content(read)) {
    if (at + piece.length > out.length) throw new DataTooLargeError(out.length);
    out.set(piece, at);
    at += piece.length;
  }
  if (at !== out.length) throw new TypeError(`${root} yielded ${at} bytes, its size is ${out.length}`);
  return out;
}
