import { isMetisError, type MetisError } from '@metis/core';
import { Interface, parseEther, type Contract } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startL1, type L1Env } from '../testing/l1-env.js';
import { TxSender, type TxFailure, type TxSenderEvent } from './tx-sender.js';

const SINK = '0x000000000000000000000000000000000000dEaD';
const reverterAbi = new Interface(loadArtifact('Reverter').abi as never);
const fast = { pollIntervalMs: 25, retry: { attempts: 5, baseDelayMs: 5 } };

function recorder() {
  const events: TxSenderEvent[] = [];
  return { events, onEvent: (e: TxSenderEvent) => events.push(e), of: <T extends TxSenderEvent['type']>(t: T) => events.filter((e) => e.type === t) as Extract<TxSenderEvent, { type: T }>[] };
}

describe('TxSender on anvil (automine)', () => {
  let l1: L1Env;
  let reverter: Contract;
  beforeAll(async () => {
    l1 = await startL1();
    reverter = await l1.deploy('Reverter');
  });
  afterAll(() => l1?.stop());

  it('sends transactions with consecutive nonces and returns their receipts', async () => {
    const wallet = l1.wallet(1);
    const sender = new TxSender(wallet, l1.provider, fast);
    const start = await l1.provider.getTransactionCount(wallet.address);
    const r1 = await sender.send({ to: SINK, value: 1n });
    const r2 = await sender.send({ to: await reverter.getAddress(), data: reverterAbi.encodeFunctionData('succeed', [5n]), action: 'Reverter.succeed' });
    expect(r1.status).toBe(1);
    expect(r2.status).toBe(1);
    expect((await l1.provider.getTransaction(r1.hash))!.nonce).toBe(start);
    expect((await l1.provider.getTransaction(r2.hash))!.nonce).toBe(start + 1);
    expect(await reverter.getFunction('total')()).toBe(5n);
  });

  it('serialises concurrent sends: each gets its own nonce, all are mined', async () => {
    const wallet = l1.wallet(2);
    const sender = new TxSender(wallet, l1.provider, fast);
    const start = await l1.provider.getTransactionCount(wallet.address);
    const receipts = await Promise.all(Array.from({ length: 6 }, (_, i) => sender.send({ to: SINK, value: BigInt(i + 1) })));
    const nonces = await Promise.all(receipts.map(async (r) => (await l1.provider.getTransaction(r.hash))!.nonce));
    expect(nonces).toEqual([0, 1, 2, 3, 4, 5].map((i) => start + i));
    expect(await l1.provider.getTransactionCount(wallet.address)).toBe(start + 6);
  });

  it('uses EIP-1559 fees from the provider, capped', async () => {
    const cap = 1_500_000_000n; // below anvil's suggested 3 gwei, above its 1 gwei base fee
    const sender = new TxSender(l1.wallet(3), l1.provider, { ...fast, maxFeePerGas: cap });
    const receipt = await sender.send({ to: SINK, value: 1n });
    const tx = (await l1.provider.getTransaction(receipt.hash))!;
    expect(tx.type).toBe(2);
    expect(tx.maxFeePerGas).toBe(cap);
    expect(tx.maxPriorityFeePerGas! <= cap).toBe(true);
  });

  it('fails a reverting call at the estimate with L1_TX_FAILED and the custom error name; nothing is sent', async () => {
    const wallet = l1.wallet(4);
    const sender = new TxSender(wallet, l1.provider, fast, { errorInterface: reverterAbi });
    const before = await l1.provider.getTransactionCount(wallet.address);
    const err = (await sender
      .send({ to: await reverter.getAddress(), data: reverterAbi.encodeFunctionData('revertWithCustomError', [7n]), action: 'Reverter.revertWithCustomError' })
      .catch((e: unknown) => e)) as MetisError;
    expect(isMetisError(err, 'L1_TX_FAILED')).toBe(true);
    expect((err.data as TxFailure).errorName).toBe('CustomFailure');
    expect((err.data as TxFailure).revert?.args?.[1]).toBe(7n);
    expect(err.message).toContain('Reverter.revertWithCustomError');
    expect(await l1.provider.getTransactionCount(wallet.address)).toBe(before);
    // the nonce is still free: the next send uses it
    const ok = await sender.send({ to: SINK, value: 1n });
    expect((await l1.provider.getTransaction(ok.hash))!.nonce).toBe(before);
  });

  it('fails a transaction mined with status 0 with L1_TX_FAILED, the decoded revert and the receipt; not retried', async () => {
    const wallet = l1.wallet(4);
    const events = recorder();
    const sender = new TxSender(wallet, l1.provider, fast, { errorInterface: reverterAbi, onEvent: events.onEvent });
    const before = await l1.provider.getTransactionCount(wallet.address);
    const err = (await sender
      .send({ to: await reverter.getAddress(), data: reverterAbi.encodeFunctionData('revertWithCustomError', [9n]), gasLimit: 100_000n })
      .catch((e: unknown) => e)) as MetisError;
    expect(isMetisError(err, 'L1_TX_FAILED')).toBe(true);
    const data = err.data as TxFailure;
    expect(data.errorName).toBe('CustomFailure');
    expect(data.receipt?.status).toBe(0);
    expect(events.of('broadcast')).toHaveLength(1);
    // the nonce was consumed, and the sender moves on
    expect(await l1.provider.getTransactionCount(wallet.address)).toBe(before + 1);
    const ok = await sender.send({ to: SINK, value: 1n });
    expect((await l1.provider.getTransaction(ok.hash))!.nonce).toBe(before + 1);
  });

  it('decodes require messages without an ABI', async () => {
    const sender = new TxSender(l1.wallet(4), l1.provider, fast);
    const err = (await sender.send({ to: await reverter.getAddress(), data: reverterAbi.encodeFunctionData('revertWithReason') }).catch((e: unknown) => e)) as MetisError;
    expect((err.data as TxFailure).errorName).toBe('Error');
    expect(err.message).toContain('Reverter: always');
  });

  it('fails with L1_TX_FAILED when the pool refuses the transaction (insufficient funds)', async () => {
    const sender = new TxSender(l1.wallet(5), l1.provider, fast);
    const err = await sender.send({ to: SINK, value: parseEther('100000000'), gasLimit: 21_000n }).catch((e: unknown) => e);
    expect(isMetisError(err, 'L1_TX_FAILED')).toBe(true);
  });

  it('picks up a nonce taken by another writer on the same key and sends the intent once with a fresh nonce', async () => {
    const wallet = l1.wallet(6);
    const events = recorder();
    const sender = new TxSender(wallet, l1.provider, fast, { onEvent: events.onEvent });
    await sender.send({ to: SINK, value: 1n }); // the sender now holds nonce n+1 locally
    const other = await wallet.sendTransaction({ to: SINK, value: 2n }); // takes n+1 behind its back
    await other.wait();
    const start = await l1.provider.getTransactionCount(wallet.address);
    const receipt = await sender.send({ to: await reverter.getAddress(), data: reverterAbi.encodeFunctionData('succeed', [100n]) });
    expect(receipt.status).toBe(1);
    expect((await l1.provider.getTransaction(receipt.hash))!.nonce).toBe(start);
    expect(await l1.provider.getTransactionCount(wallet.address)).toBe(start + 1);
    expect(events.of('nonce').some((e) => e.reason.includes('taken'))).toBe(true);
  });
});

