import { rootMetisError, type Hex, type PooledTx } from '@metis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeEvmState, testCommon } from './testing/fake-state.js';
import { journalHashes, openPool, removeTempDirs, sealedBlock, template, type Harness } from './testing/harness.js';
import { ETH, GWEI, Wallet } from './testing/wallets.js';

const common = testCommon();
const [alice, bob, carol, dave] = [1, 2, 3, 4].map((i) => new Wallet(i)) as [Wallet, Wallet, Wallet, Wallet];

async function funded(options: Parameters<typeof openPool>[0] = {}, ...wallets: Wallet[]): Promise<Harness> {
  const state = new FakeEvmState(common);
  for (const w of wallets.length > 0 ? wallets : [alice, bob, carol, dave]) state.set(w.address, { balance: 10n * ETH });
  return openPool(options, state);
}

const hashes = (txs: readonly PooledTx[]): Hex[] => txs.map((t) => t.hash);
const nonces = (txs: readonly PooledTx[]): string[] => txs.map((t) => `${t.sender.slice(0, 6)}:${t.nonce}`);

afterEach(removeTempDirs);

describe('per-sender nonce queues', () => {
  it('keeps a future nonce waiting until the gap fills', async () => {
    const h = await funded();
    const a0 = await h.ingest(alice.eip1559(common, { nonce: 0n }));
    const a2 = await h.ingest(alice.eip1559(common, { nonce: 2n }));
    expect(h.pool.size).toBe(2);
    expect(h.pool.executableCount).toBe(1);
    expect(await h.pool.pendingNonce(alice.address)).toBe(1n);
    expect(hashes(h.pool.select(template()))).toEqual([a0.hash]);

    const a1 = await h.ingest(alice.eip1559(common, { nonce: 1n }));
    expect(h.pool.executableCount).toBe(3);
    expect(await h.pool.pendingNonce(alice.address)).toBe(3n);
    expect(hashes(h.pool.select(template()))).toEqual([a0.hash, a1.hash, a2.hash]);
    await h.stop();
  });

  it('a sender with only future nonces has nothing executable', async () => {
    const h = await funded();
    await h.ingest(bob.eip1559(common, { nonce: 3n }));
    expect(h.pool.executableCount).toBe(0);
    expect(h.pool.select(template())).toEqual([]);
    expect(await h.pool.pendingNonce(bob.address)).toBe(0n);
    expect(await h.pool.pendingNonce(dave.address)).toBe(0n);
    await h.stop();
  });

  it('counts the cost of lower pooled nonces against the balance', async () => {
    const state = new FakeEvmState(common);
    const cost = 21_000n * 2n * GWEI + 1n; // default test tx: 21,000 gas at 2 gwei, value 1
    state.set(alice.address, { balance: 2n * cost + 100_000n });
    const h = await openPool({ priceBump: 0 }, state);
    await h.ingest(alice.eip1559(common, { nonce: 0n }));
    await h.ingest(alice.eip1559(common, { nonce: 1n }));
    const err = await h.reject(alice.eip1559(common, { nonce: 2n }));
    expect(err.is('TX_INSUFFICIENT_FUNDS')).toBe(true);
    expect(err.args).toMatchObject({ have: 2n * cost + 100_000n, want: 3n * cost });
    // A replacement at nonce 1 counts nonce 0 below it, not the transaction it replaces.
    await h.ingest(alice.eip1559(common, { nonce: 1n, maxFeePerGas: 2n * GWEI + 1n, maxPriorityFeePerGas: GWEI + 1n }));
    const tooDear = await h.reject(alice.eip1559(common, { nonce: 1n, maxFeePerGas: 2n * GWEI + 10n, maxPriorityFeePerGas: GWEI + 2n }));
    expect(tooDear.is('TX_INSUFFICIENT_FUNDS')).toBe(true);
    expect(h.pool.size).toBe(2);
    await h.stop();
  });

  it('caps transactions per sender', async () => {
    const h = await funded({ maxPerSender: 2 });
    await h.ingest(alice.eip1559(common, { nonce: 0n }));
    await h.ingest(alice.eip1559(common, { nonce: 1n }));
    const err = await h.reject(alice.eip1559(common, { nonce: 2n }));
    expect(err.is('TX_SENDER_LIMIT')).toBe(true);
    expect(err.args).toMatchObject({ count: 2, limit: 2 });
    expect(h.pool.size).toBe(2);
    await h.stop();
  });
});

