import type { Contract, JsonRpcProvider, TransactionReceipt, Wallet } from 'ethers';
import { parseEther } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHALLENGER_ROLE, deployL1 } from '@metis/testkit';
import {
  ZERO_HASH,
  chainConfig,
  devWallets,
  eventOf,
  expectRevert,
  header,
  headerHash,
  label,
  mineAt,
  mineBlocks,
  mined,
  recordGas,
  type BatchHeader,
  useAnvil,
} from './helpers.js';

const A = 901n;
const B = 902n;
const WINDOW_A = 3600;
const WINDOW_B = 600;
const INCLUSION = 10;
const ONE = parseEther('1');
const GENESIS_A = label('genesis-a');
const GENESIS_B = label('genesis-b');

let provider: JsonRpcProvider;
let admin: Wallet;
let proposerA: Wallet;
let proposerB: Wallet;
let challenger: Wallet;
let user: Wallet;
let registry: Contract;
let bonds: Contract;
let bridge: Contract;
let inbox: Contract;

const as = (c: Contract, w: Wallet): Contract => c.connect(w) as Contract;

const env = useAnvil('batch-inbox');

beforeAll(async () => {
  ({ provider } = env);
  [admin, proposerA, proposerB, challenger, user] = devWallets(provider, 5) as [Wallet, Wallet, Wallet, Wallet, Wallet];
  const l1 = await deployL1(admin, { unbondingDelay: 7200, challengers: [challenger.address] });
  ({ chainRegistry: registry, bondManager: bonds, bridge, batchInbox: inbox } = l1);
  await mined(
    registry.registerChain(
      A,
      chainConfig(
        { owner: admin.address, proposer: proposerA.address },
        { challengeWindow: WINDOW_A, genesisStateRoot: GENESIS_A, inclusionWindow: INCLUSION, minBond: ONE },
      ),
    ),
  );
  await mined(
    registry.registerChain(B, chainConfig({ owner: admin.address, proposer: proposerB.address }, { challengeWindow: WINDOW_B, genesisStateRoot: GENESIS_B })),
  );
  await mined(as(bonds, proposerA).deposit(A, { value: ONE }));
});

/** Header i of chain A, continuing headers 0..i-1 built the same way (10 L2 blocks each). */
function hA(i: number, fields: Partial<BatchHeader> = {}): BatchHeader {
  return header({
    chainId: A,
    batchIndex: i,
    firstBlock: i * 10 + 1,
    lastBlock: i * 10 + 10,
    prevStateRoot: i === 0 ? GENESIS_A : label(`root-${i - 1}`),
    ...fields,
  });
}

function hB(i: number, fields: Partial<BatchHeader> = {}): BatchHeader {
  return header({
    chainId: B,
    batchIndex: i,
    firstBlock: i * 5 + 1,
    lastBlock: i * 5 + 5,
    prevStateRoot: i === 0 ? GENESIS_B : label(`root-${i - 1}`),
    ...fields,
  });
}

const appendA = (h: BatchHeader): Promise<TransactionReceipt> => mined(as(inbox, proposerA).appendBatch(h));

async function appendedAt(receipt: TransactionReceipt): Promise<number> {
  return (await provider.getBlock(receipt.blockNumber))!.timestamp;
}

/** isFinalized evaluated in a block mined at exactly `timestamp`. */
async function finalizedAt(chainId: bigint, index: number, timestamp: number): Promise<boolean> {
  const blockTag = await mineAt(provider, timestamp);
  return inbox.isFinalized(chainId, index, { blockTag });
}

