import type { Contract, JsonRpcProvider, TransactionReceipt, Wallet } from 'ethers';
import { concat, getAddress, getCreate2Address, keccak256, parseEther, parseUnits } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deployL1 } from '@metis/testkit';
import {
  DEPOSIT_TUPLE,
  WITHDRAWAL_TYPES,
  ZERO_ADDRESS,
  ZERO_HASH,
  abi,
  at,
  chainConfig,
  deployContract,
  devWallets,
  eventOf,
  eventsOf,
  expectRevert,
  freshAddress,
  header,
  increaseTime,
  label,
  mined,
  recordGas,
  withdrawalHash,
  withdrawalValues,
  type Withdrawal,
  type WithdrawalValues,
  useAnvil,
} from './helpers.js';

const A = 901n;
const B = 902n;
const WINDOW = 3600;
const ONE = parseEther('1');

let provider: JsonRpcProvider;
let admin: Wallet;
let proposerA: Wallet;
let proposerB: Wallet;
let challenger: Wallet;
let user: Wallet;
let other: Wallet;
let registry: Contract;
let bonds: Contract;
let bridge: Contract;
let inbox: Contract;
let tst: Contract;
let fee: Contract;
let mkr: Contract;

const as = (c: Contract, w: Wallet): Contract => c.connect(w) as Contract;

const env = useAnvil('bridge');

beforeAll(async () => {
  ({ provider } = env);
  [admin, proposerA, proposerB, challenger, user, other] = devWallets(provider, 6) as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet];
  const l1 = await deployL1(admin, { unbondingDelay: 2 * WINDOW, challengers: [challenger.address] });
  ({ chainRegistry: registry, bondManager: bonds, bridge, batchInbox: inbox } = l1);
  await mined(registry.registerChain(A, chainConfig({ owner: admin.address, proposer: proposerA.address }, { challengeWindow: WINDOW, inclusionWindow: 50 })));
  await mined(registry.registerChain(B, chainConfig({ owner: admin.address, proposer: proposerB.address }, { challengeWindow: WINDOW, inclusionWindow: 50 })));
  await mined(as(bonds, proposerA).deposit(A, { value: ONE }));
  await mined(as(bonds, proposerB).deposit(B, { value: ONE }));
  tst = await deployContract(user, 'MetisTestToken', ['Test Token', 'TST', parseEther('1000000')]);
  fee = await deployContract(user, 'FeeOnTransferToken', [100, parseUnits('1000000', 6)]);
  mkr = await deployContract(user, 'Bytes32MetadataToken', [parseEther('1000')]);
});

const meta = (name: string, symbol: string, decimals: number): string => abi.encode(['string', 'string', 'uint8'], [name, symbol, decimals]);

function depositOf(receipt: TransactionReceipt) {
  const ev = eventOf(bridge, receipt, 'DepositQueued');
  const d = ev.args.deposit.toObject();
  return { chainId: ev.args.chainId as bigint, index: ev.args.index as bigint, deposit: d };
}

async function depositERC20(token: Contract, chainId: bigint, to: string, amount: bigint): Promise<TransactionReceipt> {
  await mined(as(token, user).approve(bridge.target, amount));
  return mined(as(bridge, user).depositERC20(chainId, token.target, to, amount));
}