describe('replacement', () => {
  it('replaces only when both max fee and tip rise by priceBump percent', async () => {
    const h = await funded({ priceBump: 10 });
    const old = await h.ingest(alice.eip1559(common, { nonce: 0n, maxFeePerGas: 20n * GWEI, maxPriorityFeePerGas: 10n * GWEI }));

    const tipShort = await h.reject(alice.eip1559(common, { nonce: 0n, maxFeePerGas: 30n * GWEI, maxPriorityFeePerGas: 10n * GWEI + 1n }));
    expect(tipShort.is('TX_REPLACEMENT_UNDERPRICED')).toBe(true);
    const capShort = await h.reject(alice.eip1559(common, { nonce: 0n, maxFeePerGas: 22n * GWEI - 1n, maxPriorityFeePerGas: 11n * GWEI }));
    expect(capShort.is('TX_REPLACEMENT_UNDERPRICED')).toBe(true);
    expect(capShort.args).toMatchObject({ minimum: 22n * GWEI });
    expect(h.pool.get(old.hash)).toBe(old);

    const next = await h.ingest(alice.eip1559(common, { nonce: 0n, maxFeePerGas: 22n * GWEI, maxPriorityFeePerGas: 11n * GWEI }));
    expect(h.pool.size).toBe(1);
    expect(h.pool.get(old.hash)).toBeUndefined();
    expect(h.pool.get(next.hash)).toBe(next);
    expect(hashes(h.pool.select(template()))).toEqual([next.hash]);
    expect(hashes(h.pending)).toEqual([old.hash, next.hash]);
    await h.stop();
    expect(await journalHashes(h.dir)).toEqual([next.hash]);
  });

  it('needs a strictly higher price even with a zero bump', async () => {
    const h = await funded({ priceBump: 0 });
    await h.ingest(alice.eip1559(common, { nonce: 0n }));
    expect((await h.reject(alice.eip1559(common, { nonce: 0n, value: 5n }))).is('TX_REPLACEMENT_UNDERPRICED')).toBe(true);
    await h.ingest(alice.eip1559(common, { nonce: 0n, maxFeePerGas: 2n * GWEI + 1n, maxPriorityFeePerGas: GWEI + 1n }));
    expect(h.pool.size).toBe(1);
    await h.stop();
  });

  it('a replacement in the middle keeps the queue executable', async () => {
    const h = await funded();
    await h.ingest(alice.eip1559(common, { nonce: 0n }));
    await h.ingest(alice.eip1559(common, { nonce: 1n }));
    await h.ingest(alice.eip1559(common, { nonce: 2n }));
    const mid = await h.ingest(alice.eip1559(common, { nonce: 1n, maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: 2n * GWEI }));
    expect(h.pool.executableCount).toBe(3);
    expect(h.pool.select(template()).map((t) => t.nonce)).toEqual([0n, 1n, 2n]);
    expect(h.pool.select(template())[1]).toBe(mid);
    await h.stop();
  });
});

describe('concurrent submissions', () => {
  it('of one nonce: exactly one is accepted', async () => {
    const h = await funded();
    const raws = Array.from({ length: 8 }, (_, i) => alice.eip1559(common, { nonce: 0n, value: BigInt(i + 1) }));
    const results = await Promise.allSettled(raws.map((raw) => h.ingest(raw)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(h.pool.size).toBe(1);
    expect(h.pending).toHaveLength(1);
    await h.stop();
    expect(await journalHashes(h.dir)).toHaveLength(1);
  });

  it('of one transaction: accepted once, the rest already known', async () => {
    const h = await funded();
    const raw = alice.eip1559(common, { nonce: 0n });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => h.reject(raw).catch(() => 'accepted')));
    const values = results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason));
    expect(values.filter((v) => v === 'accepted')).toHaveLength(1);
    expect(values.filter((v) => typeof v !== 'string' && v.is('TX_ALREADY_KNOWN'))).toHaveLength(3);
    await h.stop();
  });

  it('of many nonces in any order: all accepted, one account read', async () => {
    const h = await funded({}, alice);
    const order = [4n, 0n, 7n, 2n, 1n, 6n, 3n, 5n];
    await Promise.all(order.map((nonce) => h.ingest(alice.eip1559(common, { nonce }))));
    expect(h.pool.executableCount).toBe(8);
    expect(h.pool.select(template()).map((t) => t.nonce)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
    expect(h.state.reads).toBe(1);
    await h.stop();
  });
});