describe('BatchInbox: appending', () => {
  it('is wired to the registry, the bond manager and the bridge', async () => {
    expect(await inbox.registry()).toBe(registry.target);
    expect(await inbox.bonds()).toBe(bonds.target);
    expect(await inbox.bridge()).toBe(bridge.target);
    expect(await bridge.batchInbox()).toBe(inbox.target);
    expect(await inbox.hasRole(CHALLENGER_ROLE, challenger.address)).toBe(true);
  });

  it('appends batches in order and stores their fields; the event carries the full header', async () => {
    expect(await inbox.nextBatchIndex(A)).toBe(0n);
    expect(await inbox.lastStateRoot(A)).toBe(GENESIS_A);
    const h0 = hA(0, { withdrawalRoot: label('w0'), daCommitment: '0xdeadbeef' });
    const r0 = await appendA(h0);
    recordGas('BatchInbox.appendBatch (first batch of a chain)', r0);
    const ev = eventOf(inbox, r0, 'BatchAppended');
    expect(ev.args.chainId).toBe(A);
    expect(ev.args.batchIndex).toBe(0n);
    expect(ev.args.proposer).toBe(proposerA.address);
    expect(ev.args.headerHash).toBe(headerHash(h0));
    expect(ev.args.header.toObject()).toEqual({
      ...h0,
      chainId: A,
      batchIndex: 0n,
      firstBlock: 1n,
      lastBlock: 10n,
      depositCount: 0n,
    });
    expect(await inbox.headerHash(h0)).toBe(headerHash(h0));

    const stored = await inbox.getBatch(A, 0);
    expect(stored.toObject()).toEqual({
      headerHash: headerHash(h0),
      newStateRoot: h0.newStateRoot,
      withdrawalRoot: label('w0'),
      lastBlock: 10n,
      depositCount: 0n,
      appendedAt: BigInt(await appendedAt(r0)),
      locks: 0n,
      proposer: proposerA.address,
    });
    expect(await inbox.nextBatchIndex(A)).toBe(1n);
    expect(await inbox.lastStateRoot(A)).toBe(h0.newStateRoot);
    expect(await inbox.withdrawalRoot(A, 0)).toBe(label('w0'));

    const r1 = await appendA(hA(1));
    recordGas('BatchInbox.appendBatch (next batch)', r1);
    expect(await inbox.nextBatchIndex(A)).toBe(2n);
    expect(await inbox.lastStateRoot(A)).toBe(label('root-1'));
    await expectRevert(inbox.getBatch(A, 2), 'BatchNotFound', [A, 2]);
    await expectRevert(inbox.withdrawalRoot(A, 2), 'BatchNotFound', [A, 2]);
  });

  it('accepts a batch of a single block', async () => {
    await appendA(hA(0, { lastBlock: 1 }));
    await appendA(hA(1, { firstBlock: 2, lastBlock: 2 }));
    expect((await inbox.getBatch(A, 1)).lastBlock).toBe(2n);
  });

  it('only the chain proposer may append, and only while bonded', async () => {
    await expectRevert(as(inbox, user).appendBatch(hA(0)), 'NotProposer', [A, user.address]);
    // proposerB is chain B's proposer, not A's.
    await expectRevert(as(inbox, proposerB).appendBatch(hA(0)), 'NotProposer', [A, proposerB.address]);
    // Chain B's proposer has no bond.
    await expectRevert(as(inbox, proposerB).appendBatch(hB(0)), 'ProposerNotBonded', [B, proposerB.address]);
    // A's proposer unbonds below the minimum: refused too.
    await mined(as(bonds, proposerA).requestWithdrawal(A, 1n));
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0)), 'ProposerNotBonded', [A, proposerA.address]);
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { chainId: 999n })), 'UnknownChain', [999]);
  });

  it('follows a proposer change in the registry', async () => {
    await appendA(hA(0));
    await mined(registry.setProposer(A, user.address));
    await expectRevert(as(inbox, proposerA).appendBatch(hA(1)), 'NotProposer', [A, proposerA.address]);
    await expectRevert(as(inbox, user).appendBatch(hA(1)), 'ProposerNotBonded', [A, user.address]);
    await mined(as(bonds, user).deposit(A, { value: ONE }));
    const r = await mined(as(inbox, user).appendBatch(hA(1)));
    expect(eventOf(inbox, r, 'BatchAppended').args.proposer).toBe(user.address);
  });

  it('requires the next batch index', async () => {
    await expectRevert(as(inbox, proposerA).appendBatch(hA(1, { prevStateRoot: GENESIS_A, firstBlock: 1 })), 'WrongBatchIndex', [A, 0, 1]);
    await appendA(hA(0));
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0)), 'WrongBatchIndex', [A, 1, 0]);
    await expectRevert(as(inbox, proposerA).appendBatch(hA(2)), 'WrongBatchIndex', [A, 1, 2]);
  });

  it('requires the previous state root (the genesis root for batch 0)', async () => {
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { prevStateRoot: label('x') })), 'WrongPrevStateRoot', [A, GENESIS_A, label('x')]);
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { prevStateRoot: GENESIS_B })), 'WrongPrevStateRoot', [A, GENESIS_A, GENESIS_B]);
    await appendA(hA(0));
    await expectRevert(as(inbox, proposerA).appendBatch(hA(1, { prevStateRoot: GENESIS_A })), 'WrongPrevStateRoot', [A, label('root-0'), GENESIS_A]);
  });

  it('requires contiguous L2 blocks starting at block 1, and lastBlock >= firstBlock', async () => {
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { firstBlock: 0 })), 'NonContiguousBlocks', [A, 1, 0]);
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { firstBlock: 2 })), 'NonContiguousBlocks', [A, 1, 2]);
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { firstBlock: 1, lastBlock: 0 })), 'InvalidBlockRange', [1, 0]);
    await appendA(hA(0)); // blocks 1..10
    await expectRevert(as(inbox, proposerA).appendBatch(hA(1, { firstBlock: 12, lastBlock: 20 })), 'NonContiguousBlocks', [A, 11, 12]);
    await expectRevert(as(inbox, proposerA).appendBatch(hA(1, { firstBlock: 10, lastBlock: 20 })), 'NonContiguousBlocks', [A, 11, 10]);
    await expectRevert(as(inbox, proposerA).appendBatch(hA(1, { firstBlock: 11, lastBlock: 10 })), 'InvalidBlockRange', [11, 10]);
  });

  it('refuses a zero new state root', async () => {
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { newStateRoot: ZERO_HASH })), 'ZeroStateRoot', []);
  });
});

