import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TX_POOL, createNode, definePlugin, rootMetisError, type IngestContext, type MetisError } from '@metis/core';
import { EVM_STATE } from '@metis/evm';
import { afterEach, describe, expect, it } from 'vitest';
import { mempool } from '../plugin.js';
import { FakeEvmState, testCommon } from '../testing/fake-state.js';
import { removeTempDirs, tempDir } from '../testing/harness.js';
import { ETH, GWEI, Wallet } from '../testing/wallets.js';

const common = testCommon();
const alice = new Wallet(1);

const fakeEvm = (state: FakeEvmState) =>
  definePlugin({
    id: 'evm',
    provides: [EVM_STATE],
    stages: ['order', 'execute', 'commit', 'prove'],
    setup(api) {
      api.container.value(EVM_STATE, state);
      for (const stage of ['order', 'execute', 'commit', 'prove'] as const) api.provide(stage, () => undefined);
    },
  })();

/** A fake sequencer: records every request and answers with `reply(params)`. */
interface FakeSequencer {
  readonly url: string;
  readonly requests: { method: string; params: unknown[] }[];
  reply: (params: unknown[]) => unknown;
  close(): Promise<void>;
}

async function fakeSequencer(): Promise<FakeSequencer> {
  const requests: FakeSequencer['requests'] = [];
  const seq: { reply: FakeSequencer['reply'] } = { reply: () => ({ result: `0x${'11'.repeat(32)}` }) };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      requests.push({ method: r.method, params: r.params });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: r.id, ...(seq.reply(r.params) as object) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(seq, {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakeSequencer;
}

async function replica(sequencerRpc?: string) {
  const state = new FakeEvmState(common);
  state.set(alice.address, { balance: ETH });
  const n = await createNode({
    chainId: Number(common.chainId()),
    role: 'replica',
    ...(sequencerRpc ? { sequencerRpc } : {}),
    dataDir: await tempDir(),
    logLevel: 'silent',
    plugins: [fakeEvm(state), mempool()],
  });
  await n.start();
  return { node: n, state };
}

const ingestCtx = (raw: Uint8Array): IngestContext => ({ raw, source: 'rpc', meta: {} });
const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`;
const servers: FakeSequencer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await removeTempDirs();
});

describe('mempool on a replica', () => {
  it('refuses every transaction with TX_READ_ONLY when no sequencer is configured; TX_POOL stays, empty', async () => {
    const { node } = await replica();
    const failure = await node.stages.run('ingest', ingestCtx(alice.eip1559(common))).catch((e: unknown) => e);
    const root = rootMetisError(failure)!;
    expect(root.is('TX_READ_ONLY')).toBe(true);
    expect(root.code).toBe('METIS-418');
    expect(root.descriptor.rpcCode).toBe(-32000);
    expect(root.message).toMatch(/read-only replica/);
    const pool = node.container.resolve(TX_POOL);
    expect(pool.executableCount).toBe(0);
    expect(pool.select({ number: 1n, parentHash: '0x', timestamp: 1n, gasLimit: 30_000_000n, depositCount: 0n })).toEqual([]);
    expect(await pool.pendingNonce(alice.address)).toBe(0n);
    await node.stop();
  });

  it('forwards the raw bytes to the sequencer and answers with its hash; nothing is pooled', async () => {
    const seq = await fakeSequencer();
    servers.push(seq);
    const { node, state } = await replica(seq.url);
    const pending: unknown[] = [];
    node.events.on('pending', (tx) => pending.push(tx));
    // Below the replica's own price floor: the sequencer decides on fees, not the replica.
    state.baseFee = 100n * GWEI;
    const raw = alice.eip1559(common, { nonce: 7n });
    const sent = `0x${'ab'.repeat(32)}`;
    seq.reply = () => ({ result: sent });
    const ctx = await node.stages.run('ingest', ingestCtx(raw));
    expect(seq.requests).toEqual([{ method: 'eth_sendRawTransaction', params: [hex(raw)] }]);
    expect(ctx.accepted).toMatchObject({ hash: sent, sender: alice.address, nonce: 7n, source: 'rpc' });
    expect(pending).toEqual([]);
    expect(node.container.resolve(TX_POOL).get(sent as `0x${string}`)).toBeUndefined();
    await node.stop();
  });

  it("passes the sequencer's JSON-RPC error through with its code, message and data", async () => {
    const seq = await fakeSequencer();
    servers.push(seq);
    const { node } = await replica(seq.url);
    const refusals = [
      { code: -32000, message: 'nonce too low: address 0x.. tx: 0 state: 3', data: { metisCode: 'METIS-405' } },
      { code: -32602, message: 'invalid params', data: undefined },
    ];
    for (const error of refusals) {
      seq.reply = () => ({ error });
      const failure = await node.stages.run('ingest', ingestCtx(alice.eip1559(common))).catch((e: unknown) => e);
      const root = rootMetisError(failure) as MetisError;
      expect(root.is('TX_FORWARD_REJECTED')).toBe(true);
      expect(root.descriptor.rpcCode).toBe(error.code);
      expect(root.message).toBe(error.message);
      expect(root.data).toEqual(error.data);
    }
    await node.stop();
  });

  it('refuses what fails the stateless checks without asking the sequencer', async () => {
    const seq = await fakeSequencer();
    servers.push(seq);
    const { node } = await replica(seq.url);
    const wrongChain = alice.eip1559(testCommon(999n));
    const garbage = Uint8Array.of(0xc3, 0x01, 0x02, 0x03);
    const codes: string[] = [];
    for (const raw of [wrongChain, garbage, new Uint8Array()]) {
      const failure = await node.stages.run('ingest', ingestCtx(raw)).catch((e: unknown) => e);
      codes.push(rootMetisError(failure)!.descriptor.name);
    }
    expect(codes).toEqual(['TX_WRONG_CHAIN', 'TX_MALFORMED', 'TX_MALFORMED']);
    expect(seq.requests).toEqual([]);
    await node.stop();
  });

  it('reports a sequencer that cannot be reached, or answers nonsense, with TX_FORWARD_FAILED', async () => {
    const seq = await fakeSequencer();
    const url = seq.url;
    await seq.close();
    const { node } = await replica(url);
    const down = await node.stages.run('ingest', ingestCtx(alice.eip1559(common))).catch((e: unknown) => e);
    expect(rootMetisError(down)!.is('TX_FORWARD_FAILED')).toBe(true);
    await node.stop();

    const odd = await fakeSequencer();
    servers.push(odd);
    odd.reply = () => ({ result: 42 });
    const second = await replica(odd.url);
    const nonsense = await second.node.stages.run('ingest', ingestCtx(alice.eip1559(common))).catch((e: unknown) => e);
    expect(rootMetisError(nonsense)!.is('TX_FORWARD_FAILED')).toBe(true);
    await second.node.stop();
  });
});
