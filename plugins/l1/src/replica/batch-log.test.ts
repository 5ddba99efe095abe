import { Contract, keccak256, parseEther, type Wallet } from 'ethers';
import { createLogger, type Hex } from '@metis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDeposit } from '../deposits/deposit-watcher.js';
import { deployL1, DA_KIND } from '../dev/deploy-l1.js';
import { InboxClient, type BatchHeader } from '../settlement/inbox.js';
import { startL1, type L1Env } from '../testing/l1-env.js';
import { BatchLog } from './batch-log.js';
import { depositHashOf, replicaL1, type ReplicaL1 } from './l1-reads.js';

const CHAIN = 4242n;
/** A second chain with a long challenge window: its batches can be removed. */
const SLOW = 4343n;
const GENESIS = `0x${'11'.repeat(32)}` as Hex;
const root = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}` as Hex;

describe('BatchLog and the L1 reads of a replica (anvil)', () => {
  let env: L1Env;
  let proposer: Wallet;
  let inbox: InboxClient;
  let challenger: Contract;
  let bridge: Contract;
  let reads: ReplicaL1;
  let startBlock: number;
  let log: BatchLog;
  let slowInbox: InboxClient;
  let slowLog: BatchLog;

  const header = (index: number, first: number, last: number, deposits = 0n, chainId = CHAIN, salt = 0): BatchHeader => ({
    chainId,
    batchIndex: BigInt(index),
    firstBlock: BigInt(first),
    lastBlock: BigInt(last),
    prevStateRoot: index === 0 ? GENESIS : root(100 + index - 1),
    newStateRoot: root(100 + index + salt * 1000),
    dataHash: keccak256(Uint8Array.of(index)) as Hex,
    daCommitment: `0x01${'ab'.repeat(32)}` as Hex,
    withdrawalRoot: `0x${'00'.repeat(32)}`,
    depositCount: deposits,
  });

  beforeAll(async () => {
    env = await startL1();
    const admin = env.wallet(0);
    proposer = env.wallet(1);
    const d = await deployL1(admin, { unbondingDelay: 0, challengers: [admin.address] });
    startBlock = d.startBlock;
    const config = { owner: admin.address, sequencer: proposer.address, proposer: proposer.address, challengeWindow: 0, minBond: parseEther('1'), daKind: DA_KIND.L1_CALLDATA, genesisStateRoot: GENESIS, inclusionWindow: 100 };
    for (const [chainId, challengeWindow] of [[CHAIN, 0], [SLOW, 3600]] as const) {
      await (await d.chainRegistry.getFunction('registerChain')(chainId, { ...config, challengeWindow })).wait();
      await (await (d.bondManager.connect(proposer) as Contract).getFunction('deposit')(chainId, { value: parseEther('1') })).wait();
    }
    const send = async (request: { to: Hex; data: Hex }) => (await (await proposer.sendTransaction({ to: request.to, data: request.data })).wait())!;
    inbox = new InboxClient(d.addresses.batchInbox as Hex, CHAIN, env.provider, send);
    slowInbox = new InboxClient(d.addresses.batchInbox as Hex, SLOW, env.provider, send);
    challenger = d.batchInbox;
    bridge = d.bridge;
    reads = replicaL1(inbox, d.addresses.bridge as Hex, env.provider);
    const silent = createLogger({ level: 'silent' });
    log = new BatchLog(env.provider, { chainId: CHAIN, inbox: d.addresses.batchInbox as Hex, startBlock, confirmations: 0, maxLogRange: 3 }, silent);
    slowLog = new BatchLog(env.provider, { chainId: SLOW, inbox: d.addresses.batchInbox as Hex, startBlock, confirmations: 0, maxLogRange: 1_000 }, silent);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('reads appended headers in order, in small log ranges, and their state on the inbox', async () => {
    await log.poll();
    expect(log.count).toBe(0n);
    await inbox.append(header(0, 1, 4));
    await inbox.append(header(1, 5, 9));
    await log.poll();
    expect(log.count).toBe(2n);
    expect(log.get(1n)).toMatchObject({ ...header(1, 5, 9) });
    expect(log.get(1n)!.l1Block).toBeGreaterThan(startBlock);
    expect(await reads.headerHash(1n)).toBe(log.get(1n)!.headerHash);
    expect(await reads.headerHash(2n)).toBeUndefined();
    // Challenge window 0: final as soon as appended.
    expect(await reads.lastFinalizedBatch()).toBe(1n);
    expect(log.removals).toBe(0);
  });

  it('drops what BatchesRemoved removes and takes the replacement; other chains do not show', async () => {
    for (const [i, range] of [[0, [1, 3]], [1, [4, 6]], [2, [7, 9]]] as const) await slowInbox.append(header(i, range[0], range[1], 0n, SLOW));
    await slowLog.poll();
    expect(slowLog.count).toBe(3n);
    expect(log.count).toBe(2n);
    await (await challenger.getFunction('removeBatchesFrom')(SLOW, 1n)).wait();
    await slowLog.poll();
    expect(slowLog.count).toBe(1n);
    expect(slowLog.get(1n)).toBeUndefined();
    expect(slowLog.removals).toBe(1);
    expect(await reads.headerHash(0n)).toBeDefined();
    const replacement = header(1, 4, 5, 0n, SLOW, 1);
    await slowInbox.append(replacement);
    await slowLog.poll();
    expect(slowLog.get(1n)).toMatchObject(replacement);
    expect(slowLog.count).toBe(2n);
    expect(await reads.lastFinalizedBatch()).toBe(1n);
  });

  it('reads everything again when the L1 block it stopped at is re-organised away', async () => {
    const snapshot = (await env.provider.send('evm_snapshot', [])) as string;
    await slowInbox.append({ ...header(2, 6, 8, 0n, SLOW), prevStateRoot: root(1101) });
    await slowLog.poll();
    expect(slowLog.count).toBe(3n);
    await env.provider.send('evm_revert', [snapshot]);
    await env.mine(3);
    await slowLog.poll();
    expect(slowLog.removals).toBeGreaterThan(1);
    expect(slowLog.count).toBe(2n);
    expect(slowLog.get(2n)).toBeUndefined();
    expect(slowLog.get(0n)).toBeDefined();
  });

  it('matches the Bridge: depositHashOf(deposit) is what the Bridge records for it', async () => {
    const user = env.wallet(3);
    const receipt = await (await (bridge.connect(user) as Contract).getFunction('depositETH')(CHAIN, user.address, { value: 12345n })).wait();
    const deposit = decodeDeposit(receipt.logs.find((l: { address: string }) => l.address.toLowerCase() === (bridge.target as string).toLowerCase()));
    expect(await reads.depositHash(deposit.index)).toBe(depositHashOf(deposit));
    expect(depositHashOf({ ...deposit, amount: deposit.amount + 1n })).not.toBe(depositHashOf(deposit));
    expect(await reads.depositHash(deposit.index + 1n)).toBeUndefined();
  });
});
