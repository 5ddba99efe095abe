import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import * as Digest from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';

/** Multicodec of dag-pb (UnixFS nodes with links). */
export const DAG_PB_CODE = 0x70;
/** Multicodec of raw blocks (UnixFS leaves with `rawLeaves`). */
export const RAW_CODE = raw.code;
/** Multihash code of sha2-256. */
export const SHA2_256_CODE = sha256.code;

/** CIDv1 (raw, sha2-256) of the empty block: the root of empty data imported with raw leaves. */
export const EMPTY_DATA_CID: CID = CID.createV1(RAW_CODE, Digest.create(SHA2_256_CODE, createHash('sha256').digest()));

/** Whether `bytes` hash (with the CID's own hash function, sha2-256 here) to `cid`'s digest. */
export function blockMatchesCid(cid: CID, bytes: Uint8Array): boolean {
  if (cid.multihash.code !== SHA2_256_CODE) return false;
  const digest = createHash('sha256').update(bytes).digest();
  return Buffer.compare(digest, cid.multihash.digest) === 0;
}
