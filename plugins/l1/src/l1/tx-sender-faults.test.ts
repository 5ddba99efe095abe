import { isMetisError } from '@metis/core';
import { Interface, type Contract, type JsonRpcProvider, type Wallet } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultyRpc, type Fault, type FaultyRpc } from '../testing/faulty-rpc.js';
import { l1Provider, startL1, type L1Env } from '../testing/l1-env.js';
import { TxSender, type TxSenderEvent } from './tx-sender.js';

const reverterAbi = new Interface(loadArtifact('Reverter').abi as never);
const fast = { pollIntervalMs: 20, bumpAfterMs: 400, retry: { attempts: 8, baseDelayMs: 5, maxDelayMs: 50 } };

/** Every transaction `from` mined in blocks after `fromBlock`, by calldata: each intent must appear once. */
async function minedByData(provider: JsonRpcProvider, from: string, fromBlock: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const head = await provider.getBlockNumber();
  for (let n = fromBlock + 1; n <= head; n++) {
    const block = await provider.getBlock(n, true);
    for (const tx of block!.prefetchedTransactions) {
      if (tx.from.toLowerCase() === from.toLowerCase()) counts.set(tx.data, (counts.get(tx.data) ?? 0) + 1);
    }
  }
  return counts;
}

describe('TxSender under injected L1 RPC faults (anvil automine)', () => {
  let l1: L1Env;
  let reverter: Contract;
  let proxy: FaultyRpc;
  let provider: JsonRpcProvider;
  let keyIndex = 0;
  let wallet: Wallet;
  beforeAll(async () => {
    l1 = await startL1();
    reverter = await l1.deploy('Reverter');
  });
  afterAll(() => l1?.stop());
  beforeEach(async () => {
    proxy = await startFaultyRpc(l1.anvil.url);
    provider = l1Provider(proxy.url, undefined, { timeoutMs: 2_000 });
    wallet = l1.wallet(++keyIndex, provider);
  });
  afterEach(async () => {
    provider.destroy();
    await proxy.close();
  });

  /** Sends `n` distinct intents (succeed(i)) and checks each was mined exactly once and nothing else was sent. */
  async function sendAllExactlyOnce(sender: TxSender, n: number, base: number): Promise<void> {
    const to = await reverter.getAddress();
    const startBlock = await l1.provider.getBlockNumber();
    const startNonce = await l1.provider.getTransactionCount(wallet.address);
    const datas = Array.from({ length: n }, (_, i) => reverterAbi.encodeFunctionData('succeed', [BigInt(base + i)]));
    const receipts = await Promise.all(datas.map((data) => sender.send({ to, data, action: 'Reverter.succeed' })));
    expect(receipts.every((r) => r.status === 1)).toBe(true);
    const mined = await minedByData(l1.provider, wallet.address, startBlock);
    for (const data of datas) expect(mined.get(data)).toBe(1);
    expect([...mined.values()].reduce((a, b) => a + b, 0)).toBe(n);
    expect(await l1.provider.getTransactionCount(wallet.address)).toBe(startNonce + n);
  }

  const sendFaults: [string, Fault, number][] = [
    ['JSON-RPC "header not found" errors', { kind: 'rpc-error', code: -32000, message: 'header not found' }, 2],
    ['HTTP 500', { kind: 'http', status: 500 }, 2],
    ['HTTP 503', { kind: 'http', status: 503 }, 1],
    ['a closed socket', { kind: 'close' }, 2],
  ];
  for (const [name, fault, times] of sendFaults) {
    it(`retries eth_sendRawTransaction after ${name}`, async () => {
      proxy.failMethod('eth_sendRawTransaction', fault, times);
      const sender = new TxSender(wallet, provider, fast);
      await sendAllExactlyOnce(sender, 2, 1);
      expect(proxy.count('eth_sendRawTransaction').faulted).toBe(times);
    });
  }

  it('does not send a second transaction when the node took the transaction but the answer was lost', async () => {
    // forwarded to anvil (mined at once), then the connection is closed: the sender sees an error
    proxy.failMethod('eth_sendRawTransaction', { kind: 'drop-response' }, 3);
    const events: TxSenderEvent[] = [];
    const sender = new TxSender(wallet, provider, fast, { onEvent: (e) => events.push(e) });
    await sendAllExactlyOnce(sender, 3, 10);
    expect(proxy.count('eth_sendRawTransaction').faulted).toBe(3);
    // every intent kept its one nonce: no resync, no "nonce taken"
    expect(events.filter((e) => e.type === 'nonce' && e.reason.includes('taken'))).toHaveLength(0);
  });

  it('retries a request that timed out on the client while the node still got it', async () => {
    const slowProvider = l1Provider(proxy.url, undefined, { timeoutMs: 300 });
    try {
      proxy.failMethod('eth_sendRawTransaction', { kind: 'delay', ms: 700 }, 1);
      const retries: string[] = [];
      const sender = new TxSender(l1.wallet(keyIndex, slowProvider), slowProvider, fast, {
        onEvent: (e) => e.type === 'retry' && retries.push(`${e.method}:${(e.error as { code?: string }).code}`),
      });
      await sendAllExactlyOnce(sender, 2, 20);
      expect(retries).toContain('eth_sendRawTransaction:TIMEOUT');
    } finally {
      slowProvider.destroy();
    }
  });

  it('survives failures of every read it makes (nonce, estimate, fees, receipts, head)', async () => {
    proxy.failMethod('eth_getTransactionCount', { kind: 'close' }, 2);
    proxy.failMethod('eth_estimateGas', { kind: 'rpc-error', code: -32000, message: 'header not found' }, 2);
    proxy.failMethod('eth_getBlockByNumber', { kind: 'http', status: 502 }, 2);
    proxy.failMethod('eth_maxPriorityFeePerGas', { kind: 'drop-response' }, 1);
    proxy.failMethod('eth_getTransactionReceipt', { kind: 'http', status: 500 }, 3);
    proxy.failMethod('eth_blockNumber', { kind: 'close' }, 2);
    const sender = new TxSender(wallet, provider, fast);
    await sendAllExactlyOnce(sender, 3, 30);
    for (const [method, times] of Object.entries({
      eth_getTransactionCount: 2,
      eth_estimateGas: 2,
      eth_getBlockByNumber: 2,
      eth_maxPriorityFeePerGas: 1,
      eth_getTransactionReceipt: 3,
      eth_blockNumber: 2,
    })) {
      expect([method, proxy.count(method).faulted]).toEqual([method, times]);
    }
  });

  it('gets every intent mined exactly once under random faults on every method', async () => {
    proxy.chaos({
      rate: 0.3,
      seed: 7,
      faults: [
        { kind: 'rpc-error', code: -32000, message: 'header not found' },
        { kind: 'http', status: 500 },
        { kind: 'close' },
        { kind: 'drop-response' },
        { kind: 'delay', ms: 30 },
      ],
    });
    const sender = new TxSender(wallet, provider, fast);
    await sendAllExactlyOnce(sender, 15, 100);
    expect(proxy.requests.filter((r) => r.fault !== undefined).length).toBeGreaterThan(10);
    proxy.clear();
  });

  it('fails with L1_RPC when the L1 stays down before anything was sent; the nonce stays free', async () => {
    proxy.failNext(Number.POSITIVE_INFINITY, { kind: 'http', status: 500 });
    const sender = new TxSender(wallet, provider, { ...fast, retry: { attempts: 3, baseDelayMs: 1 } });
    const start = await l1.provider.getTransactionCount(wallet.address);
    const err = await sender.send({ to: await reverter.getAddress(), data: reverterAbi.encodeFunctionData('succeed', [1n]) }).catch((e: unknown) => e);
    expect(isMetisError(err, 'L1_RPC')).toBe(true);
    expect(proxy.count('eth_sendRawTransaction').seen).toBe(0);
    proxy.clear();
    const receipt = await sender.send({ to: await reverter.getAddress(), data: reverterAbi.encodeFunctionData('succeed', [1n]) });
    expect((await l1.provider.getTransaction(receipt.hash))!.nonce).toBe(start);
  });
});

