import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { MetisError } from '@metis/core';

/** File name of the peer key under the key directory (protobuf-encoded libp2p private key, mode 0600). */
export const PEER_KEY_FILE = 'peer.key';

/**
 * The libp2p private key kept in `dir/peer.key`: read when present, else a new Ed25519 key written there
 * (atomically, owner-only). The peer id is what a ranger registers on L1, so it must survive restarts.
 * Throws RANGER_GOSSIP_FAILED when the file exists but is not a key.
 */
export async function loadOrCreatePeerKey(dir: string): Promise<PrivateKey> {
  const path = join(dir, PEER_KEY_FILE);
  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new MetisError('RANGER_GOSSIP_FAILED', { action: `read the peer key ${path}`, reason: (e as Error).message }, { cause: e });
    }
  }
  if (bytes !== undefined) {
    try {
      return privateKeyFromProtobuf(new Uint8Array(bytes));
    } catch (e) {
      throw new MetisError('RANGER_GOSSIP_FAILED', { action: `load the peer key ${path}`, reason: (e as Error).message }, { cause: e });
    }
  }
  const key = await generateKeyPair('Ed25519');
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, privateKeyToProtobuf(key), { mode: 0o600 });
    await rename(tmp, path);
  } catch (e) {
    throw new MetisError('RANGER_GOSSIP_FAILED', { action: `write the peer key ${path}`, reason: (e as Error).message }, { cause: e });
  }
  return key;
}
