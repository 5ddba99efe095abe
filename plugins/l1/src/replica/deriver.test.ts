import { describe, expect, it } from 'vitest';
import type { PostedBatch } from './batch-log.js';
import type { BatchVerdict } from './verdict.js';
import { syncStatusJson } from './sync-status.js';
import { FakeChain, FakeL1, setup } from './testing/fake-l1.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('Deriver', () => {
  it('imports every batch in order, checks it, and makes it safe, then finalized as L1 says', async () => {
    const t = setup();
    const b0 = await t.l1.postBatch(3, { deposits: [t.l1.deposit(5n), t.l1.deposit(6n)] });
    const b1 = await t.l1.postBatch(2);
    await t.settle();
    expect(t.chain.head().number).toBe(5n);
    expect(t.chain.head().stateRoot).toBe(b1.newStateRoot);
    expect(t.deriver.safeBlock()).toBe(5n);
    expect(t.deriver.finalizedBlock()).toBe(0n);
    expect(t.batches.map((b) => [b.index, b.status])).toEqual([
      [0n, 'safe'],
      [1n, 'safe'],
    ]);
    expect(t.deriver.batches()[0]).toMatchObject({ index: 0n, firstBlock: 1n, lastBlock: 3n, stateRoot: b0.newStateRoot, depositCount: 2n });
    expect(t.deriver.batches()[0]!.blockHashes).toHaveLength(3);

    t.l1.finalizedIndex = 0n;
    await t.deriver.step();
    expect(t.deriver.finalizedBlock()).toBe(3n);
    expect(syncStatusJson({ role: 'replica', ...t.deriver.status() })).toEqual({ role: 'replica', head: '0x5', safe: '0x5', finalized: '0x3', l1BatchesSeen: '0x2' });
  });

  it('reports garbage batch data as invalid, does not apply it or anything after it, and never crashes', async () => {
    const t = setup();
    await t.l1.postBatch(2);
    const bad = await t.l1.postBatch(2, { tamper: () => ({ data: Uint8Array.of(0x01, 0xde, 0xad, 0xbe, 0xef) }) });
    await t.l1.postBatch(2);
    await t.settle();
    expect(t.chain.head().number).toBe(2n);
    expect(t.deriver.safeBlock()).toBe(2n);
    const status = t.deriver.status();
    expect(status.invalid).toMatchObject({ batch: 1n, code: 'METIS-604' });
    expect(status.invalid!.reason).toMatch(/Invalid batch 1: bad compression/);
    expect(status.mismatch).toBeUndefined();
    const logged = t.lines.find((l) => l.level === 50);
    expect(logged).toMatchObject({ batch: 1, err: { code: 'METIS-604' } });
    // Polling goes on; it stays there, and it is reported once.
    for (let i = 0; i < 3; i++) expect(await t.deriver.step()).toBe(false);
    expect(t.chain.head().number).toBe(2n);
    expect(t.lines.filter((l) => l.level === 50)).toHaveLength(1);

    // Data that decodes but is not what the header says, and a wrong commitment, are invalid too.
    for (const tamper of [
      (h: PostedBatch) => ({ h: { lastBlock: h.lastBlock + 1n } }),
      () => ({ h: { dataHash: `0x${'12'.repeat(32)}` as const } }),
    ]) {
      const u = setup();
      await u.l1.postBatch(2, { tamper });
      await u.settle();
      expect(u.chain.head().number).toBe(0n);
      expect(u.deriver.status().invalid?.code).toMatch(/^METIS-60[4]|METIS-802$/);
    }
    expect(bad.batchIndex).toBe(1n);
  });

  it('goes on once L1 replaces the invalid batch (BatchesRemoved, then a good one)', async () => {
    const t = setup();
    await t.l1.postBatch(2);
    await t.l1.postBatch(2, { tamper: () => ({ data: Uint8Array.of(0x07) }) });
    await t.settle();
    expect(t.deriver.status().invalid?.batch).toBe(1n);
    t.l1.removeFrom(1n);
    await t.l1.postBatch(3);
    await t.settle();
    expect(t.deriver.status().invalid).toBeUndefined();
    expect(t.deriver.safeBlock()).toBe(5n);
    expect(t.chain.head().stateRoot).toBe(t.l1.producer.head().stateRoot);
  });

  it('stops at a state-root mismatch, reports it (metis_syncStatus), and never makes that batch safe', async () => {
    const t = setup();
    await t.l1.postBatch(2);
    const wrong = `0x${'66'.repeat(32)}` as const;
    await t.l1.postBatch(3, { tamper: () => ({ h: { newStateRoot: wrong } }) });
    await t.l1.postBatch(2);
    await t.settle();
    // Its blocks were executed (to compare), nothing after them; safe stays at the last good batch.
    expect(t.chain.head().number).toBe(5n);
    expect(t.deriver.safeBlock()).toBe(2n);
    expect(t.deriver.batches().map((b) => b.index)).toEqual([0n]);
    t.l1.finalizedIndex = 2n;
    await t.deriver.step();
    // Final on L1, but only what was verified counts.
    expect(t.deriver.finalizedBlock()).toBe(2n);
    const json = syncStatusJson({ role: 'replica', ...t.deriver.status() }) as any;
    expect(json).toMatchObject({ role: 'replica', head: '0x5', safe: '0x2', l1BatchesSeen: '0x3', mismatch: { batch: '0x1', code: 'METIS-807' } });
    expect(json.mismatch.reason).toContain(wrong);
    expect(json.mismatch.reason).toContain(t.chain.head().stateRoot);
    const logged = t.lines.find((l) => l.level === 50)!;
    expect(logged).toMatchObject({ batch: 1, block: 5, expected: wrong, computed: t.chain.head().stateRoot, err: { code: 'METIS-807' } });

    // A restart finds it again from the chain and L1 alone.
    const again = setup(t.l1, t.chain);
    await again.settle();
    expect(again.deriver.status().mismatch).toMatchObject({ batch: 1n, code: 'METIS-807' });
    expect(again.deriver.safeBlock()).toBe(2n);
  });

  it('reports a batchVerdict for every batch it re-executed: agreeing, or with the roots it reached instead', async () => {
    const t = setup();
    const verdicts: BatchVerdict[] = [];
    t.events.on('batchVerdict', (v) => verdicts.push(v));
    const good = await t.l1.postBatch(2);
    const wrongRoot = `0x${'66'.repeat(32)}` as const;
    await t.l1.postBatch(3, { tamper: () => ({ h: { newStateRoot: wrongRoot } }) });
    await t.settle();
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]).toMatchObject({ agrees: true, batch: { batchIndex: 0n, headerHash: good.headerHash }, computed: { stateRoot: good.newStateRoot, withdrawalRoot: good.withdrawalRoot } });
    expect(verdicts[1]).toMatchObject({ agrees: false, batch: { batchIndex: 1n, newStateRoot: wrongRoot }, computed: { stateRoot: t.chain.head().stateRoot } });
    expect(verdicts[1]!.computed.withdrawalRoot).toBe(verdicts[1]!.batch.withdrawalRoot);
    // Halted there: polling again reports nothing new.
    await t.deriver.step();
    expect(verdicts).toHaveLength(2);

    // A wrong withdrawal root alone: the state root agrees, the withdrawal root computed is reported.
    const u = setup();
    const forged: BatchVerdict[] = [];
    u.events.on('batchVerdict', (v) => forged.push(v));
    await u.l1.postBatch(2, { tamper: () => ({ h: { withdrawalRoot: `0x${'77'.repeat(32)}` } }) });
    await u.settle();
    expect(forged).toHaveLength(1);
    expect(forged[0]).toMatchObject({ agrees: false, computed: { stateRoot: forged[0]!.batch.newStateRoot, withdrawalRoot: `0x${'00'.repeat(32)}` } });

    // Garbage data is not re-executed: no verdict.
    const g = setup();
    const none: BatchVerdict[] = [];
    g.events.on('batchVerdict', (v) => none.push(v));
    await g.l1.postBatch(2, { tamper: () => ({ data: Uint8Array.of(0x01) }) });
    await g.settle();
    expect(g.deriver.status().invalid).toBeDefined();
    expect(none).toEqual([]);
  });

  it('reports a wrong withdrawal root or prevStateRoot as a mismatch', async () => {
    const a = setup();
    await a.l1.postBatch(2, { tamper: () => ({ h: { withdrawalRoot: `0x${'77'.repeat(32)}` } }) });
    await a.settle();
    expect(a.deriver.status().mismatch?.reason).toMatch(/withdrawals of blocks 1-2 have root 0x0{64}/);
    expect(a.deriver.safeBlock()).toBe(0n);

    const b = setup();
    await b.l1.postBatch(2, { tamper: () => ({ h: { prevStateRoot: `0x${'78'.repeat(32)}` } }) });
    await b.settle();
    expect(b.deriver.status().mismatch?.reason).toMatch(/prevStateRoot 0x7878/);
    expect(b.chain.head().number).toBe(0n);
  });

  it('checks every deposit against the L1 Bridge and the header deposit count', async () => {
    const t = setup();
    const d = t.l1.deposit(5n);
    t.l1.deposits.set(d.index, `0x${'99'.repeat(32)}`);
    await t.l1.postBatch(2, { deposits: [d] });
    await t.settle();
    expect(t.deriver.status().invalid?.reason).toMatch(/deposit 0 is not the one queued on L1/);
    expect(t.chain.head().number).toBe(0n);

    const u = setup();
    await u.l1.postBatch(1, { deposits: [u.l1.deposit()], tamper: () => ({ h: { depositCount: 3n } }) });
    await u.settle();
    expect(u.deriver.status().invalid?.reason).toMatch(/credits 1 deposits in total, its header says 3/);

    const v = setup();
    const unknown = { ...v.l1.deposit(), index: 0n };
    v.l1.deposits.clear();
    await v.l1.postBatch(1, { deposits: [unknown] });
    await v.settle();
    expect(v.deriver.status().invalid?.reason).toMatch(/deposit 0 is not queued on L1/);
  });

  it('reports a block that does not apply as an invalid batch', async () => {
    const t = setup();
    await t.l1.postBatch(3);
    t.chain.refuse = (b) => (b.number === 2n ? 'transaction 1 has an invalid signature' : undefined);
    await t.settle();
    expect(t.chain.head().number).toBe(1n);
    expect(t.deriver.status().invalid?.reason).toMatch(/block 2 does not apply: .*invalid signature/);
    expect(t.deriver.safeBlock()).toBe(0n);
  });

  it('waits while the batch data is unavailable, says so, and retries with backoff until it comes', async () => {
    const t = setup(undefined, undefined, { pollInterval: 5, maxBackoff: 20 });
    await t.l1.postBatch(2);
    t.l1.unavailable = 3;
    expect(await t.deriver.step()).toBe(false);
    expect(t.deriver.status().waitingFor).toEqual({ batch: 0n, reason: expect.stringMatching(/^waiting for data of batch 0: .*not found/) });
    expect(syncStatusJson({ role: 'replica', ...t.deriver.status() })).toMatchObject({ waitingFor: { batch: '0x0' } });
    t.deriver.start();
    await until('the data', () => t.deriver.safeBlock() === 2n);
    await t.deriver.stop();
    expect(t.l1.retrievals).toBe(4);
    expect(t.deriver.status().waitingFor).toBeUndefined();
    expect(t.lines.filter((l) => l.msg?.startsWith('waiting for data'))).toHaveLength(1);
  });

  it('says so in its status while the L1 fails, and goes on when it is back', async () => {
    const t = setup(undefined, undefined, { pollInterval: 5, maxBackoff: 20 });
    await t.l1.postBatch(2);
    const poll = t.l1.poll.bind(t.l1);
    let down = true;
    t.l1.poll = async () => {
      if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:8545');
      return poll();
    };
    t.deriver.start();
    await until('the failure reported', () => t.deriver.status().waitingFor !== undefined);
    expect(t.deriver.status().waitingFor?.reason).toMatch(/ECONNREFUSED/);
    down = false;
    await until('derivation', () => t.deriver.safeBlock() === 2n);
    await t.deriver.stop();
    expect(t.deriver.status().waitingFor).toBeUndefined();
  });

  it('resumes inside a batch after a crash: blocks already imported are compared, not imported again', async () => {
    const l1 = new FakeL1();
    await l1.postBatch(2);
    await l1.postBatch(4);
    const chain = new FakeChain();
    // The crash: the first batch and half of the second were imported, nothing was recorded besides.
    for (const b of l1.producer.blocks.slice(1, 5)) await chain.importBlock(b.body);
    const t = setup(l1, chain);
    await t.settle();
    expect(chain.imports).toBe(6);
    expect(t.deriver.safeBlock()).toBe(6n);
    expect(chain.head().stateRoot).toBe(l1.producer.head().stateRoot);
    expect(t.deriver.status()).toMatchObject({ head: 6n, safe: 6n, l1BatchesSeen: 2n });

    // A local block that is not the batch's is a mismatch (this chain diverges from L1).
    const other = new FakeChain();
    await other.importBlock({ ...l1.producer.blocks[1]!.body, timestamp: 999n });
    const u = setup(l1, other);
    await u.settle();
    expect(u.deriver.status().mismatch?.reason).toMatch(/local block 1 is not the batch's \(timestamp 999 here, 2 in the batch\)/);
  });

  it('stops between blocks when asked, and a new deriver finishes the batch', async () => {
    const l1 = new FakeL1();
    await l1.postBatch(30, { txs: 1 });
    const chain = new FakeChain();
    chain.delayMs = 3;
    const t = setup(l1, chain);
    t.deriver.start();
    await until('a few blocks', () => chain.head().number >= 3n);
    await t.deriver.stop();
    expect(chain.head().number).toBeLessThan(30n);
    expect(t.deriver.safeBlock()).toBe(0n);
    const again = setup(l1, chain);
    await again.settle();
    expect(again.deriver.safeBlock()).toBe(30n);
  });
});
