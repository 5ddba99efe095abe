import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeIpfsCommitment } from '../commitment.js';
import { createIpfsDa, type IpfsNode } from '../create.js';
import { keccak256 } from '../keccak.js';
import type { HeliaBackend } from './helia-backend.js';
import { lightLibp2pOptions } from './libp2p-options.js';

const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'metis-ipfs-helia-'));
  dirs.push(d);
  return d;
};
const nodes: IpfsNode[] = [];
const start = async (options: Parameters<typeof createIpfsDa>[0]): Promise<IpfsNode> => {
  const n = await createIpfsDa(options);
  nodes.push(n);
  return n;
};
afterAll(async () => {
  for (const n of nodes) await n.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const heliaOf = (n: IpfsNode) => (n.backend as HeliaBackend).helia;
const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('the embedded node (light Helia)', () => {
  it('has a libp2p with TCP, noise, yamux and identify only: no discovery, DHT, routers, relay, autoNAT, UPnP or autoTLS', async () => {
    const options = lightLibp2pOptions({ listen: ['/ip4/127.0.0.1/tcp/0'] });
    expect(options.transports).toHaveLength(1);
    expect(options.connectionEncrypters).toHaveLength(1);
    expect(options.streamMuxers).toHaveLength(1);
    expect(options.peerDiscovery).toEqual([]);
    expect(options.contentRouters).toEqual([]);
    expect(options.peerRouters).toEqual([]);
    expect(Object.keys(options.services ?? {})).toEqual(['identify']);

    const node = await start({ repo: await tempDir() });
    const helia = heliaOf(node);
    expect(Object.keys(helia.libp2p.services)).toEqual(['identify']);
    for (const name of ['bootstrap', 'mdns', 'dht', 'aminoDHT', 'autoNAT', 'upnp', 'autoTLS', 'delegatedRouting', 'relay', 'dcutr']) {
      expect(name in helia.libp2p.services, name).toBe(false);
    }
    expect(helia.hasBlockBroker('bitswap')).toBe(true);
    expect(helia.hasBlockBroker('trustless-gateway')).toBe(false);
    expect(helia.hasRouter('libp2p-router')).toBe(true);
    expect(helia.hasRouter('http-gateway-router')).toBe(false);
    expect(helia.hasRouter('delegated-http-routing')).toBe(false);
    expect(node.multiaddrs().length).toBeGreaterThan(0);
    for (const m of node.multiaddrs()) expect(m).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3Koo/);
    expect(helia.libp2p.getConnections()).toEqual([]);
  });

  it('keeps its peer id across restarts of the same repo', async () => {
    const repo = await tempDir();
    const first = await start({ repo });
    const id = first.peerId;
    await first.stop();
    const second = await start({ repo });
    expect(second.peerId).toBe(id);
    const other = await start({ repo: await tempDir() });
    expect(other.peerId).not.toBe(id);
  });

  it('re-dials a configured peer whose connection dropped, once it is back', async () => {
    const port = await freePort();
    const repoA = await tempDir();
    let a = await start({ repo: repoA, listen: [`/ip4/127.0.0.1/tcp/${port}`] });
    const b = await start({ repo: await tempDir(), peers: [a.multiaddrs()[0]!], redialIntervalMs: 100 });
    await until('B connected to A', () => (b.backend as HeliaBackend).peersConnected());
    await a.stop();
    await until('B saw A go', () => !(b.backend as HeliaBackend).peersConnected());
    a = await start({ repo: repoA, listen: [`/ip4/127.0.0.1/tcp/${port}`] });
    await until('B connected to A again', () => (b.backend as HeliaBackend).peersConnected());
    // and fetches from it
    const data = new Uint8Array(randomBytes(5000));
    const commitment = await a.da.publish(data);
    expect(Buffer.compare(await b.da.retrieve(commitment, keccak256(data)), data)).toBe(0);
  });

  it('pins what it retrieves, and releases it (unpin, then garbage collection) once its batch is final long enough', async () => {
    const a = await start({ repo: await tempDir() });
    const b = await start({ repo: await tempDir(), peers: a.multiaddrs(), retention: { afterFinalizedMs: 0 } });
    await until('B connected to A', () => (b.backend as HeliaBackend).peersConnected());
    const data = new Uint8Array(randomBytes(300_000));
    const commitment = await a.da.publish(data);
    const { cid } = decodeIpfsCommitment(commitment);
    expect(await heliaOf(a).pins.isPinned(cid)).toBe(true);
    await b.da.retrieve(commitment, keccak256(data));
    expect(await heliaOf(b).pins.isPinned(cid)).toBe(true);
    expect(b.retention.records().map((r) => r.cid)).toEqual([cid.toString()]);

    const batch = { index: 3n, firstBlock: 10n, lastBlock: 12n, stateRoot: keccak256(data), blockHashes: [], dataHash: keccak256(data) };
    await b.onBatch({ ...batch, status: 'safe' });
    expect(await b.retention.sweep()).toBe(0);
    await b.onBatch({ ...batch, status: 'finalized' });
    expect(await b.retention.sweep()).toBe(1);
    expect(await heliaOf(b).pins.isPinned(cid)).toBe(false);
    expect(await heliaOf(b).blockstore.has(cid)).toBe(false);
    expect(b.retention.records()).toEqual([]);
    // A, which was told nothing, still holds and serves it
    expect(await heliaOf(a).pins.isPinned(cid)).toBe(true);
  });

  it('refuses data above maxDataBytes on both sides', async () => {
    const small = await start({ repo: await tempDir(), maxDataBytes: 1000, chunkSize: 256 });
    await expect(small.da.publish(new Uint8Array(1001))).rejects.toMatchObject({ descriptor: { name: 'DA_INVALID' } });
    const big = await start({ repo: await tempDir(), chunkSize: 256 });
    const data = new Uint8Array(randomBytes(2000));
    const commitment = await big.da.publish(data);
    await expect(small.da.retrieve(commitment, keccak256(data))).rejects.toMatchObject({ descriptor: { name: 'DA_INVALID' }, message: /exceed maxDataBytes 1000/ });
  });
});