describe('a bounded pool', () => {
  const tipped = (w: Wallet, nonce: bigint, tipGwei: bigint) =>
    w.eip1559(common, { nonce, maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: tipGwei * GWEI });

  it('evicts the lowest effective tip when the newcomer pays more, else refuses', async () => {
    const h = await funded({ maxSize: 3 });
    const cheap = await h.ingest(tipped(alice, 0n, 1n));
    await h.ingest(tipped(bob, 0n, 3n));
    await h.ingest(tipped(carol, 0n, 2n));

    const full = await h.reject(tipped(dave, 0n, 1n));
    expect(full.is('TX_POOL_FULL')).toBe(true);
    expect(h.pool.size).toBe(3);

    const rich = await h.ingest(tipped(dave, 0n, 5n));
    expect(h.pool.size).toBe(3);
    expect(h.pool.get(cheap.hash)).toBeUndefined();
    expect(h.pool.get(rich.hash)).toBe(rich);
    await h.stop();
    expect(await journalHashes(h.dir)).not.toContain(cheap.hash);
    expect(await journalHashes(h.dir)).toContain(rich.hash);
  });

  it('evicts a sender tail, never opening a nonce gap', async () => {
    const h = await funded({ maxSize: 3 });
    // alice: cheap head, rich tail; bob: middling. Evicting alice's head would strand her tail.
    await h.ingest(tipped(alice, 0n, 1n));
    await h.ingest(tipped(alice, 1n, 9n));
    const b0 = await h.ingest(tipped(bob, 0n, 2n));
    await h.ingest(tipped(carol, 0n, 3n));
    expect(h.pool.get(b0.hash)).toBeUndefined();
    expect(h.pool.executableCount).toBe(3);
    await h.stop();
  });

  it('never evicts a transaction the newcomer depends on', async () => {
    const h = await funded({ maxSize: 2 });
    const a0 = await h.ingest(tipped(alice, 0n, 1n));
    const b0 = await h.ingest(tipped(bob, 0n, 2n));
    // alice's nonce 1 needs her nonce 0: bob's tx goes although alice's is cheaper.
    const a1 = await h.ingest(tipped(alice, 1n, 5n));
    expect(h.pool.get(a0.hash)).toBe(a0);
    expect(h.pool.get(b0.hash)).toBeUndefined();
    expect(h.pool.get(a1.hash)).toBe(a1);
    // Now only alice's tail is evictable, and carol does not pay more than it.
    expect((await h.reject(tipped(carol, 0n, 5n))).is('TX_POOL_FULL')).toBe(true);
    // alice's nonce 2 depends on both: nothing else to evict.
    expect((await h.reject(tipped(alice, 2n, 50n))).is('TX_POOL_FULL')).toBe(true);
    await h.stop();
  });

  it('keeps the best-paying under a stream of newcomers, re-ranking when the base fee moves', async () => {
    const wallets = Array.from({ length: 12 }, (_, i) => new Wallet(50 + i));
    const h = await funded({ maxSize: 4 }, ...wallets);
    const tips = [5n, 1n, 7n, 3n, 9n, 2n, 8n, 4n, 6n, 10n];
    for (const [i, tip] of tips.entries()) await h.ingest(tipped(wallets[i]!, 0n, tip)).catch(() => undefined);
    expect(h.pool.select(template()).map((t) => t.maxPriorityFeePerGas / GWEI)).toEqual([10n, 9n, 8n, 7n]);
    // With the base fee at 95 gwei every effective tip is capped at 5 gwei: ties go to the latest arrival.
    h.state.baseFee = 95n * GWEI;
    const late = await h.ingest(wallets[10]!.eip1559(common, { maxFeePerGas: 200n * GWEI, maxPriorityFeePerGas: 6n * GWEI }));
    expect(h.pool.size).toBe(4);
    expect(h.pool.get(late.hash)).toBe(late);
    // The 10-gwei tx arrived last of the tied: it went. Ties in select go to the earlier arrival.
    expect(h.pool.select(template()).map((t) => t.maxPriorityFeePerGas / GWEI)).toEqual([6n, 7n, 9n, 8n]);
    await h.stop();
  });

  it('replacements do not count against a full pool', async () => {
    const h = await funded({ maxSize: 1 });
    await h.ingest(tipped(alice, 0n, 1n));
    await h.ingest(alice.eip1559(common, { nonce: 0n, maxFeePerGas: 200n * GWEI, maxPriorityFeePerGas: 2n * GWEI }));
    expect(h.pool.size).toBe(1);
    await h.stop();
  });
});