describe('TxSender confirmations', () => {
  let l1: L1Env;
  beforeAll(async () => {
    l1 = await startL1();
  });
  afterAll(() => l1?.stop());

  it('waits until the transaction is buried under the configured number of blocks', async () => {
    const sender = new TxSender(l1.wallet(1), l1.provider, { ...fast, confirmations: 3 });
    let resolved = false;
    const pending = sender.send({ to: SINK, value: 1n }).then((r) => {
      resolved = true;
      return r;
    });
    const deadline = Date.now() + 5_000;
    while ((await l1.provider.getBlockNumber()) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    expect(resolved).toBe(false);
    await l1.mine(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(resolved).toBe(false);
    await l1.mine(1);
    const receipt = await pending;
    expect((await l1.provider.getBlockNumber()) - receipt.blockNumber + 1).toBeGreaterThanOrEqual(3);
  });
});

describe('TxSender fee bumping (anvil --no-mining)', () => {
  let l1: L1Env;
  beforeAll(async () => {
    l1 = await startL1({ args: ['--no-mining'] });
  });
  afterAll(() => l1?.stop());

  async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('re-sends the same nonce with both fees bumped by at least 12.5% until mined; mined once', async () => {
    const wallet = l1.wallet(1);
    const events = recorder();
    const sender = new TxSender(wallet, l1.provider, { ...fast, bumpAfterMs: 150 }, { onEvent: events.onEvent });
    const pending = sender.send({ to: SINK, value: 1n });
    await waitFor(() => events.of('broadcast').length >= 3);
    await l1.mine(1);
    const receipt = await pending;
    const sent = events.of('broadcast');
    expect(sent[0]!.replacement).toBe(false);
    expect(sent.slice(1).every((e) => e.replacement)).toBe(true);
    expect(new Set(sent.map((e) => e.nonce)).size).toBe(1);
    for (let i = 1; i < sent.length; i++) {
      expect(sent[i]!.fees.maxFeePerGas * 1000n).toBeGreaterThanOrEqual(sent[i - 1]!.fees.maxFeePerGas * 1125n);
      expect(sent[i]!.fees.maxPriorityFeePerGas * 1000n).toBeGreaterThanOrEqual(sent[i - 1]!.fees.maxPriorityFeePerGas * 1125n);
    }
    // the pool kept the latest replacement; exactly one transaction of the nonce was mined
    expect(sent.map((e) => e.hash)).toContain(receipt.hash);
    const block = await l1.provider.getBlock(receipt.blockNumber);
    expect(block!.transactions).toEqual([receipt.hash]);
    const mined = await Promise.all(sent.map((e) => l1.provider.getTransactionReceipt(e.hash)));
    expect(mined.filter((r) => r !== null)).toHaveLength(1);
    expect(await l1.provider.getTransactionCount(wallet.address)).toBe(sent[0]!.nonce + 1);
  });

  it('at the fee cap re-broadcasts instead of replacing', async () => {
    const fees = await l1.provider.getFeeData();
    const events = recorder();
    const sender = new TxSender(l1.wallet(2), l1.provider, { ...fast, bumpAfterMs: 100, maxFeePerGas: fees.maxFeePerGas! }, { onEvent: events.onEvent });
    const pending = sender.send({ to: SINK, value: 1n });
    await waitFor(() => events.of('rebroadcast').length >= 2);
    await l1.mine(1);
    const receipt = await pending;
    expect(events.of('broadcast')).toHaveLength(1);
    expect(receipt.hash).toBe(events.of('broadcast')[0]!.hash);
  });

  it('keeps watching replaced hashes: an earlier transaction of the intent may be the one mined', async () => {
    const { startFaultyRpc } = await import('../testing/faulty-rpc.js');
    const { l1Provider } = await import('../testing/l1-env.js');
    const proxy = await startFaultyRpc(l1.anvil.url);
    const provider = l1Provider(proxy.url);
    try {
      const events = recorder();
      const sender = new TxSender(l1.wallet(3, provider), provider, { ...fast, bumpAfterMs: 100 }, {
        onEvent: (e) => {
          events.onEvent(e);
          // after the first broadcast, replacements "succeed" at the proxy but never reach anvil
          if (e.type === 'broadcast' && !e.replacement) proxy.failMethod('eth_sendRawTransaction', { kind: 'blackhole' }, Number.POSITIVE_INFINITY);
        },
      });
      const pending = sender.send({ to: SINK, value: 1n });
      await waitFor(() => events.of('broadcast').length >= 3);
      await l1.mine(1);
      const receipt = await pending;
      expect(receipt.hash).toBe(events.of('broadcast')[0]!.hash);
      expect(events.of('broadcast').at(-1)!.hash).not.toBe(receipt.hash);
    } finally {
      provider.destroy();
      await proxy.close();
    }
  });

  it('gives up after timeoutMs with L1_TX_FAILED; the next send reads the nonce again', async () => {
    const wallet = l1.wallet(4);
    const sender = new TxSender(wallet, l1.provider, { ...fast, bumpAfterMs: 10_000, timeoutMs: 1_000 });
    const err = (await sender.send({ to: SINK, value: 1n }).catch((e: unknown) => e)) as MetisError;
    expect(isMetisError(err, 'L1_TX_FAILED')).toBe(true);
    const stuck = (err.data as TxFailure).hash!;
    // the timed-out transaction is still pending: the next intent queues behind it with the next nonce
    const pending = sender.send({ to: SINK, value: 2n });
    await new Promise((r) => setTimeout(r, 100));
    await l1.mine(1);
    const receipt = await pending;
    expect((await l1.provider.getTransaction(receipt.hash))!.nonce).toBe((await l1.provider.getTransaction(stuck))!.nonce + 1);
  });
});
