import { MetisError } from '@metis/core';
import { CID } from 'multiformats/cid';
import { EMPTY_CHUNK_ROOT } from './chunks.js';
import { MAX_CHUNK_SIZE } from './constants.js';
import { DAG_PB_CODE, EMPTY_DATA_CID, RAW_CODE, SHA2_256_CODE } from './cid.js';

/** Version byte of IPFS-DA commitments. */
export const IPFS_COMMITMENT_VERSION = 0x02;
/** Bytes before the root CID: version (1), chunkRoot (32), chunkCount (4), chunkSize (4). */
export const IPFS_COMMITMENT_PREFIX_LENGTH = 41;

/** What an IPFS-DA commitment says about the batch data. */
export interface IpfsCommitment {
  /** StandardMerkleTree root over `[chunkIndex, keccak256(chunk)]`; 32 zero bytes for empty data. */
  readonly chunkRoot: `0x${string}`;
  readonly chunkCount: number;
  readonly chunkSize: number;
  /** Root of the UnixFS file DAG (CIDv1, raw leaves of one chunk each, sha2-256, balanced). */
  readonly cid: CID;
}

const hex = (bytes: Uint8Array): `0x${string}` => `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;

/**
 * `0x02 || chunkRoot (32) || chunkCount (uint32 BE) || chunkSize (uint32 BE) || root CID (binary CIDv1)`,
 * the format `DaChallenge.sol` parses.
 */
export function encodeIpfsCommitment(c: IpfsCommitment): Uint8Array {
  const root = Buffer.from(c.chunkRoot.slice(2), 'hex');
  if (root.length !== 32 || !/^0x[0-9a-fA-F]{64}$/.test(c.chunkRoot)) throw new TypeError(`chunkRoot is not 32 bytes: ${c.chunkRoot}`);
  for (const [name, v] of [['chunkCount', c.chunkCount], ['chunkSize', c.chunkSize]] as const) {
    if (!Number.isSafeInteger(v) || v < 0 || v > 0xffff_ffff) throw new RangeError(`${name} is not a uint32: ${v}`);
  }
  const cid = c.cid.bytes;
  const out = new Uint8Array(IPFS_COMMITMENT_PREFIX_LENGTH + cid.length);
  const view = new DataView(out.buffer);
  out[0] = IPFS_COMMITMENT_VERSION;
  out.set(root, 1);
  view.setUint32(33, c.chunkCount, false);
  view.setUint32(37, c.chunkSize, false);
  out.set(cid, IPFS_COMMITMENT_PREFIX_LENGTH);
  return out;
}

/** The commitment as text for messages: its CID when it has one, else (part of) its hex. */
export function describeIpfsCommitment(commitment: Uint8Array): string {
  if (commitment.length > IPFS_COMMITMENT_PREFIX_LENGTH && commitment[0] === IPFS_COMMITMENT_VERSION) {
    try {
      return CID.decode(commitment.subarray(IPFS_COMMITMENT_PREFIX_LENGTH)).toString();
    } catch {
      // not a CID: fall through
    }
  }
  const h = hex(commitment);
  return h.length <= 2 + 2 * 64 ? h : `${h.slice(0, 2 + 2 * 64)}…(${commitment.length} bytes)`;
}

/**
 * Parses and checks a commitment. DA_INVALID when: not version 0x02; shorter than the prefix; chunkSize
 * outside 1..1 MiB; the rest is not exactly one CID (trailing bytes included); the CID is not v1 with a
 * 32-byte sha2-256 digest; or the parts disagree: zero chunks needs the zero chunkRoot and the empty file's
 * CID, one chunk a raw CID (a single leaf is its own root), more a dag-pb root; a non-empty batch needs a
 * non-zero chunkRoot.
 */
export function decodeIpfsCommitment(commitment: Uint8Array): IpfsCommitment {
  const fail = (reason: string): never => {
    throw new MetisError('DA_INVALID', { commitment: describeIpfsCommitment(commitment), reason });
  };
  if (commitment.length === 0) fail('empty commitment');
  if (commitment[0] !== IPFS_COMMITMENT_VERSION) fail(`unknown commitment version ${commitment[0]} (IPFS commitments are version 2)`);
  if (commitment.length <= IPFS_COMMITMENT_PREFIX_LENGTH) fail(`commitment of ${commitment.length} bytes has no root CID (prefix is ${IPFS_COMMITMENT_PREFIX_LENGTH} bytes)`);
  const view = new DataView(commitment.buffer, commitment.byteOffset, commitment.byteLength);
  const chunkRoot = hex(commitment.subarray(1, 33));
  const chunkCount = view.getUint32(33, false);
  const chunkSize = view.getUint32(37, false);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) fail(`chunk size ${chunkSize} is outside 1..${MAX_CHUNK_SIZE}`);
  let cid: CID;
  try {
    cid = CID.decode(commitment.subarray(IPFS_COMMITMENT_PREFIX_LENGTH));
  } catch (e) {
    return fail(`the root CID does not decode, or is followed by other bytes (${(e as Error).message})`);
  }
  if (cid.version !== 1) fail(`root CID ${cid} is not CIDv1`);
  if (cid.multihash.code !== SHA2_256_CODE || cid.multihash.size !== 32) fail(`root CID ${cid} is not a 32-byte sha2-256 hash`);
  if (chunkCount === 0) {
    if (chunkRoot !== EMPTY_CHUNK_ROOT) fail(`zero chunks with a non-zero chunkRoot ${chunkRoot}`);
    if (!cid.equals(EMPTY_DATA_CID)) fail(`zero chunks, but root CID ${cid} is not the empty file's ${EMPTY_DATA_CID}`);
  } else {
    if (chunkRoot === EMPTY_CHUNK_ROOT) fail(`${chunkCount} chunks with a zero chunkRoot`);
    if (chunkCount === 1 && cid.code !== RAW_CODE) fail(`one chunk, but root CID ${cid} is not a raw block`);
    if (chunkCount > 1 && cid.code !== DAG_PB_CODE) fail(`${chunkCount} chunks, but root CID ${cid} is not a dag-pb node`);
  }
  return { chunkRoot, chunkCount, chunkSize, cid };
}