describe('select', () => {
  it('orders by effective tip across senders, keeping each sender in nonce order', async () => {
    const h = await funded();
    h.state.baseFee = GWEI;
    const fee = (tip: bigint, cap = 100n * GWEI) => ({ maxFeePerGas: cap, maxPriorityFeePerGas: tip });
    await h.ingest(alice.eip1559(common, { nonce: 0n, ...fee(1n * GWEI) }));
    await h.ingest(alice.eip1559(common, { nonce: 1n, ...fee(10n * GWEI) }));
    await h.ingest(bob.eip1559(common, { nonce: 0n, ...fee(5n * GWEI) }));
    await h.ingest(bob.eip1559(common, { nonce: 1n, ...fee(2n * GWEI) }));
    // A 1.5 gwei tip, but only 0.5 gwei above the base fee: effective tip 0.5 gwei.
    await h.ingest(carol.eip1559(common, { nonce: 0n, ...fee(GWEI + GWEI / 2n, GWEI + GWEI / 2n) }));
    const picked = h.pool.select(template());
    expect(nonces(picked)).toEqual(nonces([
      { sender: bob.address, nonce: 0n },
      { sender: bob.address, nonce: 1n },
      { sender: alice.address, nonce: 0n },
      { sender: alice.address, nonce: 1n },
      { sender: carol.address, nonce: 0n },
    ] as PooledTx[]));
    await h.stop();
  });

  it('breaks ties by arrival', async () => {
    const h = await funded();
    const first = await h.ingest(carol.eip1559(common, { nonce: 0n }));
    const second = await h.ingest(alice.eip1559(common, { nonce: 0n }));
    const third = await h.ingest(bob.eip1559(common, { nonce: 0n }));
    expect(hashes(h.pool.select(template()))).toEqual(hashes([first, second, third]));
    await h.stop();
  });

  it('stops at the block gas limit and at maxTxs', async () => {
    const h = await funded();
    for (const w of [alice, bob, carol]) await h.ingest(w.eip1559(common, { nonce: 0n }));
    await h.ingest(dave.eip1559(common, { nonce: 0n, gasLimit: 100_000n, maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 2n * GWEI }));
    // dave pays most but needs 100k gas: with 70k of room he is skipped and the 21k ones fill in.
    expect(h.pool.select(template(70_000n))).toHaveLength(3);
    expect(h.pool.select(template(121_000n)).map((t) => t.sender)).toEqual([dave.address, alice.address]);
    expect(h.pool.select(template(), 2)).toHaveLength(2);
    expect(h.pool.select(template(), 0)).toEqual([]);
    await h.stop();
  });

  it('skips a sender whose next transaction cannot pay the base fee, and the rest of that sender', async () => {
    const h = await funded();
    h.state.baseFee = GWEI;
    await h.ingest(alice.eip1559(common, { nonce: 0n, maxFeePerGas: 5n * GWEI }));
    await h.ingest(alice.eip1559(common, { nonce: 1n, maxFeePerGas: 2n * GWEI }));
    await h.ingest(alice.eip1559(common, { nonce: 2n, maxFeePerGas: 5n * GWEI }));
    await h.ingest(bob.eip1559(common, { nonce: 0n, maxFeePerGas: 2n * GWEI }));
    h.state.baseFee = 3n * GWEI;
    expect(nonces(h.pool.select(template()))).toEqual(nonces([{ sender: alice.address, nonce: 0n }] as PooledTx[]));
    await h.stop();
  });

  it('keeps a long queue in nonce order although later nonces pay more', async () => {
    const h = await funded({}, alice);
    const raws = Array.from({ length: 20 }, (_, i) => alice.eip1559(common, { nonce: BigInt(i), maxPriorityFeePerGas: GWEI + BigInt(i) }));
    await Promise.all(raws.map((raw) => h.ingest(raw)));
    expect(h.pool.select(template()).map((t) => t.nonce)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
    await h.stop();
  });
});

describe('onBlock', () => {
  it('removes included transactions from memory and the journal and promotes the rest', async () => {
    const h = await funded();
    const a0 = await h.ingest(alice.eip1559(common, { nonce: 0n }));
    const a1 = await h.ingest(alice.eip1559(common, { nonce: 1n }));
    const a3 = await h.ingest(alice.eip1559(common, { nonce: 3n }));
    const b0 = await h.ingest(bob.eip1559(common, { nonce: 0n }));
    expect(h.pool.executableCount).toBe(3);

    h.state.set(alice.address, { nonce: 2n });
    h.state.set(bob.address, { nonce: 1n });
    await h.pool.onBlock(sealedBlock([a0.hash, a1.hash, b0.hash]), []);
    expect(h.pool.size).toBe(1);
    expect(h.pool.get(a0.hash)).toBeUndefined();
    expect(h.pool.executableCount).toBe(0);
    expect(await h.pool.pendingNonce(alice.address)).toBe(2n);
    expect(await h.pool.pendingNonce(bob.address)).toBe(1n);

    // Filling the gap at 2 promotes 3.
    const a2 = await h.ingest(alice.eip1559(common, { nonce: 2n }));
    expect(hashes(h.pool.select(template()))).toEqual([a2.hash, a3.hash]);
    await h.stop();
    expect(await journalHashes(h.dir)).toEqual([a3.hash, a2.hash]);
  });

  it('drops the dropped, and what a nonce moved elsewhere made stale; promotes what it made executable', async () => {
    const h = await funded();
    await h.ingest(alice.eip1559(common, { nonce: 0n }));
    const a1 = await h.ingest(alice.eip1559(common, { nonce: 1n }));
    const a2 = await h.ingest(alice.eip1559(common, { nonce: 2n }));
    const a4 = await h.ingest(alice.eip1559(common, { nonce: 4n }));
    const b0 = await h.ingest(bob.eip1559(common, { nonce: 0n }));
    const [a0] = h.pool.select(template(), 1);
    // The block mined alice's nonces 0..3 (1..3 came another way: our nonce-1 and -2 txs are now stale).
    h.state.set(alice.address, { nonce: 4n });
    await h.pool.onBlock(sealedBlock([a0!.hash]), [b0]);
    expect(h.pool.get(a1.hash)).toBeUndefined();
    expect(h.pool.get(a2.hash)).toBeUndefined();
    expect(h.pool.get(b0.hash)).toBeUndefined();
    expect(hashes(h.pool.select(template()))).toEqual([a4.hash]);
    expect(h.pool.executableCount).toBe(1);
    await h.stop();
    expect(await journalHashes(h.dir)).toEqual([a4.hash]);
  });

  it('reads each sender account once per block', async () => {
    const h = await funded();
    await h.ingest(alice.eip1559(common, { nonce: 0n }));
    await h.ingest(alice.eip1559(common, { nonce: 1n }));
    await h.ingest(alice.eip1559(common, { nonce: 2n }));
    expect(h.state.reads).toBe(1);
    h.pool.headChanged(); // a block landed (the plugin wires this to the `block` event)
    await h.ingest(alice.eip1559(common, { nonce: 3n }));
    await h.ingest(alice.eip1559(common, { nonce: 4n }));
    expect(h.state.reads).toBe(2);
    await h.stop();
  });
});

describe('bursts (senders recovered on the worker thread)', () => {
  it.each([true, false])('admits a burst with every sender right, and refuses a bad signature in it (recoveryWorker: %s)', async (recoveryWorker) => {
    const wallets = Array.from({ length: 24 }, (_, i) => new Wallet(100 + i));
    const h = await funded({ recoveryWorker }, ...wallets);
    // A signature that recovers no key: r (the last 66 bytes are r and s, 0xa0-prefixed) is no curve point.
    const forged = alice.eip1559(common, { nonce: 0n });
    forged.fill(0xff, forged.length - 65, forged.length - 33);
    const results = await Promise.allSettled([...wallets.map((w) => h.ingest(w.eip1559(common, { nonce: 0n }))), h.ingest(forged)]);
    const accepted = results.slice(0, -1).map((r) => (r.status === 'fulfilled' ? r.value.sender : r.reason));
    expect(accepted).toEqual(wallets.map((w) => w.address));
    const last = results.at(-1)!;
    expect(last.status === 'rejected' && rootMetisError(last.reason)?.is('TX_SIGNATURE_INVALID')).toBe(true);
    expect(h.pool.size).toBe(wallets.length);
    await h.stop();
    expect(await journalHashes(h.dir)).toHaveLength(wallets.length);
  });
});
