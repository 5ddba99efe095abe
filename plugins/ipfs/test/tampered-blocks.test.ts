import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPeer, type PeerProcess } from './fixtures/peer-process.js';

interface Retrieved {
  ok: boolean;
  hash?: string;
  code?: string;
  message?: string;
  ms: number;
}

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

// P publishes; Q (dials P) fetched the data; then one leaf is overwritten with other bytes straight in a
// node's blockstore, under its CID: as a corrupt disk, or a peer that serves wrong data, would have it.
describe('tampered blocks between processes', () => {
  let dir: string;
  let p: PeerProcess;
  let q: PeerProcess;
  let s: PeerProcess;
  let batch: { commitment: string; hash: string };
  let leaf: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-ipfs-tamper-'));
    // started together (a process takes seconds to load helia and libp2p), then told whom to dial
    [p, q, s] = await Promise.all([
      startPeer({ repo: join(dir, 'p'), chunkSize: 64 * 1024 }),
      startPeer({ repo: join(dir, 'q'), fetchTimeoutMs: 10_000 }),
      startPeer({ repo: join(dir, 's'), fetchTimeoutMs: 5_000 }),
    ]);
    await q.call('addPeers', { peers: p.multiaddrs });
    await until('Q connected to P', () => q.call<boolean>('connected'));
    batch = await p.call('publish', { size: 300 * 1024, seed: 'tamper' });
    leaf = (await p.call<string[]>('leaves', { commitment: batch.commitment }))[2]!;
    const r = await q.call<Retrieved>('retrieve', batch);
    expect(r, r.message).toMatchObject({ ok: true, hash: batch.hash });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([p, q, s].map((x) => x?.stop()));
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('a block in the node\'s own store that does not hash to its CID fails the retrieve with DA_INVALID; the block is dropped and fetched again from a peer', async () => {
    await p.call('corrupt', { cid: leaf, size: 64 * 1024 });
    const bad = await p.call<Retrieved>('retrieve', batch);
    expect(bad.ok).toBe(false);
    expect(bad.code, bad.message).toBe('DA_INVALID');
    expect(bad.message).toContain(`block ${leaf} from the local store does not hash to its CID`);
    // P dropped the corrupt copy; P dials nobody, but Q keeps its connection to P: bitswap asks Q.
    expect(await p.call<boolean>('has', { cid: leaf })).toBe(false);
    const healed = await p.call<Retrieved>('retrieve', batch);
    expect(healed, healed.message).toMatchObject({ ok: true, hash: batch.hash });
  }, 30_000);

  it('a peer serving other bytes for a block is never believed: the retrieve waits, fails DA_UNAVAILABLE, keeps nothing; an honest peer then serves it', async () => {
    await q.call('corrupt', { cid: leaf, size: 64 * 1024 });
    await s.call('addPeers', { peers: q.multiaddrs });
    await until('S connected to Q', () => s.call<boolean>('connected'));
    const refused = await s.call<Retrieved>('retrieve', batch);
    expect(refused.ok).toBe(false);
    // Bitswap derives a received block's CID from its bytes, so Q's bytes never count as the leaf: S keeps
    // waiting for the real one (a replica retries), instead of blaming the batch.
    expect(refused.code, refused.message).toBe('DA_UNAVAILABLE');
    expect(refused.message).toMatch(/timed out/);
    expect(await s.call<boolean>('has', { cid: leaf })).toBe(false);
    await s.call('addPeers', { peers: p.multiaddrs });
    await until('S connected to P', () => s.call<boolean>('connected'));
    const fetched = await s.call<Retrieved>('retrieve', batch);
    expect(fetched, fetched.message).toMatchObject({ ok: true, hash: batch.hash });
    expect(await s.call<boolean>('has', { cid: leaf })).toBe(true);
  }, 45_000);
});