describe('Bridge: deposits', () => {
  it('queues ETH deposits in order, with their hash and block', async () => {
    const to = freshAddress();
    const r0 = await mined(as(bridge, user).depositETH(A, to, { value: ONE }));
    recordGas('Bridge.depositETH (first of a chain)', r0);
    const q0 = depositOf(r0);
    expect(q0.chainId).toBe(A);
    expect(q0.index).toBe(0n);
    expect(q0.deposit).toEqual({ index: 0n, from: user.address, to, l1Token: ZERO_ADDRESS, amount: ONE, tokenMeta: '0x', l1Block: BigInt(r0.blockNumber) });
    expect(await bridge.depositHash(A, 0)).toBe(keccak256(abi.encode([DEPOSIT_TUPLE], [q0.deposit])));
    expect(await bridge.depositBlock(A, 0)).toBe(BigInt(r0.blockNumber));

    const r1 = await mined(as(bridge, other).depositETH(A, to, { value: 2n * ONE }));
    recordGas('Bridge.depositETH (next)', r1);
    expect(depositOf(r1).index).toBe(1n);
    expect(depositOf(r1).deposit.from).toBe(other.address);
    expect(await bridge.depositCount(A)).toBe(2n);
    expect(await bridge.lockedOf(A, ZERO_ADDRESS)).toBe(3n * ONE);
    expect(await provider.getBalance(bridge.target)).toBe(3n * ONE);
    await expectRevert(bridge.depositHash(A, 2), 'DepositNotFound', [A, 2]);
    await expectRevert(bridge.depositBlock(A, 2), 'DepositNotFound', [A, 2]);
  });

  it('refuses zero ETH, the zero recipient and unregistered chains', async () => {
    await expectRevert(as(bridge, user).depositETH(A, user.address, { value: 0 }), 'ZeroAmount', []);
    await expectRevert(as(bridge, user).depositETH(A, ZERO_ADDRESS, { value: 1 }), 'ZeroAddress', ['to']);
    await expectRevert(as(bridge, user).depositETH(999, user.address, { value: 1 }), 'UnknownChain', [999]);
  });

  it('queues ERC-20 deposits with the token metadata, in the same queue as ETH', async () => {
    await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    const amount = parseEther('250');
    const r = await depositERC20(tst, A, other.address, amount);
    recordGas('Bridge.depositERC20 (first of a token)', r);
    const q = depositOf(r);
    expect(q.index).toBe(1n);
    expect(q.deposit).toEqual({
      index: 1n,
      from: user.address,
      to: other.address,
      l1Token: tst.target,
      amount,
      tokenMeta: meta('Test Token', 'TST', 18),
      l1Block: BigInt(r.blockNumber),
    });
    expect(await bridge.depositHash(A, 1)).toBe(keccak256(abi.encode([DEPOSIT_TUPLE], [q.deposit])));
    expect(await tst.balanceOf(bridge.target)).toBe(amount);
    expect(await bridge.lockedOf(A, tst.target)).toBe(amount);
    expect(await bridge.lockedOf(A, ZERO_ADDRESS)).toBe(1n);
    const r2 = await depositERC20(tst, A, other.address, amount);
    recordGas('Bridge.depositERC20 (next)', r2);
    expect(await bridge.lockedOf(A, tst.target)).toBe(2n * amount);
  });

  it('refuses bad ERC-20 deposits', async () => {
    await expectRevert(as(bridge, user).depositERC20(A, tst.target, user.address, 0), 'ZeroAmount', []);
    await expectRevert(as(bridge, user).depositERC20(A, ZERO_ADDRESS, user.address, 1), 'ZeroAddress', ['l1Token']);
    await expectRevert(as(bridge, user).depositERC20(A, other.address, user.address, 1), 'NotAContract', [other.address]);
    await expectRevert(as(bridge, user).depositERC20(A, tst.target, ZERO_ADDRESS, 1), 'ZeroAddress', ['to']);
    await expectRevert(as(bridge, user).depositERC20(999, tst.target, user.address, 1), 'UnknownChain', [999]);
    // Without an allowance the token's own error bubbles up.
    await expectRevert(as(bridge, user).depositERC20(A, tst.target, user.address, 5), 'ERC20InsufficientAllowance', [bridge.target, 0, 5]);
  });

  it('credits what arrived for fee-on-transfer tokens', async () => {
    const sent = parseUnits('1000', 6);
    const r = await depositERC20(fee, A, other.address, sent);
    const q = depositOf(r);
    const arrived = (sent * 99n) / 100n;
    expect(q.deposit.amount).toBe(arrived);
    expect(q.deposit.tokenMeta).toBe(meta('Fee Token', 'FEE', 6));
    expect(await bridge.lockedOf(A, fee.target)).toBe(arrived);
    expect(await fee.balanceOf(bridge.target)).toBe(arrived);
  });

  it('reads bytes32 names and symbols, and defaults missing decimals to 18', async () => {
    const r = await depositERC20(mkr, A, other.address, 7n);
    expect(depositOf(r).deposit.tokenMeta).toBe(meta('Maker', 'MKR', 18));
  });

  it('cuts long names and symbols to 64 bytes without splitting a UTF-8 character', async () => {
    const long = await deployContract(user, 'MetisTestToken', [`a${'é'.repeat(40)}`, 'X'.repeat(100), 1000n]);
    const r = await depositERC20(long, A, other.address, 1n);
    // 'a' + 31 × 'é' = 63 bytes: the 32nd 'é' would straddle byte 64.
    expect(depositOf(r).deposit.tokenMeta).toBe(meta(`a${'é'.repeat(31)}`, 'X'.repeat(64), 18));
  });

  it('keeps one queue per chain', async () => {
    await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    const r = await mined(as(bridge, user).depositETH(B, user.address, { value: 5n }));
    expect(depositOf(r).index).toBe(0n);
    expect(await bridge.depositCount(A)).toBe(2n);
    expect(await bridge.depositCount(B)).toBe(1n);
    expect(await bridge.lockedOf(B, ZERO_ADDRESS)).toBe(5n);
  });

  it('depositsDue counts the deposits made at or before a block (several per block included)', async () => {
    const r1 = await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    await provider.send('anvil_mine', ['0x3']);
    // Two deposits in one block.
    await provider.send('evm_setAutomine', [false]);
    const t1 = await as(bridge, user).depositETH(A, user.address, { value: 1n });
    const t2 = await as(bridge, other).depositETH(A, user.address, { value: 1n });
    await provider.send('evm_mine', []);
    await provider.send('evm_setAutomine', [true]);
    const [ra, rb] = [(await t1.wait())!, (await t2.wait())!];
    expect(ra.blockNumber).toBe(rb.blockNumber);
    const b2 = ra.blockNumber;
    await provider.send('anvil_mine', ['0x2']);
    const r3 = await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    const b1 = r1.blockNumber;
    const b3 = r3.blockNumber;
    const due = async (block: number | bigint) => Number(await bridge.depositsDue(A, block));
    expect(await due(0)).toBe(0);
    expect(await due(b1 - 1)).toBe(0);
    expect(await due(b1)).toBe(1);
    expect(await due(b2 - 1)).toBe(1);
    expect(await due(b2)).toBe(3);
    expect(await due(b3 - 1)).toBe(3);
    expect(await due(b3)).toBe(4);
    expect(await due(2n ** 200n)).toBe(4);
    expect(Number(await bridge.depositsDue(B, b3))).toBe(0);
  });
});

