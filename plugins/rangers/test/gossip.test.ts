import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAttestation } from '../src/attestation/codec.js';
import { rangerDomain } from '../src/attestation/eip712.js';
import type { SignedAttestation } from '../src/attestation/types.js';
import { PEER_KEY_FILE } from '../src/gossip/peer-key.js';
import { RangerGossip, type AttestationEvent, type IgnoreEvent, type RangerGossipOptions, type RejectionEvent } from '../src/gossip/ranger-gossip.js';
import { attestationTopic } from '../src/gossip/topic.js';
import { attestationOf, batchInput, signed, walletOf } from '../src/testing/attestations.js';
import { MemoryAttestationView } from '../src/testing/memory-view.js';
import { startAdversary, type Adversary } from './fixtures/adversary.js';
import { until } from './fixtures/until.js';

const CHAIN = 901n;
const domain = rangerDomain(31337n, '0x5FbDB2315678afecb367f032d93F642f64180aa3');
const [r1, r2, r3] = ['r1', 'r2', 'r3'].map(walletOf) as [ReturnType<typeof walletOf>, ReturnType<typeof walletOf>, ReturnType<typeof walletOf>];
const outsider = walletOf('outsider');
const LOOPBACK = /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+$/;

/** Batches 0..4 visible, batch 0 final; r1, r2, r3 staked. */
function newView(): MemoryAttestationView {
  const view = new MemoryAttestationView();
  for (const i of [0n, 1n, 2n, 3n, 4n]) view.setBatch(i, { ...batchInput(i), snapshot: i, final: i === 0n });
  for (const w of [r1, r2, r3]) view.setStake(w.address, 10n);
  return view;
}

interface Recorder {
  attestations: AttestationEvent[];
  rejected: RejectionEvent[];
  ignored: IgnoreEvent[];
}
function record(g: RangerGossip): Recorder {
  const r: Recorder = { attestations: [], rejected: [], ignored: [] };
  g.on('attestation', (e) => r.attestations.push(e));
  g.on('rejected', (e) => r.rejected.push(e));
  g.on('ignored', (e) => r.ignored.push(e));
  return r;
}

const figures: string[] = [];
afterAll(() => {
  if (figures.length) console.info(`rangers gossip:\n  ${figures.join('\n  ')}`);
});

