import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FsBlockstore } from 'blockstore-fs';
import { LevelDatastore } from 'datastore-level';

/** The embedded node's persistent stores under its repo directory: `blocks/` (one file per block) and `datastore/` (LevelDB: pins, peer id key, peer store, retention records). */
export interface HeliaStores {
  readonly blockstore: FsBlockstore;
  readonly datastore: LevelDatastore;
  close(): Promise<void>;
}

/** Opens (creating them if missing) the stores under `repo`; they must be open before Helia starts. */
export async function openStores(repo: string): Promise<HeliaStores> {
  await mkdir(repo, { recursive: true });
  const blockstore = new FsBlockstore(join(repo, 'blocks'));
  const datastore = new LevelDatastore(join(repo, 'datastore'));
  await blockstore.open();
  try {
    await datastore.open();
  } catch (e) {
    await blockstore.close();
    throw e;
  }
  let closed = false;
  return {
    blockstore,
    datastore,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([blockstore.close(), datastore.close()]);
    },
  };
}