describe('BatchInbox: deposit count and forced inclusion', () => {
  it('may not exceed the deposits queued on the bridge, nor decrease', async () => {
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { depositCount: 1 })), 'DepositCountTooHigh', [A, 0, 1]);
    await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    await mined(as(bridge, user).depositETH(A, user.address, { value: 2n }));
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { depositCount: 3 })), 'DepositCountTooHigh', [A, 2, 3]);
    await appendA(hA(0, { depositCount: 2 }));
    expect((await inbox.getBatch(A, 0)).depositCount).toBe(2n);
    await expectRevert(as(inbox, proposerA).appendBatch(hA(1, { depositCount: 1 })), 'DepositCountDecreased', [A, 2, 1]);
    await appendA(hA(1, { depositCount: 2 })); // consuming no new deposit is fine
    // Deposits of another chain do not count for this one.
    await mined(as(bridge, user).depositETH(B, user.address, { value: 1n }));
    await expectRevert(as(inbox, proposerA).appendBatch(hA(2, { depositCount: 3 })), 'DepositCountTooHigh', [A, 2, 3]);
  });

  it('must consume every deposit older than the inclusion window', async () => {
    const r = await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    const d = r.blockNumber;
    // The next transaction lands in block d + INCLUSION - 1: the deposit is not due yet.
    await mineBlocks(provider, INCLUSION - 2);
    expect(await provider.getBlockNumber()).toBe(d + INCLUSION - 2);
    const r0 = await appendA(hA(0, { depositCount: 0 }));
    expect(r0.blockNumber).toBe(d + INCLUSION - 1);
    // In block d + INCLUSION it is due (made at or before block.number - inclusionWindow).
    await expectRevert(as(inbox, proposerA).appendBatch(hA(1, { depositCount: 0 })), 'ForcedInclusionMissed', [A, 1, 0]);
    const r1 = await appendA(hA(1, { depositCount: 1 }));
    expect(r1.blockNumber).toBe(d + INCLUSION);
  });

  it('counts only the deposits that are due', async () => {
    await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    await mineBlocks(provider, INCLUSION);
    await mined(as(bridge, user).depositETH(A, user.address, { value: 1n })); // recent: not due yet
    await expectRevert(as(inbox, proposerA).appendBatch(hA(0, { depositCount: 0 })), 'ForcedInclusionMissed', [A, 1, 0]);
    await appendA(hA(0, { depositCount: 1 }));
  });
});

