import { createHash, randomBytes } from 'node:crypto';
import * as dagPb from '@ipld/dag-pb';
import { MemoryBlockstore } from 'blockstore-core';
import { UnixFS } from 'ipfs-unixfs';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { describe, expect, it } from 'vitest';
import { splitChunks } from './chunks.js';
import { EMPTY_DATA_CID, blockMatchesCid } from './cid.js';
import { DataTooLargeError, dataCid, importData, kuboAddOptions, readData } from './dag.js';

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const rawCid = (bytes: Uint8Array): string => CID.createV1(0x55, Digest.create(0x12, createHash('sha256').update(bytes).digest())).toString();

async function bytesOf(store: MemoryBlockstore, cid: CID): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of store.get(cid)) parts.push(p);
  return Buffer.concat(parts);
}

describe('the batch DAG (UnixFS, CIDv1, raw leaves, fixed-size chunks, balanced)', () => {
  it('roots empty data at the empty raw block, as `ipfs add --cid-version 1 --raw-leaves` does', async () => {
    expect(EMPTY_DATA_CID.toString()).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
    expect((await dataCid(new Uint8Array(0), 1024)).equals(EMPTY_DATA_CID)).toBe(true);
  });

  it('makes a single chunk its own root: the raw block of the data', async () => {
    const data = random(1000);
    expect((await dataCid(data, 1000)).toString()).toBe(rawCid(data));
  });

  it('links every chunk as one raw leaf, in order, under a dag-pb file node', async () => {
    const store = new MemoryBlockstore();
    const data = random(10 * 64 + 7);
    const root = await importData(data, 64, store);
    expect(root.version).toBe(1);
    expect(root.code).toBe(0x70);
    expect(root.multihash.code).toBe(0x12);
    const node = dagPb.decode(await bytesOf(store, root));
    const chunks = splitChunks(data, 64);
    expect(node.Links.map((l) => l.Hash.toString())).toEqual(chunks.map(rawCid));
    const file = UnixFS.unmarshal(node.Data!);
    expect(file.type).toBe('file');
    expect(file.blockSizes.map(Number)).toEqual(chunks.map((c) => c.length));
    expect(Number(file.fileSize())).toBe(data.length);
    for (const l of node.Links) expect(blockMatchesCid(l.Hash, await bytesOf(store, l.Hash))).toBe(true);
  });

  it('balances more than 174 leaves under intermediate nodes of at most 174 links', async () => {
    const store = new MemoryBlockstore();
    const data = random(175 * 16 + 1); // 176 chunks
    const root = await importData(data, 16, store);
    const node = dagPb.decode(await bytesOf(store, root));
    expect(node.Links).toHaveLength(2);
    const first = dagPb.decode(await bytesOf(store, node.Links[0]!.Hash));
    const second = dagPb.decode(await bytesOf(store, node.Links[1]!.Hash));
    expect(first.Links).toHaveLength(174);
    expect(second.Links).toHaveLength(2);
    expect(Buffer.compare(await readData(root, store, { maxBytes: data.length }), data)).toBe(0);
  });

  it('reads the data back, and refuses a DAG larger than maxBytes before fetching its leaves', async () => {
    const store = new MemoryBlockstore();
    const data = random(5000);
    const root = await importData(data, 1024, store);
    expect(Buffer.compare(await readData(root, store, { maxBytes: 5000 }), data)).toBe(0);
    await expect(readData(root, store, { maxBytes: 4999 })).rejects.toBeInstanceOf(DataTooLargeError);
  });

  it('names the Kubo add options that build the same DAG', () => {
    expect(kuboAddOptions(131072)).toEqual({ cidVersion: 1, rawLeaves: true, chunker: 'size-131072' });
  });
});
