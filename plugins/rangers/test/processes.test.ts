import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walletOf } from '../src/testing/attestations.js';
import { startRangerPeer, type RangerPeerConfig, type RangerPeerProcess } from './fixtures/peer-process.js';
import { until } from './fixtures/until.js';

interface Arrival {
  batchIndex: string;
  signer: string;
  from: string | null;
  at: number;
}
interface Sockets {
  connects: string[];
  listens: string[];
  udp: number;
  libp2p: string[];
  multiaddrs: string[];
}

const RANGERS = Array.from({ length: 10 }, (_, i) => `r${i + 1}`);
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

// Three processes, each a RangerGossip with its own peer key: B dials A, C dials B only, so what C gets from A
// took two hops through B.
describe('RangerGossip between processes (gossipsub over TCP on 127.0.0.1)', () => {
  let dir: string;
  let a: RangerPeerProcess;
  let b: RangerPeerProcess;
  let c: RangerPeerProcess;
  const all: RangerPeerProcess[] = [];
  const figures: string[] = [];
  const config = (name: string, extra: Partial<RangerPeerConfig> = {}): RangerPeerConfig => ({ keyDir: join(dir, name), batches: ['1', '2', '3'], stakes: RANGERS, ...extra });
  const ready = (p: RangerPeerProcess, mesh: string[]): Promise<boolean> => p.call<boolean>('ready', { mesh });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-rangers-processes-'));
    // started together (loading tsx and libp2p takes a second or two), then told whom to dial
    const started = await Promise.allSettled(['a', 'b', 'c'].map((name) => startRangerPeer(config(name))));
    for (const s of started) if (s.status === 'fulfilled') all.push(s.value); // stopped in afterAll even if another failed
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    [a, b, c] = all as [RangerPeerProcess, RangerPeerProcess, RangerPeerProcess];
    await b.call('addPeers', { peers: a.multiaddrs });
    await c.call('addPeers', { peers: b.multiaddrs });
    await until('the meshes A-B and B-C', async () => (await ready(a, [b.peerId])) && (await ready(b, [a.peerId, c.peerId])) && (await ready(c, [b.peerId])), 20_000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(all.map((p) => p.stop()));
    if (figures.length) console.info(`rangers gossip between processes:\n  ${figures.join('\n  ')}`);
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('attestations published in A reach B and C (through B), each once; latency A→B and A→B→C', async () => {
    const sent: Record<string, number> = {};
    for (const r of RANGERS) {
      const { at, recipients } = await a.call<{ at: number; recipients: string[] }>('publish', { signer: r, batchIndex: '1' });
      expect(recipients).toEqual([b.peerId]);
      sent[walletOf(r).address.toLowerCase()] = at;
    }
    const arrived = async (p: RangerPeerProcess): Promise<Arrival[]> => (await p.call<Arrival[]>('arrivals')).filter((x) => x.batchIndex === '1');
    await until('C to collect the 10 attestations', async () => (await arrived(c)).length === RANGERS.length);
    const atB = await arrived(b);
    const atC = await arrived(c);
    expect(atB.map((x) => x.from)).toEqual(RANGERS.map(() => a.peerId));
    expect(atC.map((x) => x.from)).toEqual(RANGERS.map(() => b.peerId));
    expect(new Set(atC.map((x) => x.signer))).toEqual(new Set(Object.keys(sent)));
    const latency = (list: Arrival[]): number[] => list.map((x) => x.at - sent[x.signer]!);
    const lb = latency(atB);
    const lc = latency(atC);
    for (const l of [...lb, ...lc]) expect(l).toBeGreaterThan(0);
    figures.push(`A→B: min ${Math.min(...lb).toFixed(2)} ms, median ${median(lb).toFixed(2)} ms, max ${Math.max(...lb).toFixed(2)} ms (10 attestations, published one after the other)`);
    figures.push(`A→B→C: min ${Math.min(...lc).toFixed(2)} ms, median ${median(lc).toFixed(2)} ms, max ${Math.max(...lc).toFixed(2)} ms`);
    // A holds its own, nothing came back to it as new
    expect((await a.call<Arrival[]>('arrivals')).filter((x) => x.batchIndex === '1').map((x) => x.from)).toEqual(RANGERS.map(() => null));
  });

  it('listens and connects on 127.0.0.1 only, no UDP', async () => {
    for (const p of [a, b, c]) {
      const s = await p.call<Sockets>('sockets');
      for (const m of s.multiaddrs) expect(m).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${p.peerId}$`));
      expect(s.listens.length).toBeGreaterThan(0);
      for (const l of s.listens) expect(l).toMatch(/^127\.0\.0\.1:\d+$/);
      for (const t of s.connects) expect(t).toMatch(/^127\.0\.0\.1:\d+$/);
      for (const r of s.libp2p) expect(r).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/);
      expect(s.udp).toBe(0);
    }
  });

  it('B restarted from its key directory on its port keeps its peer id; A and C reconnect and delivery resumes', async () => {
    const port = /\/tcp\/(\d+)\//.exec(b.multiaddrs[0]!)![1];
    const id = b.peerId;
    await b.stop();
    const t0 = performance.now();
    b = await startRangerPeer(config('b', { listen: [`/ip4/127.0.0.1/tcp/${port}`], peers: a.multiaddrs }));
    all.push(b);
    expect(b.peerId).toBe(id);
    await until('C to re-dial B and the meshes to form again', async () => (await ready(c, [b.peerId])) && (await ready(b, [a.peerId, c.peerId])) && (await ready(a, [b.peerId])), 15_000);
    figures.push(`B restarted: meshes back ${(performance.now() - t0).toFixed(0)} ms after the restart began (process start included)`);
    await a.call('publish', { signer: 'r1', batchIndex: '2' });
    await until('C to collect it', async () => (await c.call<Arrival[]>('arrivals')).some((x) => x.batchIndex === '2'));
  }, 20_000);
});
