import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dagPb from '@ipld/dag-pb';
import { isMetisError, type DataAvailability, type Hex } from '@metis/core';
import { daConformanceSuite } from '@metis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIpfsCommitment } from '../commitment.js';
import { createIpfsDa, type IpfsNode } from '../create.js';
import { keccak256 } from '../keccak.js';
import { startKuboDouble, type KuboDouble } from '../testing/kubo-double.js';

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const dirs: string[] = [];
const tempRepo = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'metis-ipfs-kubo-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function harness(url: () => string, fetchTimeoutMs: number) {
  const nodes = new Map<DataAvailability, IpfsNode>();
  return async () => {
    const repo = await tempRepo();
    return {
      async open() {
        const node = await createIpfsDa({ repo, kubo: { url: url() }, fetchTimeoutMs });
        nodes.set(node.da, node);
        return node.da;
      },
      async close(da: DataAvailability) {
        await nodes.get(da)?.stop();
        nodes.delete(da);
      },
    };
  };
}

// The Kubo RPC double: the real kubo-rpc-client against a local HTTP server answering as Kubo does.
let double: KuboDouble | undefined;
daConformanceSuite(
  'ipfs (kubo RPC double)',
  async () => {
    double = await startKuboDouble();
    return harness(() => double!.url, 3_000)();
  },
  async () => {
    await double?.stop();
  },
);

describe('Kubo backend requests', () => {
  let kubo: KuboDouble;
  let node: IpfsNode;
  beforeAll(async () => {
    kubo = await startKuboDouble();
    node = await createIpfsDa({ repo: await tempRepo(), kubo: { url: kubo.url }, chunkSize: 1024, fetchTimeoutMs: 5_000, retention: { afterFinalizedMs: 0 } });
  });
  afterAll(async () => {
    await node?.stop();
    await kubo?.stop();
  });

  it('adds with the canonical import parameters and pins; reads blocks with block/get; unpins with pin/rm once final', async () => {
    const data = random(3000);
    kubo.requests.length = 0;
    const commitment = await node.da.publish(data);
    const { cid } = decodeIpfsCommitment(commitment);
    const add = kubo.requests.find((r) => r.command === 'add')!;
    expect(add.method).toBe('POST');
    expect(add.params).toMatchObject({ 'cid-version': ['1'], 'raw-leaves': ['true'], chunker: ['size-1024'], pin: ['true'] });
    expect(kubo.requests.filter((r) => r.command === 'pin/add').map((r) => r.params.arg)).toEqual([[cid.toString()]]);
    expect(await kubo.pinned()).toContain(cid.toString());

    kubo.requests.length = 0;
    expect(Buffer.compare(await node.da.retrieve(commitment, keccak256(data)), data)).toBe(0);
    const gets = kubo.requests.filter((r) => r.command === 'block/get').map((r) => r.params.arg![0]);
    expect(gets[0]).toBe(cid.toString());
    expect(gets).toHaveLength(1 + 3); // the root and its three 1 KiB leaves

    await node.onBatch({ index: 0n, firstBlock: 1n, lastBlock: 1n, stateRoot: keccak256(new Uint8Array(0)), blockHashes: [], status: 'finalized', dataHash: keccak256(data) });
    kubo.requests.length = 0;
    expect(await node.retention.sweep()).toBe(1);
    expect(kubo.requests.map((r) => [r.command, r.params.arg])).toEqual([['pin/rm', [cid.toString()]]]);
    expect(await kubo.pinned()).not.toContain(cid.toString());
  });

  it('refuses a block whose bytes are not its CID\'s (DA_INVALID)', async () => {
    const data = random(4096);
    const commitment = await node.da.publish(data);
    const { cid } = decodeIpfsCommitment(commitment);
    const root = dagPb.decode(await node.backend.getBlock(cid));
    const leaf = root.Links[2]!.Hash;
    const junk = random(1024);
    kubo.tamper(leaf, junk);
    const error = await node.da.retrieve(commitment, keccak256(data)).then(
      () => expect.fail('retrieved tampered data'),
      (e: unknown) => e,
    );
    expect(isMetisError(error, 'DA_INVALID'), String(error)).toBe(true);
    expect((error as Error).message).toContain(`block ${leaf} from the Kubo daemon does not hash to its CID`);
  });

  it('says DA_UNAVAILABLE when the daemon does not answer', async () => {
    const data = random(100);
    const commitment = await node.da.publish(data);
    const gone = await createIpfsDa({ repo: await tempRepo(), kubo: { url: 'http://127.0.0.1:9' }, fetchTimeoutMs: 1_000 });
    try {
      const error = await gone.da.retrieve(commitment, keccak256(data) as Hex).catch((e: unknown) => e);
      expect(isMetisError(error, 'DA_UNAVAILABLE'), String(error)).toBe(true);
      const published = await gone.da.publish(data).catch((e: unknown) => e);
      expect(isMetisError(published, 'DA_UNAVAILABLE'), String(published)).toBe(true);
    } finally {
      await gone.stop();
    }
  });
});

// A real daemon, only when one is given: otherwise this reports as skipped, never as passed.
const KUBO_API_URL = process.env.KUBO_API_URL;
if (KUBO_API_URL) {
  daConformanceSuite('ipfs (real Kubo daemon at KUBO_API_URL)', harness(() => KUBO_API_URL, 10_000));
} else {
  describe.skip('DA conformance: ipfs (real Kubo daemon): not run, KUBO_API_URL is not set', () => {
    it('runs the DA conformance suite against the daemon', () => undefined);
  });
}
