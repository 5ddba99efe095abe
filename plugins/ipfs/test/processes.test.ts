import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keccak256 } from '../src/keccak.js';
import { startPeer, type PeerProcess } from './fixtures/peer-process.js';
import { seededBytes } from './fixtures/seeded-bytes.js';

interface Published {
  commitment: string;
  hash: string;
  ms: number;
}
interface Retrieved {
  ok: boolean;
  hash?: string;
  length?: number;
  code?: string;
  message?: string;
  ms: number;
}
interface NetLog {
  tcp: string[];
  udp: string[];
  dns: string[];
  libp2p: string[];
  services: string[];
}

const MiB = 1024 * 1024;
const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

// Three real processes, each an embedded Helia node with its own repo, talking bitswap over TCP on
// 127.0.0.1: A publishes (a sequencer), B dials A (a replica), C dials only B (another replica).
describe('IPFS DA between processes (bitswap over TCP on 127.0.0.1)', () => {
  let dir: string;
  let a: PeerProcess;
  let b: PeerProcess;
  let c: PeerProcess;
  const published: Record<string, Published> = {};
  const logs: Record<string, NetLog> = {};
  const figures: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-ipfs-processes-'));
    // started together (a process takes seconds to load helia and libp2p), then told whom to dial
    [a, b, c] = await Promise.all([startPeer({ repo: join(dir, 'a') }), startPeer({ repo: join(dir, 'b') }), startPeer({ repo: join(dir, 'c') })]);
    await b.call('addPeers', { peers: a.multiaddrs });
    await c.call('addPeers', { peers: b.multiaddrs });
    await until('B connected to A, C to B', async () => (await b.call<boolean>('connected')) && (await c.call<boolean>('connected')));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b, c].map((p) => p?.stop()));
    if (figures.length) console.info(`IPFS DA between processes:\n  ${figures.join('\n  ')}`);
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('listens on 127.0.0.1 only, with a persistent peer id in each repo', () => {
    for (const p of [a, b, c]) {
      expect(p.multiaddrs.length).toBeGreaterThan(0);
      for (const m of p.multiaddrs) expect(m).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${p.peerId}$`));
    }
    expect(new Set([a.peerId, b.peerId, c.peerId]).size).toBe(3);
  });

  it('B retrieves what A published, over bitswap: 1 MiB and 10 MiB batches, same bytes', async () => {
    for (const [name, size] of [['1MiB', MiB], ['10MiB', 10 * MiB]] as const) {
      const p = await a.call<Published>('publish', { size, seed: name });
      expect(p.hash).toBe(keccak256(seededBytes(size, name)));
      published[name] = p;
      const r = await b.call<Retrieved>('retrieve', { commitment: p.commitment, hash: p.hash });
      expect(r, r.message).toMatchObject({ ok: true, hash: p.hash, length: size });
      figures.push(`${name}: publish on A ${p.ms.toFixed(0)} ms, retrieve on B ${r.ms.toFixed(0)} ms (${(size / MiB / (r.ms / 1000)).toFixed(1)} MiB/s)`);
    }
  }, 60_000);

  it('with A stopped, C retrieves from B, which pinned what it fetched', async () => {
    logs.A = await a.call<NetLog>('netlog');
    await a.stop();
    for (const name of ['1MiB', '10MiB']) {
      const p = published[name]!;
      const r = await c.call<Retrieved>('retrieve', { commitment: p.commitment, hash: p.hash });
      expect(r, r.message).toMatchObject({ ok: true, hash: p.hash });
      figures.push(`${name}: retrieve on C from B (A stopped) ${r.ms.toFixed(0)} ms`);
    }
  }, 60_000);

  it('made no connection, UDP packet or DNS lookup beyond 127.0.0.1, and runs no discovery or routing service', async () => {
    logs.B = await b.call<NetLog>('netlog');
    logs.C = await c.call<NetLog>('netlog');
    expect(Object.keys(logs).sort()).toEqual(['A', 'B', 'C']);
    for (const [name, log] of Object.entries(logs)) {
      expect(log.services, name).toEqual(['identify']);
      expect(log.libp2p.length, `${name} had libp2p connections`).toBeGreaterThan(0);
      for (const addr of log.libp2p) expect(addr, `${name} libp2p connection`).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/);
      for (const dest of log.tcp) expect(dest, `${name} TCP connect`).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(log.udp, `${name} UDP`).toEqual([]);
      // net.connect may pass an address literal through dns.lookup; no name is ever resolved
      for (const host of log.dns) expect(host, `${name} DNS lookup`).toBe('127.0.0.1');
    }
    // B and C dialled (A only accepted): the recorder saw their connects
    expect(logs.B!.tcp.length).toBeGreaterThan(0);
    expect(logs.C!.tcp.length).toBeGreaterThan(0);
  });
});