describe('Bridge: initialization', () => {
  it('is initialized once, by its deployer, with an inbox that points back at it', async () => {
    const fresh = await deployContract(admin, 'Bridge', [registry.target]);
    await expectRevert(as(fresh, user).initialize(inbox.target), 'NotDeployer', [user.address]);
    await expectRevert(fresh.initialize(ZERO_ADDRESS), 'ZeroAddress', ['inbox']);
    // The deployment's inbox points at the deployment's bridge, not at this one.
    await expectRevert(fresh.initialize(inbox.target), 'InboxMismatch', [inbox.target, bridge.target]);
    const w: Withdrawal = { nonce: 0n, sender: user.address, to: user.address, l1Token: ZERO_ADDRESS, amount: 1n };
    await expectRevert(fresh.finalizeWithdrawal(A, 0, w, []), 'NotInitialized', []);
    await expectRevert(bridge.initialize(inbox.target), 'AlreadyInitialized', []);
    const own = await deployContract(admin, 'BatchInbox', [registry.target, bonds.target, fresh.target]);
    const r = await mined(fresh.initialize(own.target));
    expect(eventOf(fresh, r, 'Initialized').args.batchInbox).toBe(own.target);
    expect(await fresh.batchInbox()).toBe(own.target);
  });
});

describe('Bridge: withdrawals', () => {
  let r1: string;
  let r2: string;
  let ws: Withdrawal[];
  let tree: StandardMerkleTree<WithdrawalValues>;

  /** Appends the next batch of `chainId` with `withdrawalRoot`, consuming every queued deposit. */
  async function appendBatch(chainId: bigint, withdrawalRoot: string): Promise<number> {
    const next = Number(await inbox.nextBatchIndex(chainId));
    const firstBlock = next === 0 ? 1 : Number((await inbox.getBatch(chainId, next - 1)).lastBlock) + 1;
    const h = header({
      chainId,
      batchIndex: next,
      firstBlock,
      lastBlock: firstBlock + 4,
      prevStateRoot: await inbox.lastStateRoot(chainId),
      newStateRoot: label(`${chainId}-${next}-${withdrawalRoot}`),
      withdrawalRoot,
      depositCount: await bridge.depositCount(chainId),
    });
    await mined(as(inbox, chainId === A ? proposerA : proposerB).appendBatch(h));
    return next;
  }

  const treeOf = (list: Withdrawal[]) => StandardMerkleTree.of(list.map(withdrawalValues), WITHDRAWAL_TYPES);
  const proofOf = (t: StandardMerkleTree<WithdrawalValues>, w: Withdrawal): string[] => t.getProof(withdrawalValues(w));
  const finalize = (chainId: bigint, batch: number, w: Withdrawal, proof: string[], by: Wallet = other) =>
    as(bridge, by).finalizeWithdrawal(chainId, batch, w, proof);

  beforeEach(async () => {
    await mined(as(bridge, user).depositETH(A, user.address, { value: 10n * ONE }));
    await depositERC20(tst, A, user.address, parseEther('1000'));
    r1 = freshAddress();
    r2 = freshAddress();
    ws = [
      { nonce: 0n, sender: user.address, to: r1, l1Token: ZERO_ADDRESS, amount: ONE },
      { nonce: 1n, sender: user.address, to: r2, l1Token: tst.target as string, amount: parseEther('100') },
      { nonce: 2n, sender: other.address, to: r1, l1Token: ZERO_ADDRESS, amount: 2n * ONE },
      { nonce: 3n, sender: user.address, to: r2, l1Token: ZERO_ADDRESS, amount: ONE / 2n },
    ];
    tree = treeOf(ws);
  });

  it('pays ETH and ERC-20 withdrawals of a finalized batch, each once', async () => {
    const batch = await appendBatch(A, tree.root);
    await expectRevert(finalize(A, batch, ws[0]!, proofOf(tree, ws[0]!)), 'BatchNotFinalized', [A, batch]);
    await increaseTime(provider, WINDOW);
    expect(await inbox.isFinalized(A, batch)).toBe(true);

    const re = await mined(finalize(A, batch, ws[0]!, proofOf(tree, ws[0]!)));
    recordGas('Bridge.finalizeWithdrawal (ETH, 4-leaf tree)', re);
    const ev = eventOf(bridge, re, 'WithdrawalFinalized');
    const h0 = withdrawalHash(ws[0]!);
    expect([ev.args.chainId, ev.args.withdrawalHash, ev.args.batchIndex, ev.args.nonce, ev.args.to, ev.args.l1Token, ev.args.amount]).toEqual([
      A,
      h0,
      BigInt(batch),
      0n,
      r1,
      ZERO_ADDRESS,
      ONE,
    ]);
    expect(await provider.getBalance(r1)).toBe(ONE);
    expect(await bridge.isWithdrawalFinalized(A, h0)).toBe(true);
    expect(await bridge.lockedOf(A, ZERO_ADDRESS)).toBe(9n * ONE);

    const rt = await mined(finalize(A, batch, ws[1]!, proofOf(tree, ws[1]!)));
    recordGas('Bridge.finalizeWithdrawal (ERC-20, 4-leaf tree)', rt);
    expect(await tst.balanceOf(r2)).toBe(parseEther('100'));
    expect(await bridge.lockedOf(A, tst.target)).toBe(parseEther('900'));

    // Replays are refused, also through another batch that contains the same withdrawal.
    await expectRevert(finalize(A, batch, ws[0]!, proofOf(tree, ws[0]!)), 'WithdrawalAlreadyFinalized', [A, h0]);
    const again = treeOf([ws[0]!, { ...ws[3]!, nonce: 9n }]);
    const batch2 = await appendBatch(A, again.root);
    await increaseTime(provider, WINDOW);
    await expectRevert(finalize(A, batch2, ws[0]!, proofOf(again, ws[0]!)), 'WithdrawalAlreadyFinalized', [A, h0]);
    expect(await provider.getBalance(r1)).toBe(ONE);
  });

  it('rejects a withdrawal with any field changed, and broken proofs', async () => {
    const batch = await appendBatch(A, tree.root);
    await increaseTime(provider, WINDOW);
    const w = ws[2]!;
    const proof = proofOf(tree, w);
    const mutations: Withdrawal[] = [
      { ...w, nonce: w.nonce + 1n },
      { ...w, sender: user.address },
      { ...w, to: r2 },
      { ...w, l1Token: tst.target as string },
      { ...w, amount: w.amount + 1n },
      { ...w, amount: w.amount - 1n },
    ];
    for (const m of mutations) {
      await expectRevert(finalize(A, batch, m, proof), 'InvalidProof', [A, batch, withdrawalHash(m)]);
    }
    const h = withdrawalHash(w);
    // A flipped byte in a proof element, a missing element, an extra element, an empty proof.
    const flipped = [...proof];
    flipped[0] = `0x${(BigInt(flipped[0]!) ^ 1n).toString(16).padStart(64, '0')}`;
    await expectRevert(finalize(A, batch, w, flipped), 'InvalidProof', [A, batch, h]);
    await expectRevert(finalize(A, batch, w, proof.slice(1)), 'InvalidProof', [A, batch, h]);
    await expectRevert(finalize(A, batch, w, [...proof, label('extra')]), 'InvalidProof', [A, batch, h]);
    await expectRevert(finalize(A, batch, w, []), 'InvalidProof', [A, batch, h]);
    // Another leaf's proof, and the right proof against another batch's root.
    await expectRevert(finalize(A, batch, w, proofOf(tree, ws[0]!)), 'InvalidProof', [A, batch, h]);
    const otherBatch = await appendBatch(A, treeOf([ws[0]!, ws[1]!]).root);
    await increaseTime(provider, WINDOW);
    await expectRevert(finalize(A, otherBatch, w, proof), 'InvalidProof', [A, otherBatch, h]);
    // The untouched withdrawal still goes through.
    await mined(finalize(A, batch, w, proof));
    expect(await provider.getBalance(r1)).toBe(2n * ONE);
  });

  it('a single-leaf tree has root = leaf and an empty proof', async () => {
    const w = ws[0]!;
    const single = treeOf([w]);
    expect(single.getProof(0)).toEqual([]);
    expect(single.root).toBe(await bridge.withdrawalLeaf(w));
    const batch = await appendBatch(A, single.root);
    await increaseTime(provider, WINDOW);
    // A non-empty proof for a single-leaf tree fails.
    await expectRevert(finalize(A, batch, w, [label('x')]), 'InvalidProof', [A, batch, withdrawalHash(w)]);
    const r = await mined(finalize(A, batch, w, []));
    recordGas('Bridge.finalizeWithdrawal (ETH, single-leaf tree)', r);
    expect(await provider.getBalance(r1)).toBe(ONE);
  });

  it('helpers match the off-chain hashes', async () => {
    for (const w of ws) {
      expect(await bridge.withdrawalHash(w)).toBe(withdrawalHash(w));
      expect(await bridge.withdrawalLeaf(w)).toBe(tree.leafHash(withdrawalValues(w)));
      expect(await bridge.withdrawalLeaf(w)).toBe(keccak256(withdrawalHash(w)));
    }
  });

  it('rejects batches without a withdrawal root, unknown, locked and removed batches', async () => {
    const empty = await appendBatch(A, ZERO_HASH);
    await increaseTime(provider, WINDOW);
    await expectRevert(finalize(A, empty, ws[0]!, []), 'NoWithdrawalRoot', [A, empty]);
    await expectRevert(finalize(A, 99, ws[0]!, proofOf(tree, ws[0]!)), 'BatchNotFinalized', [A, 99]);
    await expectRevert(finalize(B, 0, ws[0]!, proofOf(tree, ws[0]!)), 'BatchNotFinalized', [B, 0]);

    const locked = await appendBatch(A, tree.root);
    await mined(as(inbox, challenger).lock(A, locked));
    await increaseTime(provider, WINDOW);
    await expectRevert(finalize(A, locked, ws[0]!, proofOf(tree, ws[0]!)), 'BatchNotFinalized', [A, locked]);
    await mined(as(inbox, challenger).removeBatchesFrom(A, locked));
    await expectRevert(finalize(A, locked, ws[0]!, proofOf(tree, ws[0]!)), 'BatchNotFinalized', [A, locked]);
  });

  it('never pays a chain more than was deposited into it', async () => {
    const big: Withdrawal[] = [
      { nonce: 10n, sender: user.address, to: r1, l1Token: ZERO_ADDRESS, amount: 11n * ONE },
      { nonce: 11n, sender: user.address, to: r1, l1Token: ZERO_ADDRESS, amount: 9n * ONE },
      { nonce: 12n, sender: user.address, to: r1, l1Token: ZERO_ADDRESS, amount: 2n * ONE },
      { nonce: 13n, sender: user.address, to: r2, l1Token: tst.target as string, amount: parseEther('1001') },
    ];
    const t = treeOf(big);
    const batch = await appendBatch(A, t.root);
    // Chain B has nothing locked, although the bridge holds chain A's ETH.
    await mined(as(bridge, user).depositETH(B, user.address, { value: 1n }));
    const tb = treeOf([{ nonce: 0n, sender: user.address, to: r1, l1Token: ZERO_ADDRESS, amount: ONE }]);
    const batchB = await appendBatch(B, tb.root);
    await increaseTime(provider, WINDOW);

    await expectRevert(finalize(A, batch, big[0]!, proofOf(t, big[0]!)), 'InsufficientLocked', [A, ZERO_ADDRESS, 10n * ONE, 11n * ONE]);
    await expectRevert(finalize(A, batch, big[3]!, proofOf(t, big[3]!)), 'InsufficientLocked', [A, tst.target, parseEther('1000'), parseEther('1001')]);
    await mined(finalize(A, batch, big[1]!, proofOf(t, big[1]!)));
    await expectRevert(finalize(A, batch, big[2]!, proofOf(t, big[2]!)), 'InsufficientLocked', [A, ZERO_ADDRESS, ONE, 2n * ONE]);
    await expectRevert(finalize(B, batchB, { nonce: 0n, sender: user.address, to: r1, l1Token: ZERO_ADDRESS, amount: ONE }, []), 'InsufficientLocked', [
      B,
      ZERO_ADDRESS,
      1n,
      ONE,
    ]);
  });

  it('a recipient that refuses ETH does not use the withdrawal up: it can be finalized later', async () => {
    const receiver = await deployContract(user, 'EthReceiver');
    await mined(receiver.setMode(1));
    const w: Withdrawal = { nonce: 20n, sender: user.address, to: receiver.target as string, l1Token: ZERO_ADDRESS, amount: ONE };
    const t = treeOf([w, ws[0]!]);
    const batch = await appendBatch(A, t.root);
    await increaseTime(provider, WINDOW);
    await expectRevert(finalize(A, batch, w, proofOf(t, w)), 'Refused', []);
    expect(await bridge.isWithdrawalFinalized(A, withdrawalHash(w))).toBe(false);
    await mined(receiver.setMode(0));
    await mined(finalize(A, batch, w, proofOf(t, w)));
    expect(await provider.getBalance(receiver.target)).toBe(ONE);
  });

  it('anyone may submit; the funds go to the withdrawal recipient', async () => {
    const batch = await appendBatch(A, tree.root);
    await increaseTime(provider, WINDOW);
    const before = await provider.getBalance(admin.address);
    const r = await mined(finalize(A, batch, ws[3]!, proofOf(tree, ws[3]!), admin));
    expect(await provider.getBalance(admin.address)).toBe(before - r.gasUsed * r.gasPrice);
    expect(await provider.getBalance(r2)).toBe(ONE / 2n);
  });
});

