import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_AVAILABILITY, createNode, definePlugin, isMetisError, validateConfig, type Batch } from '@metis/core';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeIpfsCommitment } from './commitment.js';
import { keccak256 } from './keccak.js';
import { ipfsOptionsSchema } from './options.js';
import { IPFS_PEER, ipfs } from './plugin.js';

/** Provides the five stages, which a node needs and this test does not use. */
const stages = definePlugin({
  id: 'stages',
  stages: ['ingest', 'order', 'execute', 'commit', 'prove'],
  setup(api) {
    for (const stage of ['ingest', 'order', 'execute', 'commit', 'prove'] as const) api.provide(stage, () => undefined);
  },
});

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('ipfs plugin', () => {
  it('declares what it provides', () => {
    const { definition } = ipfs();
    expect(definition.id).toBe('ipfs');
    expect(definition.provides).toEqual([DATA_AVAILABILITY, IPFS_PEER]);
    expect(definition.requires).toBeUndefined();
  });

  it('has these options and defaults, and refuses unknown or bad ones', () => {
    expect(ipfsOptionsSchema.parse(undefined)).toEqual({
      listen: ['/ip4/127.0.0.1/tcp/0'],
      peers: [],
      chunkSize: 65_536,
      maxDataBytes: 64 * 1024 * 1024,
      fetchTimeoutMs: 60_000,
      fetchConcurrency: 16,
      retention: { afterFinalizedMs: 6 * 3_600_000, keepForever: false, sweepIntervalMs: 60_000 },
      l1: { pollIntervalMs: 2_000, maxLogRange: 2_000 },
    });
    expect(ipfsOptionsSchema.parse({ kubo: { url: 'http://127.0.0.1:5001' } }).kubo).toEqual({ url: 'http://127.0.0.1:5001', timeoutMs: 60_000 });
    for (const bad of [
      { unknown: 1 },
      { peers: ['not a multiaddr'] },
      { listen: ['127.0.0.1:4001'] },
      { chunkSize: 1024 * 1024 + 1 },
      { chunkSize: 0 },
      { kubo: { url: 'not a url' } },
      { kubo: { url: 'http://127.0.0.1:5001', extra: true } },
      { retention: { afterFinalizedMs: -1 } },
      { l1: { pollIntervalMs: 0 } },
    ]) {
      expect(ipfsOptionsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('tells, with the path, that peers do not apply to Kubo', () => {
    const options = ipfsOptionsSchema.parse({ kubo: { url: 'http://127.0.0.1:5001' }, peers: ['/ip4/127.0.0.1/tcp/4001'] });
    expect(ipfs().definition.check?.(options, {} as never)).toEqual([{ path: 'peers', message: expect.stringMatching(/Peering/) }]);
    let error: unknown;
    try {
      validateConfig({ chainId: 1, plugins: [ipfs({ kubo: { url: 'http://127.0.0.1:5001' }, peers: ['/ip4/127.0.0.1/tcp/4001'] })] });
    } catch (e) {
      error = e;
    }
    expect(isMetisError(error, 'CONFIG_INVALID'), String(error)).toBe(true);
    expect(String(error)).toMatch(/peers/);
  });

  it('runs in a node: DATA_AVAILABILITY from the start, repo under <dataDir>/ipfs, retention fed by batch events, stopped with the node', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'metis-ipfs-plugin-'));
    dirs.push(dataDir);
    const node = await createNode({
      chainId: 1,
      dataDir,
      logLevel: 'silent',
      plugins: [stages(), ipfs({ fetchTimeoutMs: 1_000, retention: { afterFinalizedMs: 0, sweepIntervalMs: 100 } })],
    });
    const da = node.container.resolve(DATA_AVAILABILITY);
    expect(da.kind).toBe(2);
    expect(da.name).toBe('ipfs (helia)');
    const data = new Uint8Array(randomBytes(1000));
    // a call made before the start waits for it
    const early = da.publish(data);
    await node.start();
    const commitment = await early;
    expect(Buffer.compare(await da.retrieve(commitment, keccak256(data)), data)).toBe(0);
    await access(join(dataDir, 'ipfs', 'blocks'));
    await access(join(dataDir, 'ipfs', 'datastore'));
    const peer = node.container.resolve(IPFS_PEER);
    expect(peer.peerId()).toMatch(/^12D3Koo/);
    expect(peer.multiaddrs()[0]).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${peer.peerId()}$`));

    // the batch becomes final: the plugin's retention unpins it at its next sweep
    const batch: Batch = { index: 0n, firstBlock: 1n, lastBlock: 1n, stateRoot: keccak256(data), blockHashes: [], status: 'finalized', dataHash: keccak256(data), commitment: '0x' };
    node.events.emit('batch', batch);
    const { cid } = decodeIpfsCommitment(commitment);
    const deadline = Date.now() + 10_000;
    let retrievable = true;
    while (Date.now() < deadline && retrievable) {
      await new Promise((r) => setTimeout(r, 100));
      // without pins and blocks, nothing can serve it any more: the retrieve waits and times out
      retrievable = await da.retrieve(commitment, keccak256(data)).then(
        () => true,
        (e: unknown) => !isMetisError(e, 'DA_UNAVAILABLE'),
      );
    }
    expect(retrievable, `${cid} still retrievable after its batch was final`).toBe(false);

    await node.stop();
    await expect(da.retrieve(commitment, keccak256(data))).rejects.toMatchObject({ descriptor: { name: 'DA_UNAVAILABLE' } });
    expect(peer.multiaddrs()).toEqual([]);
  }, 30_000);
});