describe('RangerGossip: three nodes in one process, TCP on 127.0.0.1', () => {
  let dir: string;
  const views = { a: newView(), b: newView(), c: newView() };
  let a: RangerGossip;
  let b: RangerGossip;
  let c: RangerGossip;
  const started: RangerGossip[] = [];
  const start = async (name: string, options: Partial<RangerGossipOptions> & { view: MemoryAttestationView }): Promise<RangerGossip> => {
    const g = await RangerGossip.start({ l2ChainId: CHAIN, domain, keyDir: join(dir, name), heartbeatIntervalMs: 200, recheckIntervalMs: 200, ...options });
    started.push(g);
    return g;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-rangers-gossip-'));
    a = await start('a', { view: views.a });
    b = await start('b', { view: views.b, peers: a.multiaddrs() });
    c = await start('c', { view: views.c, peers: b.multiaddrs() });
    // A and C are not connected: what C gets from A went through B
    await until('the meshes A-B and B-C', () => a.meshPeers().includes(b.peerId) && b.meshPeers().includes(a.peerId) && b.meshPeers().includes(c.peerId) && c.meshPeers().includes(b.peerId));
  });

  afterAll(async () => {
    await Promise.all(started.map((g) => g.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, subscribed to /metis/rangers/1/901/attestations; the peer key persists (0600)', async () => {
    expect(a.topic).toBe('/metis/rangers/1/901/attestations');
    expect(attestationTopic(CHAIN)).toBe(a.topic);
    for (const g of [a, b, c]) {
      expect(g.multiaddrs().length).toBeGreaterThan(0);
      for (const m of g.multiaddrs()) expect(m).toMatch(LOOPBACK);
    }
    expect(c.connectedPeers()).toEqual([b.peerId]);
    expect(b.subscribers().sort()).toEqual([a.peerId, c.peerId].sort());
    expect((await stat(join(dir, 'a', PEER_KEY_FILE))).mode & 0o777).toBe(0o600);
    // a restart with the same directory has the same peer id; another directory, another id
    const once = await RangerGossip.start({ l2ChainId: CHAIN, domain, view: newView(), keyDir: join(dir, 'restart') });
    const id = once.peerId;
    await once.stop();
    await once.stop(); // idempotent
    const again = await RangerGossip.start({ l2ChainId: CHAIN, domain, view: newView(), keyDir: join(dir, 'restart') });
    expect(again.peerId).toBe(id);
    await again.stop();
    expect(new Set([a.peerId, b.peerId, c.peerId, id]).size).toBe(4);
  });

  it('an attestation published by A reaches C through B; every node collects it once', async () => {
    const seen = { a: record(a), b: record(b), c: record(c) };
    const s = await signed(r1, domain, attestationOf(CHAIN, 1n));
    const t0 = performance.now();
    const out = await a.publish(s);
    expect(out).toEqual({ recipients: [b.peerId], duplicate: false });
    await until('C to collect it', () => seen.c.attestations.length > 0);
    figures.push(`A → B → C in one process: ${(performance.now() - t0).toFixed(1)} ms`);
    expect(seen.c.attestations[0]).toMatchObject({ from: b.peerId, deferred: false, attestation: { signer: r1.address.toLowerCase(), ...s } });
    expect(seen.b.attestations[0]).toMatchObject({ from: a.peerId });
    expect(seen.a.attestations[0]).toMatchObject({ from: undefined });
    for (const g of [a, b, c]) expect(g.attestations(1n).map((x) => x.signer)).toEqual([r1.address.toLowerCase()]);
    // published again: nothing new goes out
    expect(await a.publish(s)).toEqual({ recipients: [], duplicate: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.c.attestations).toHaveLength(1);
    expect([...seen.a.rejected, ...seen.b.rejected, ...seen.c.rejected]).toEqual([]);
    // honest peers keep a non-negative score
    expect(b.scoreOf(a.peerId)).toBeGreaterThanOrEqual(0);
    expect(c.scoreOf(b.peerId)).toBeGreaterThanOrEqual(0);
  });

  it('publish refuses what peers would reject (METIS-903): an unstaked key, a final batch, a second output of our own key', async () => {
    await expect(a.publish(await signed(outsider, domain, attestationOf(CHAIN, 2n)))).rejects.toMatchObject({ code: 'METIS-903' });
    await expect(a.publish(await signed(r2, domain, attestationOf(CHAIN, 0n)))).rejects.toMatchObject({ code: 'METIS-903' });
    await a.publish(await signed(r2, domain, attestationOf(CHAIN, 2n)));
    await expect(a.publish(await signed(r2, domain, attestationOf(CHAIN, 2n, 'other')))).rejects.toMatchObject({ code: 'METIS-903', message: expect.stringContaining('equivocation') });
    expect(a.equivocations()).toEqual([]);
    expect(a.pendingPublications()).toBe(0);
    await until('C to collect the batch-2 attestation', () => c.attestations(2n).length === 1);
  });

  it('an attestation of a batch C cannot see yet is ignored (not relayed, nobody penalised), kept, and accepted once C sees the batch', async () => {
    for (const v of [views.a, views.b]) v.setBatch(5n, { ...batchInput(5n), snapshot: 5n });
    const seen = record(c);
    await a.publish(await signed(r3, domain, attestationOf(CHAIN, 5n)));
    await until('C to ignore it', () => seen.ignored.length > 0);
    expect(seen.ignored).toHaveLength(1);
    expect(seen.ignored[0]).toMatchObject({ from: b.peerId, reason: 'unknown-batch', batchIndex: 5n });
    expect(c.deferredCount()).toBe(1);
    expect(c.attestations(5n)).toEqual([]);
    views.c.setBatch(5n, { ...batchInput(5n), snapshot: 5n });
    await c.recheck();
    expect(seen.attestations.filter((e) => e.attestation.attestation.batchIndex === 5n)).toEqual([expect.objectContaining({ from: b.peerId, deferred: true })]);
    expect(c.attestations(5n).map((x) => x.signer)).toEqual([r3.address.toLowerCase()]);
    expect(c.deferredCount()).toBe(0);
    expect(c.scoreOf(b.peerId)).toBeGreaterThanOrEqual(0);
  });

  it('publish waits while its batch is not visible to our view and while nobody is subscribed, then sends', async () => {
    const view = newView();
    const d = await start('d', { view });
    const att = await signed(r1, domain, attestationOf(CHAIN, 6n));
    for (const v of [views.a, views.b, views.c]) v.setBatch(6n, { ...batchInput(6n), snapshot: 6n });
    const seen = record(a);
    let settled = false;
    const pending = d.publish(att).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    expect(d.pendingPublications()).toBe(1);
    view.setBatch(6n, { ...batchInput(6n), snapshot: 6n }); // visible now, still no peer
    await d.recheck();
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    expect(d.attestations(6n)).toHaveLength(1);
    const t0 = performance.now();
    d.addPeers(a.multiaddrs());
    expect(await pending).toEqual({ recipients: [a.peerId], duplicate: false });
    figures.push(`publish queued until a peer subscribed: sent ${(performance.now() - t0).toFixed(0)} ms after addPeers`);
    await until('A to collect it', () => seen.attestations.some((e) => e.attestation.attestation.batchIndex === 6n));
    expect(d.pendingPublications()).toBe(0);
  });

  it('publish gives up with METIS-904 after publishTimeoutMs, or when the gossip stops; stop() is idempotent', async () => {
    const lonely = await start('lonely', { view: newView(), publishTimeoutMs: 300 });
    await expect(lonely.publish(await signed(r1, domain, attestationOf(CHAIN, 3n)))).rejects.toMatchObject({ code: 'METIS-904' });
    const stopping = await start('stopping', { view: newView() });
    const pending = stopping.publish(await signed(r2, domain, attestationOf(CHAIN, 3n)));
    await until('the publication to wait', () => stopping.pendingPublications() === 1);
    await Promise.all([stopping.stop(), stopping.stop()]);
    await expect(pending).rejects.toMatchObject({ code: 'METIS-904' });
    await expect(stopping.publish(await signed(r3, domain, attestationOf(CHAIN, 3n)))).rejects.toMatchObject({ code: 'METIS-904' });
    await stopping.stop();
  });
});

describe('RangerGossip against an adversary (a plain gossipsub node, no validator)', () => {
  let dir: string;
  let b: RangerGossip;
  let c: RangerGossip;
  let seenB: Recorder;
  let seenC: Recorder;
  const topic = attestationTopic(CHAIN);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-rangers-adversary-'));
    b = await RangerGossip.start({ l2ChainId: CHAIN, domain, view: newView(), keyDir: join(dir, 'b'), heartbeatIntervalMs: 200 });
    c = await RangerGossip.start({ l2ChainId: CHAIN, domain, view: newView(), keyDir: join(dir, 'c'), heartbeatIntervalMs: 200, peers: b.multiaddrs() });
    await until('the mesh B-C', () => b.meshPeers().includes(c.peerId) && c.meshPeers().includes(b.peerId));
    seenB = record(b);
    seenC = record(c);
  });

  afterAll(async () => {
    await Promise.all([b?.stop(), c?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  /** A new adversary connected to B only, with B in its topic view and B in its mesh. */
  async function adversary(): Promise<Adversary> {
    const x = await startAdversary(topic);
    await x.dial(b.multiaddrs()[0]!);
    await until('the adversary and B to see each other subscribed', () => x.subscribers().includes(b.peerId) && b.subscribers().includes(x.peerId));
    return x;
  }

  /** Clears the recorders, runs `f`, and lets the gossip settle (relay would have happened by then). */
  async function round(f: () => Promise<void>): Promise<void> {
    for (const r of [seenB, seenC]) for (const list of Object.values(r)) list.length = 0;
    await f();
    await new Promise((r) => setTimeout(r, 500));
  }

  const bad: [string, string, () => Promise<Uint8Array>][] = [
    ['garbage bytes', 'malformed', async () => Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff)],
    ['234 bytes of garbage with the right version', 'bad-signature', async () => Uint8Array.from({ length: 234 }, (_, i) => (i === 0 ? 1 : (i * 91) & 0xff))],
    ['a replayed, genuine attestation of a finalized (stale) batch', 'stale', async () => encodeAttestation(await signed(r2, domain, attestationOf(CHAIN, 0n)))],
    ['a forged attestation signed by an unregistered key', 'unstaked', async () => encodeAttestation(await signed(outsider, domain, attestationOf(CHAIN, 1n, 'forged')))],
    [
      "a registered ranger's message with a tampered newStateRoot",
      'unstaked',
      async () => {
        const genuine = await signed(r1, domain, attestationOf(CHAIN, 2n));
        const forged: SignedAttestation = { ...genuine, attestation: { ...genuine.attestation, newStateRoot: attestationOf(CHAIN, 2n, 'forged').newStateRoot } };
        return encodeAttestation(forged);
      },
    ],
    ['an attestation for another chain', 'wrong-chain', async () => encodeAttestation(await signed(r1, domain, attestationOf(902n, 1n)))],
    ['an attestation of another input than the batch on L1', 'wrong-input', async () => encodeAttestation(await signed(r1, domain, { ...attestationOf(CHAIN, 3n), dataHash: attestationOf(CHAIN, 3n, 'x').newStateRoot }))],
  ];

  for (const [what, reason, make] of bad) {
    it(`${what}: rejected by B (${reason}), delivered to no application, not relayed to C; the sender's score at B falls below 0`, async () => {
      const x = await adversary();
      try {
        const bytes = await make();
        await round(async () => {
          expect(await x.publish(bytes)).toBe(1);
          await until('B to reject it', () => seenB.rejected.length > 0);
        });
        expect(seenB.rejected).toEqual([expect.objectContaining({ from: x.peerId, reason, deferred: false })]);
        expect(seenB.attestations).toEqual([]);
        // C's validator sees every message B relays: nothing came
        expect(seenC).toEqual({ attestations: [], rejected: [], ignored: [] });
        await until(`B to score the adversary below 0 (now ${b.scoreOf(x.peerId)})`, () => b.scoreOf(x.peerId) < 0, 5_000);
        figures.push(`${reason}: adversary score at B ${b.scoreOf(x.peerId).toFixed(2)}`);
        expect(b.scoreOf(c.peerId)).toBeGreaterThanOrEqual(0);
        expect(c.scoreOf(b.peerId)).toBeGreaterThanOrEqual(0);
      } finally {
        await x.stop();
      }
    });
  }

  it('control: a valid attestation from the same kind of node is accepted by B and relayed to C (so the silence above means something)', async () => {
    const x = await adversary();
    try {
      await until('B to graft the newcomer', () => b.meshPeers().includes(x.peerId));
      const s = await signed(r3, domain, attestationOf(CHAIN, 4n));
      await round(async () => {
        await x.publish(encodeAttestation(s));
        await until('C to collect it', () => seenC.attestations.length > 0);
      });
      expect(seenB.attestations).toEqual([expect.objectContaining({ from: x.peerId })]);
      expect(seenC.attestations).toEqual([expect.objectContaining({ from: b.peerId, attestation: expect.objectContaining(s) })]);
      expect(b.scoreOf(x.peerId)).toBeGreaterThanOrEqual(0);
    } finally {
      await x.stop();
    }
  });

  it('equivocation: the first attestation goes through, the conflicting one is rejected and both are kept as evidence', async () => {
    const x = await adversary(); // holds r2's key and signs two outputs for batch 3
    const evidence: unknown[] = [];
    const off = b.on('equivocation', (e) => evidence.push(e));
    try {
      const first = await signed(r2, domain, attestationOf(CHAIN, 3n));
      const second = await signed(r2, domain, attestationOf(CHAIN, 3n, 'lie'));
      await round(async () => {
        await x.publish(encodeAttestation(first));
        await until('C to collect the first', () => seenC.attestations.length > 0);
        await x.publish(encodeAttestation(second));
        await until('B to reject the second', () => seenB.rejected.length > 0);
      });
      expect(seenB.rejected).toEqual([expect.objectContaining({ from: x.peerId, reason: 'equivocation', signer: r2.address.toLowerCase() })]);
      expect(seenC.attestations.map((e) => e.attestation.attestation)).toEqual([first.attestation]);
      expect(seenC.rejected).toEqual([]);
      expect(b.equivocations()).toEqual([expect.objectContaining({ signer: r2.address.toLowerCase(), first, second })]);
      expect(evidence).toEqual([{ evidence: b.equivocations()[0], from: x.peerId }]);
      expect(b.attestations(3n).map((a) => a.attestation)).toEqual([first.attestation]);
      await until('B to score the equivocator below 0', () => b.scoreOf(x.peerId) < 0, 5_000);
    } finally {
      off();
      await x.stop();
    }
  });
});