describe('Bridge: L2-native tokens (mirrors)', () => {
  const native = '0x00000000000000000000000000000000000dac01';
  const nativeOther = '0x00000000000000000000000000000000000dac02';
  const register = (chainId: bigint, l2Token: string, name = 'Dac Token', symbol = 'DAC', decimals = 18, by: Wallet = user) =>
    as(bridge, by).registerL2Token(chainId, l2Token, name, symbol, decimals);
  const mirrorAt = (address: string): Contract => at('L1MirrorToken', address, provider);
  const treeOf = (list: Withdrawal[]) => StandardMerkleTree.of(list.map(withdrawalValues), WITHDRAWAL_TYPES);

  /** Appends and finalizes the next batch of `chainId` with the root of `list`. */
  async function finalBatch(chainId: bigint, list: Withdrawal[]): Promise<{ batch: number; tree: StandardMerkleTree<WithdrawalValues> }> {
    const tree = treeOf(list);
    const next = Number(await inbox.nextBatchIndex(chainId));
    const firstBlock = next === 0 ? 1 : Number((await inbox.getBatch(chainId, next - 1)).lastBlock) + 1;
    const h = header({
      chainId,
      batchIndex: next,
      firstBlock,
      lastBlock: firstBlock + 4,
      prevStateRoot: await inbox.lastStateRoot(chainId),
      newStateRoot: label(`mirror-${chainId}-${next}`),
      withdrawalRoot: tree.root,
      depositCount: await bridge.depositCount(chainId),
    });
    await mined(as(inbox, chainId === A ? proposerA : proposerB).appendBatch(h));
    await increaseTime(provider, WINDOW);
    return { batch: next, tree };
  }

  it('registerL2Token creates the mirror by CREATE2 and queues the registration as a deposit of amount 0', async () => {
    await mined(as(bridge, user).depositETH(A, user.address, { value: 1n }));
    const predicted = await bridge.mirrorAddress(A, native, 'Dac Token', 'DAC', 18);
    const r = await mined(register(A, native));
    recordGas('Bridge.registerL2Token', r);
    const ev = eventOf(bridge, r, 'L2TokenRegistered');
    expect([ev.args.chainId, ev.args.l2Token, ev.args.mirror, ev.args.depositIndex, ev.args.name, ev.args.symbol, ev.args.decimals]).toEqual([
      A,
      getAddress(native),
      predicted,
      1n,
      'Dac Token',
      'DAC',
      18n,
    ]);
    const q = depositOf(r);
    expect(q.deposit).toEqual({
      index: 1n,
      from: user.address,
      to: getAddress(native),
      l1Token: predicted,
      amount: 0n,
      tokenMeta: meta('Dac Token', 'DAC', 18),
      l1Block: BigInt(r.blockNumber),
    });
    expect(await bridge.depositHash(A, 1)).toBe(keccak256(abi.encode([DEPOSIT_TUPLE], [q.deposit])));
    // The salt is keccak256(abi.encode(chainId, l2Token, name, symbol, decimals)).
    const salt = keccak256(abi.encode(['uint256', 'address', 'string', 'string', 'uint8'], [A, native, 'Dac Token', 'DAC', 18]));
    const initCode = concat([
      loadArtifact('L1MirrorToken').bytecode,
      abi.encode(['string', 'string', 'uint8', 'uint256', 'address'], ['Dac Token', 'DAC', 18, A, native]),
    ]);
    expect(getCreate2Address(bridge.target as string, salt, keccak256(initCode))).toBe(predicted);

    const mirror = mirrorAt(predicted);
    expect([await mirror.name(), await mirror.symbol(), await mirror.decimals(), await mirror.totalSupply()]).toEqual(['Dac Token', 'DAC', 18n, 0n]);
    expect([await mirror.bridge(), await mirror.chainId(), await mirror.l2Token()]).toEqual([bridge.target, A, getAddress(native)]);
    expect(await bridge.mirrorInfo(predicted)).toEqual([A, getAddress(native)]);
    expect(await bridge.mirrorOf(A, native)).toBe(predicted);
    expect(await bridge.confirmedMirrorOf(A, native)).toBe(ZERO_ADDRESS);
    expect(await bridge.mirrorOf(B, native)).toBe(ZERO_ADDRESS);
    expect(await bridge.mirrorInfo(tst.target)).toEqual([0n, ZERO_ADDRESS]);
    expect(await bridge.lockedOf(A, predicted)).toBe(0n);
  });

  it('refuses the same registration twice; other metadata or another chain give another mirror', async () => {
    const r1 = await mined(register(A, native));
    const m1 = eventOf(bridge, r1, 'L2TokenRegistered').args.mirror as string;
    await expectRevert(register(A, native, 'Dac Token', 'DAC', 18, other), 'AlreadyRegistered', [A, native, m1]);
    const m2 = eventOf(bridge, await mined(register(A, native, 'Dac Token', 'DAC', 6)), 'L2TokenRegistered').args.mirror as string;
    const m3 = eventOf(bridge, await mined(register(B, native)), 'L2TokenRegistered').args.mirror as string;
    expect(new Set([m1, m2, m3]).size).toBe(3);
    // Until a withdrawal confirms one, mirrorOf is the latest registration.
    expect(await bridge.mirrorOf(A, native)).toBe(m2);
    expect(await bridge.mirrorOf(B, native)).toBe(m3);
    expect(await bridge.depositCount(A)).toBe(2n);
    expect(await bridge.depositCount(B)).toBe(1n);
  });

  it('refuses bad registrations', async () => {
    await expectRevert(register(A, ZERO_ADDRESS), 'ZeroAddress', ['l2Token']);
    await expectRevert(register(999n, native), 'UnknownChain', [999]);
    expect(await bridge.MAX_METADATA_LENGTH()).toBe(128n);
    await expectRevert(register(A, native, 'N'.repeat(129)), 'MetadataTooLong', ['name', 129, 128]);
    await expectRevert(register(A, native, 'Dac', 'S'.repeat(130)), 'MetadataTooLong', ['symbol', 130, 128]);
    const r = await mined(register(A, native, 'N'.repeat(128), 'S'.repeat(128)));
    recordGas('Bridge.registerL2Token (128-byte name and symbol)', r);
  });

  it('only the bridge mints and burns mirrors', async () => {
    const mirror = mirrorAt(eventOf(bridge, await mined(register(A, native)), 'L2TokenRegistered').args.mirror as string);
    await expectRevert(as(mirror, user).mint(user.address, 1), 'OnlyBridge', [user.address]);
    await expectRevert(as(mirror, user).burn(user.address, 0), 'OnlyBridge', [user.address]);
  });

  it('a proven withdrawal of a mirror of that chain mints it; depositing it back burns it, without approval', async () => {
    const m = eventOf(bridge, await mined(register(A, native)), 'L2TokenRegistered').args.mirror as string;
    const mirror = mirrorAt(m);
    const w: Withdrawal = { nonce: 0n, sender: user.address, to: user.address, l1Token: m, amount: parseEther('40') };
    const w2: Withdrawal = { nonce: 1n, sender: other.address, to: other.address, l1Token: m, amount: parseEther('2') };
    const { batch, tree } = await finalBatch(A, [w, w2]);
    // Nothing is locked for the mirror: it is minted, not released.
    const r = await mined(as(bridge, other).finalizeWithdrawal(A, batch, w, tree.getProof(withdrawalValues(w))));
    recordGas('Bridge.finalizeWithdrawal (mints a mirror, first: confirms it)', r);
    const conf = eventOf(bridge, r, 'MirrorConfirmed');
    expect([conf.args.chainId, conf.args.l2Token, conf.args.mirror]).toEqual([A, getAddress(native), m]);
    const fin = eventOf(bridge, r, 'WithdrawalFinalized');
    expect([fin.args.to, fin.args.l1Token, fin.args.amount]).toEqual([user.address, m, parseEther('40')]);
    expect(await mirror.balanceOf(user.address)).toBe(parseEther('40'));
    expect(await mirror.totalSupply()).toBe(parseEther('40'));
    expect(await bridge.confirmedMirrorOf(A, native)).toBe(m);
    await expectRevert(as(bridge, other).finalizeWithdrawal(A, batch, w, tree.getProof(withdrawalValues(w))), 'WithdrawalAlreadyFinalized', [A, withdrawalHash(w)]);
    const r2 = await mined(as(bridge, other).finalizeWithdrawal(A, batch, w2, tree.getProof(withdrawalValues(w2))));
    recordGas('Bridge.finalizeWithdrawal (mints a mirror)', r2);
    expect(eventsOf(bridge, r2, 'MirrorConfirmed')).toHaveLength(0);
    expect(await mirror.totalSupply()).toBe(parseEther('42'));

    // A later registration with other metadata does not displace the confirmed mirror.
    await mined(register(A, native, 'Other', 'OTH', 18));
    expect(await bridge.mirrorOf(A, native)).toBe(m);

    // Deposit back: burned from the caller (no approval), queued with the mirror's metadata, nothing locked.
    const before = await bridge.depositCount(A);
    const rd = await mined(as(bridge, user).depositERC20(A, m, other.address, parseEther('15')));
    recordGas('Bridge.depositERC20 (burns a mirror)', rd);
    const q = depositOf(rd);
    expect(q.deposit).toEqual({
      index: before,
      from: user.address,
      to: other.address,
      l1Token: m,
      amount: parseEther('15'),
      tokenMeta: meta('Dac Token', 'DAC', 18),
      l1Block: BigInt(rd.blockNumber),
    });
    const burn = eventOf(mirror, rd, 'Transfer');
    expect([burn.args.from, burn.args.to, burn.args.value]).toEqual([user.address, ZERO_ADDRESS, parseEther('15')]);
    expect(await mirror.balanceOf(user.address)).toBe(parseEther('25'));
    expect(await mirror.totalSupply()).toBe(parseEther('27'));
    expect(await mirror.balanceOf(bridge.target)).toBe(0n);
    expect(await bridge.lockedOf(A, m)).toBe(0n);
    await expectRevert(as(bridge, user).depositERC20(A, m, other.address, parseEther('26')), 'ERC20InsufficientBalance', [
      user.address,
      parseEther('25'),
      parseEther('26'),
    ]);
    await expectRevert(as(bridge, user).depositERC20(A, m, other.address, 0), 'ZeroAmount', []);
  });

  it('a mirror is an ordinary token for any other chain: locked on deposit, paid only from what is locked', async () => {
    const m = eventOf(bridge, await mined(register(A, native)), 'L2TokenRegistered').args.mirror as string;
    const mirror = mirrorAt(m);
    const w: Withdrawal = { nonce: 0n, sender: user.address, to: user.address, l1Token: m, amount: 10n };
    const { batch, tree } = await finalBatch(A, [w]);
    await mined(as(bridge, other).finalizeWithdrawal(A, batch, w, tree.getProof(0)));

    // A withdrawal of chain A's mirror proven on chain B mints nothing: chain B has none of it locked.
    const wb: Withdrawal = { nonce: 0n, sender: user.address, to: user.address, l1Token: m, amount: 1n };
    const fb = await finalBatch(B, [wb]);
    await expectRevert(as(bridge, other).finalizeWithdrawal(B, fb.batch, wb, fb.tree.getProof(0)), 'InsufficientLocked', [B, m, 0n, 1n]);

    // Deposited into chain B, the mirror is locked like any ERC-20 (approval needed), and paid back from there.
    await expectRevert(as(bridge, user).depositERC20(B, m, user.address, 4n), 'ERC20InsufficientAllowance', [bridge.target, 0n, 4n]);
    await mined(as(mirror, user).approve(bridge.target, 4n));
    const r = await mined(as(bridge, user).depositERC20(B, m, user.address, 4n));
    expect(depositOf(r).deposit.amount).toBe(4n);
    expect(await bridge.lockedOf(B, m)).toBe(4n);
    expect(await mirror.balanceOf(bridge.target)).toBe(4n);
    expect(await mirror.totalSupply()).toBe(10n);
    const wb2: Withdrawal = { nonce: 1n, sender: user.address, to: other.address, l1Token: m, amount: 3n };
    const fb2 = await finalBatch(B, [wb2]);
    await mined(as(bridge, other).finalizeWithdrawal(B, fb2.batch, wb2, fb2.tree.getProof(0)));
    expect(await mirror.balanceOf(other.address)).toBe(3n);
    expect(await mirror.totalSupply()).toBe(10n);
    expect(await bridge.lockedOf(B, m)).toBe(1n);
  });

  it('an ordinary L1 token is still paid from what is locked, never minted', async () => {
    await mined(register(A, nativeOther));
    await depositERC20(tst, A, user.address, 5n);
    const w: Withdrawal = { nonce: 0n, sender: user.address, to: other.address, l1Token: tst.target as string, amount: 6n };
    const { batch, tree } = await finalBatch(A, [w]);
    await expectRevert(as(bridge, other).finalizeWithdrawal(A, batch, w, tree.getProof(0)), 'InsufficientLocked', [A, tst.target, 5n, 6n]);
  });
});