describe('BatchInbox: finality, locks and removal', () => {
  it('finalizes a batch exactly when its challenge window has passed', async () => {
    const r = await appendA(hA(0));
    const t = await appendedAt(r);
    expect(await inbox.isFinalized(A, 0)).toBe(false);
    expect(await finalizedAt(A, 0, t + WINDOW_A - 1)).toBe(false);
    expect(await finalizedAt(A, 0, t + WINDOW_A)).toBe(true);
    expect(await inbox.isFinalized(A, 1)).toBe(false); // does not exist
    expect(await inbox.isFinalized(A, 1000)).toBe(false);
    expect([...(await inbox.lastFinalizedBatch(A))]).toEqual([true, 0n]);
  });

  it('lastFinalizedBatch follows the windows', async () => {
    expect([...(await inbox.lastFinalizedBatch(A))]).toEqual([false, 0n]);
    const t0 = await appendedAt(await appendA(hA(0)));
    expect([...(await inbox.lastFinalizedBatch(A))]).toEqual([false, 0n]);
    await mineAt(provider, t0 + 100);
    const t1 = await appendedAt(await appendA(hA(1)));
    await mineAt(provider, t1 + 100);
    await appendA(hA(2));
    await mineAt(provider, t0 + WINDOW_A);
    expect([...(await inbox.lastFinalizedBatch(A))]).toEqual([true, 0n]);
    await mineAt(provider, t1 + WINDOW_A);
    expect([...(await inbox.lastFinalizedBatch(A))]).toEqual([true, 1n]);
    await mineAt(provider, t1 + 2 * WINDOW_A);
    expect([...(await inbox.lastFinalizedBatch(A))]).toEqual([true, 2n]);
  });

  it('a lock blocks finalization of the batch and every later batch until released', async () => {
    const t0 = await appendedAt(await appendA(hA(0)));
    await appendA(hA(1));
    await appendA(hA(2));
    const lr = await mined(as(inbox, challenger).lock(A, 1));
    recordGas('BatchInbox.lock', lr);
    const ev = eventOf(inbox, lr, 'BatchLocked');
    expect([ev.args.chainId, ev.args.batchIndex, ev.args.locks]).toEqual([A, 1n, 1n]);
    await mined(as(inbox, challenger).lock(A, 1)); // a second challenge
    expect((await inbox.getBatch(A, 1)).locks).toBe(2n);

    await mineAt(provider, t0 + 10 * WINDOW_A);
    expect(await inbox.isFinalized(A, 0)).toBe(true);
    expect(await inbox.isFinalized(A, 1)).toBe(false);
    expect(await inbox.isFinalized(A, 2)).toBe(false);
    expect([...(await inbox.lastFinalizedBatch(A))]).toEqual([true, 0n]);

    const ur = await mined(as(inbox, challenger).unlock(A, 1));
    expect(eventOf(inbox, ur, 'BatchUnlocked').args.locks).toBe(1n);
    expect(await inbox.isFinalized(A, 1)).toBe(false);
    await mined(as(inbox, challenger).unlock(A, 1));
    expect(await inbox.isFinalized(A, 1)).toBe(true);
    expect(await inbox.isFinalized(A, 2)).toBe(true);
    await expectRevert(as(inbox, challenger).unlock(A, 1), 'NotLocked', [A, 1]);
  });

  it('locks: role only, existing non-final batches only; unlock needs a lock', async () => {
    const t0 = await appendedAt(await appendA(hA(0)));
    await expectRevert(as(inbox, user).lock(A, 0), 'AccessControlUnauthorizedAccount', [user.address, CHALLENGER_ROLE]);
    await expectRevert(as(inbox, proposerA).unlock(A, 0), 'AccessControlUnauthorizedAccount', [proposerA.address, CHALLENGER_ROLE]);
    await expectRevert(as(inbox, challenger).lock(A, 1), 'BatchNotFound', [A, 1]);
    await expectRevert(as(inbox, challenger).unlock(A, 0), 'NotLocked', [A, 0]);
    await expectRevert(as(inbox, challenger).unlock(A, 5), 'NotLocked', [A, 5]);
    await mineAt(provider, t0 + WINDOW_A);
    await expectRevert(as(inbox, challenger).lock(A, 0), 'BatchFinalized', [A, 0]);
  });

  it('removes non-final batches and rewinds; the chain continues from the last kept batch', async () => {
    await appendA(hA(0));
    await appendA(hA(1));
    await appendA(hA(2));
    const rr = await mined(as(inbox, challenger).removeBatchesFrom(A, 1));
    recordGas('BatchInbox.removeBatchesFrom (2 batches)', rr);
    const ev = eventOf(inbox, rr, 'BatchesRemoved');
    expect([ev.args.chainId, ev.args.fromIndex, ev.args.toIndex]).toEqual([A, 1n, 3n]);
    expect(await inbox.nextBatchIndex(A)).toBe(1n);
    expect(await inbox.lastStateRoot(A)).toBe(label('root-0'));
    await expectRevert(inbox.getBatch(A, 1), 'BatchNotFound', [A, 1]);
    expect(await inbox.isFinalized(A, 1)).toBe(false);
    // A different batch 1 continues batch 0.
    const replacement = hA(1, { newStateRoot: label('honest-1') });
    await appendA(replacement);
    expect((await inbox.getBatch(A, 1)).headerHash).toBe(headerHash(replacement));
    await expectRevert(as(inbox, proposerA).appendBatch(hA(2)), 'WrongPrevStateRoot', [A, label('honest-1'), label('root-1')]);
  });

  it('never removes a final batch; removal is role only and needs an existing batch', async () => {
    const t0 = await appendedAt(await appendA(hA(0)));
    await mineAt(provider, t0 + 100);
    await appendA(hA(1));
    await expectRevert(as(inbox, user).removeBatchesFrom(A, 1), 'AccessControlUnauthorizedAccount', [user.address, CHALLENGER_ROLE]);
    await expectRevert(as(inbox, challenger).removeBatchesFrom(A, 2), 'BatchNotFound', [A, 2]);
    await mineAt(provider, t0 + WINDOW_A);
    expect(await inbox.isFinalized(A, 0)).toBe(true);
    await expectRevert(as(inbox, challenger).removeBatchesFrom(A, 0), 'BatchFinalized', [A, 0]);
    // Batch 1 (appended 100 s later) is not final yet and can go.
    expect(await inbox.isFinalized(A, 1)).toBe(false);
    await mined(as(inbox, challenger).removeBatchesFrom(A, 1));
    expect(await inbox.nextBatchIndex(A)).toBe(1n);
  });

  it('a locked batch stays removable; its locks go with it, earlier locks stay', async () => {
    const t0 = await appendedAt(await appendA(hA(0)));
    await appendA(hA(1));
    await appendA(hA(2));
    await mined(as(inbox, challenger).lock(A, 0));
    await mined(as(inbox, challenger).lock(A, 2));
    await mined(as(inbox, challenger).removeBatchesFrom(A, 1));
    await mineAt(provider, t0 + 10 * WINDOW_A);
    expect(await inbox.isFinalized(A, 0)).toBe(false); // its own lock is still open
    await expectRevert(as(inbox, challenger).unlock(A, 2), 'NotLocked', [A, 2]);
    await mined(as(inbox, challenger).unlock(A, 0));
    expect(await inbox.isFinalized(A, 0)).toBe(true);
    // Re-appended batches start without locks and finalize after their window.
    const t1 = await appendedAt(await appendA(hA(1)));
    expect((await inbox.getBatch(A, 1)).locks).toBe(0n);
    expect(await finalizedAt(A, 1, t1 + WINDOW_A)).toBe(true);
  });

  it('a removed locked batch no longer blocks what is appended in its place', async () => {
    const t0 = await appendedAt(await appendA(hA(0)));
    await appendA(hA(1));
    await mined(as(inbox, challenger).lock(A, 1));
    await mined(as(inbox, challenger).removeBatchesFrom(A, 1));
    await appendA(hA(1, { newStateRoot: label('honest-1') }));
    await mineAt(provider, t0 + 10 * WINDOW_A);
    expect(await inbox.isFinalized(A, 1)).toBe(true);
  });
});

