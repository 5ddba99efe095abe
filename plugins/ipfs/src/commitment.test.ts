import { randomBytes } from 'node:crypto';
import { isMetisError } from '@metis/core';
import { CID } from 'multiformats/cid';
import * as sha2 from 'multiformats/hashes/sha2';
import { describe, expect, it } from 'vitest';
import { EMPTY_CHUNK_ROOT, chunkTree } from './chunks.js';
import { EMPTY_DATA_CID } from './cid.js';
import { IPFS_COMMITMENT_PREFIX_LENGTH, decodeIpfsCommitment, describeIpfsCommitment, encodeIpfsCommitment, type IpfsCommitment } from './commitment.js';
import { dataCid } from './dag.js';

async function commitmentOf(data: Uint8Array, chunkSize: number): Promise<IpfsCommitment> {
  const t = chunkTree(data, chunkSize);
  return { chunkRoot: t.root, chunkCount: t.count, chunkSize, cid: await dataCid(data, chunkSize) };
}

function invalidReason(bytes: Uint8Array): string {
  try {
    decodeIpfsCommitment(bytes);
  } catch (e) {
    expect(isMetisError(e, 'DA_INVALID'), String(e)).toBe(true);
    return (e as Error).message;
  }
  return expect.fail('decoded');
}

describe('IPFS commitments', () => {
  it('encode as 0x02 || chunkRoot || count (u32 BE) || size (u32 BE) || binary CID, and decode back', async () => {
    const data = new Uint8Array(randomBytes(1000));
    const c = await commitmentOf(data, 300);
    const bytes = encodeIpfsCommitment(c);
    expect(bytes[0]).toBe(0x02);
    expect(`0x${Buffer.from(bytes.subarray(1, 33)).toString('hex')}`).toBe(c.chunkRoot);
    expect(Buffer.from(bytes.subarray(33, 37)).readUInt32BE()).toBe(4);
    expect(Buffer.from(bytes.subarray(37, 41)).readUInt32BE()).toBe(300);
    expect(CID.decode(bytes.subarray(IPFS_COMMITMENT_PREFIX_LENGTH)).equals(c.cid)).toBe(true);
    const back = decodeIpfsCommitment(bytes);
    expect(back.chunkRoot).toBe(c.chunkRoot);
    expect(back.chunkCount).toBe(4);
    expect(back.chunkSize).toBe(300);
    expect(back.cid.equals(c.cid)).toBe(true);
    expect(describeIpfsCommitment(bytes)).toBe(c.cid.toString());
  });

  it('round-trip empty data (zero chunks, zero root, the empty raw block) and a single chunk (a raw CID)', async () => {
    const empty = await commitmentOf(new Uint8Array(0), 1024);
    expect(empty.chunkRoot).toBe(EMPTY_CHUNK_ROOT);
    expect(empty.cid.equals(EMPTY_DATA_CID)).toBe(true);
    expect(decodeIpfsCommitment(encodeIpfsCommitment(empty)).chunkCount).toBe(0);
    const one = await commitmentOf(Uint8Array.of(1, 2, 3), 1024);
    expect(one.cid.code).toBe(0x55);
    expect(decodeIpfsCommitment(encodeIpfsCommitment(one)).cid.equals(one.cid)).toBe(true);
  });

  it('refuses malformed commitments with DA_INVALID', async () => {
    const good = encodeIpfsCommitment(await commitmentOf(new Uint8Array(randomBytes(2000)), 1000));
    const edit = (at: number, value: number): Uint8Array => {
      const b = Uint8Array.from(good);
      b[at] = value;
      return b;
    };
    const u32 = (bytes: Uint8Array, at: number, v: number): Uint8Array => {
      const b = Uint8Array.from(bytes);
      Buffer.from(b.buffer).writeUInt32BE(v, at);
      return b;
    };
    expect(invalidReason(new Uint8Array(0))).toMatch(/empty commitment/);
    expect(invalidReason(edit(0, 0x01))).toMatch(/version 1/);
    expect(invalidReason(good.subarray(0, IPFS_COMMITMENT_PREFIX_LENGTH))).toMatch(/no root CID/);
    expect(invalidReason(good.subarray(0, 20))).toMatch(/no root CID/);
    expect(invalidReason(good.subarray(0, good.length - 1))).toMatch(/does not decode/);
    expect(invalidReason(Uint8Array.of(...good, 0))).toMatch(/does not decode, or is followed by other bytes/);
    expect(invalidReason(u32(good, 37, 0))).toMatch(/chunk size 0/);
    expect(invalidReason(u32(good, 37, 1024 * 1024 + 1))).toMatch(/chunk size 1048577/);
    expect(invalidReason(u32(good, 33, 1))).toMatch(/one chunk, but root CID .* is not a raw block/);
    expect(invalidReason(u32(good, 33, 0))).toMatch(/zero chunks with a non-zero chunkRoot/);
    const zeroRoot = Uint8Array.from(good);
    zeroRoot.fill(0, 1, 33);
    expect(invalidReason(zeroRoot)).toMatch(/with a zero chunkRoot/);
    // a CIDv0 (sha2-256 dag-pb, no version prefix)
    const v0 = CID.parse('QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n');
    expect(invalidReason(Uint8Array.of(...good.subarray(0, 41), ...v0.bytes))).toMatch(/not CIDv1/);
    // a CIDv1 with a sha2-512 hash
    const sha512 = CID.createV1(0x55, await sha2.sha512.digest(Uint8Array.of(1)));
    expect(invalidReason(Uint8Array.of(...good.subarray(0, 41), ...sha512.bytes))).toMatch(/not a 32-byte sha2-256/);
    // zero chunks naming another CID than the empty file's
    const emptyBytes = encodeIpfsCommitment(await commitmentOf(new Uint8Array(0), 1000));
    const otherCid = (await dataCid(Uint8Array.of(1), 1000)).bytes;
    expect(invalidReason(Uint8Array.of(...emptyBytes.subarray(0, 41), ...otherCid))).toMatch(/not the empty file's/);
    // several chunks naming a raw CID
    expect(invalidReason(Uint8Array.of(...good.subarray(0, 41), ...otherCid))).toMatch(/is not a dag-pb node/);
  });

  it('refuses to encode out-of-range fields', async () => {
    const c = await commitmentOf(Uint8Array.of(1), 10);
    expect(() => encodeIpfsCommitment({ ...c, chunkRoot: '0x1234' })).toThrow(TypeError);
    expect(() => encodeIpfsCommitment({ ...c, chunkCount: 2 ** 32 })).toThrow(RangeError);
    expect(() => encodeIpfsCommitment({ ...c, chunkSize: -1 })).toThrow(RangeError);
  });
});