describe('TxSender under injected faults (anvil --no-mining)', () => {
  let l1: L1Env;
  beforeAll(async () => {
    l1 = await startL1({ args: ['--no-mining'] });
  });
  afterAll(() => l1?.stop());

  it('treats "already imported" after a lost answer as sent, and the transaction is mined once', async () => {
    const proxy = await startFaultyRpc(l1.anvil.url);
    const provider = l1Provider(proxy.url);
    try {
      proxy.failMethod('eth_sendRawTransaction', { kind: 'drop-response' }, 1);
      const wallet = l1.wallet(1, provider);
      const events: TxSenderEvent[] = [];
      const sender = new TxSender(wallet, provider, { ...fast, bumpAfterMs: 60_000 }, { onEvent: (e) => events.push(e) });
      const pending = sender.send({ to: '0x000000000000000000000000000000000000dEaD', value: 1n });
      const deadline = Date.now() + 5_000;
      while (!events.some((e) => e.type === 'broadcast') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(proxy.count('eth_sendRawTransaction')).toEqual({ seen: 2, faulted: 1 });
      const pool = (await l1.provider.send('txpool_content', [])) as { pending: Record<string, Record<string, unknown>> };
      expect(Object.keys(pool.pending[wallet.address.toLowerCase()] ?? {})).toEqual(['0']);
      await l1.mine(1);
      const receipt = await pending;
      expect(receipt.status).toBe(1);
      expect(await l1.provider.getTransactionCount(wallet.address)).toBe(1);
    } finally {
      provider.destroy();
      await proxy.close();
    }
  });
});