describe('BatchInbox: chains are independent', () => {
  it('indexes, roots, windows and locks are per chain', async () => {
    await mined(as(bonds, proposerB).deposit(B, { value: ONE }));
    const tA = await appendedAt(await appendA(hA(0)));
    expect(await inbox.nextBatchIndex(B)).toBe(0n);
    expect(await inbox.lastStateRoot(B)).toBe(GENESIS_B);
    // B's batch 0 must continue B's genesis, not A's batch.
    await expectRevert(as(inbox, proposerB).appendBatch(hB(0, { prevStateRoot: label('root-0') })), 'WrongPrevStateRoot', [B, GENESIS_B, label('root-0')]);
    const tB = await appendedAt(await mined(as(inbox, proposerB).appendBatch(hB(0))));
    await mined(as(inbox, proposerB).appendBatch(hB(1)));
    expect(await inbox.nextBatchIndex(A)).toBe(1n);
    expect(await inbox.nextBatchIndex(B)).toBe(2n);

    // B's shorter window finalizes B first.
    await mineAt(provider, Math.max(tA, tB) + WINDOW_B + 1);
    expect(await inbox.isFinalized(B, 0)).toBe(true);
    expect(await inbox.isFinalized(A, 0)).toBe(false);

    // A lock on A does not touch B; removing A's batches leaves B's alone.
    await appendA(hA(1));
    await mined(as(inbox, challenger).lock(A, 1));
    expect(await inbox.isFinalized(B, 1)).toBe(true);
    await mined(as(inbox, challenger).removeBatchesFrom(A, 0));
    expect(await inbox.nextBatchIndex(A)).toBe(0n);
    expect(await inbox.nextBatchIndex(B)).toBe(2n);
    expect(await inbox.lastStateRoot(B)).toBe(label('root-1'));
  });
});
