// An L2-native token (a DacToken created on L2) bridged to L1 and back, end to end across two anvils as in
// withdrawal-e2e: registration on the L1 Bridge, replayed into the L2Bridge by the system caller; withdrawals
// escrow the token on L2 and mint its L1 mirror once proven; deposits of the mirror burn it on L1 and release
// escrowed tokens on L2. After every step: escrow on L2 == mirror supply on L1 + what is in flight.
import type { Contract, JsonRpcProvider, JsonRpcSigner, Wallet } from 'ethers';
import { parseEther, toBeHex } from 'ethers';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import { deployL1, startAnvil, type Anvil, type L1Deployment } from '@metis/testkit';
import {
  L2_BRIDGE,
  MESSAGE_PASSER,
  SYSTEM_CALLER,
  WITHDRAWAL_TYPES,
  ZERO_ADDRESS,
  at,
  chainConfig,
  deployContract,
  devWallets,
  eventOf,
  expectRevert,
  freshAddress,
  header,
  increaseTime,
  label,
  makeProvider,
  mined,
  printGas,
  recordGas,
  withdrawalHash,
  withdrawalValues,
  type Withdrawal,
  type WithdrawalValues,
} from './helpers.js';

const L2_CHAIN_ID = 901;
const WINDOW = 600;
const ONE = parseEther('1');

let l1Node: Anvil;
let l2Node: Anvil;
let l1p: JsonRpcProvider;
let l2p: JsonRpcProvider;
let l1: L1Deployment;
let admin: Wallet;
let proposer: Wallet;
let alice: Wallet; // on L1
let bob: Wallet; // on L1
let aliceL2: Wallet; // the same key on L2
let bobL2: Wallet;
let system: JsonRpcSigner;
let l2Bridge: Contract;
let passer: Contract;
let dac: Contract; // the native token, on L2
let genesisRoot: string;

const as = (c: Contract, w: Wallet | JsonRpcSigner): Contract => c.connect(w) as Contract;

beforeAll(async () => {
  [l1Node, l2Node] = await Promise.all([startAnvil(), startAnvil({ chainId: L2_CHAIN_ID })]);
  l1p = makeProvider(l1Node.url);
  l2p = makeProvider(l2Node.url);
  [admin, proposer, alice, bob] = devWallets(l1p, 4) as [Wallet, Wallet, Wallet, Wallet];
  [, , aliceL2, bobL2] = devWallets(l2p, 4) as [Wallet, Wallet, Wallet, Wallet];

  await l2p.send('anvil_setCode', [L2_BRIDGE, loadArtifact('L2Bridge').deployedBytecode]);
  await l2p.send('anvil_setCode', [MESSAGE_PASSER, loadArtifact('MessagePasser').deployedBytecode]);
  await l2p.send('anvil_impersonateAccount', [SYSTEM_CALLER]);
  await l2p.send('anvil_setBalance', [SYSTEM_CALLER, toBeHex(parseEther('1000000'))]);
  system = await l2p.getSigner(SYSTEM_CALLER);
  l2Bridge = at('L2Bridge', L2_BRIDGE, system);
  passer = at('MessagePasser', MESSAGE_PASSER, l2p);
  await l2p.send('evm_mine', []);
  genesisRoot = (await l2p.send('eth_getBlockByNumber', ['latest', false])).stateRoot;

  l1 = await deployL1(admin, { unbondingDelay: 2 * WINDOW });
  await mined(
    l1.chainRegistry.registerChain(
      L2_CHAIN_ID,
      chainConfig({ owner: admin.address, proposer: proposer.address }, { challengeWindow: WINDOW, genesisStateRoot: genesisRoot }),
    ),
  );
  await mined(as(l1.bondManager, proposer).deposit(L2_CHAIN_ID, { value: ONE }));

  // A DAC token on L2 (deployed directly: its deployer is its minter, standing in for the DacTokenFactory).
  dac = await deployContract(aliceL2, 'DacToken', [7n, 'Metis DAC Token', 'MDAC', parseEther('1000000')]);
  await mined(as(dac, aliceL2).mint(aliceL2.address, parseEther('1000')));
});

afterAll(async () => {
  printGas('native-token-bridge');
  l1p?.destroy();
  l2p?.destroy();
  await Promise.all([l1Node?.stop(), l2Node?.stop()]);
});

/** Replays every queued deposit the L2 has not applied yet, as the node does. */
async function replay(): Promise<void> {
  const bridge = l1.bridge;
  const next = (await l2Bridge.nextDepositIndex()) as bigint;
  const logs = await bridge.queryFilter(bridge.filters.DepositQueued!(L2_CHAIN_ID), l1.startBlock);
  for (const log of logs) {
    const d = (log as unknown as { args: { deposit: { toObject(): Record<string, unknown> } } }).args.deposit.toObject() as {
      index: bigint;
      from: string;
      to: string;
      l1Token: string;
      amount: bigint;
      tokenMeta: string;
    };
    if (d.index < next) continue;
    const value = d.l1Token === ZERO_ADDRESS ? d.amount : 0n;
    await mined(l2Bridge.finalizeDeposit(d.index, d.from, d.to, d.l1Token, d.amount, d.tokenMeta, { value, gasLimit: 1_000_000 }));
  }
}

let nextBatch = 0;
let nextFirstBlock = 1;
let lastRoot = '';

/** Commits the L2 blocks since the last batch with the root of their withdrawals and waits out the window. */
async function finalBatch(): Promise<{ batch: number; tree: StandardMerkleTree<WithdrawalValues>; withdrawals: Withdrawal[] }> {
  const head = await l2p.send('eth_getBlockByNumber', ['latest', false]);
  const lastBlock = Number(head.number);
  const logs = await passer.queryFilter(passer.filters.WithdrawalInitiated!(), nextFirstBlock, lastBlock);
  const withdrawals = logs.map((log) => {
    const a = (log as unknown as { args: Record<string, unknown> }).args;
    return { nonce: a.nonce as bigint, sender: a.sender as string, to: a.to as string, l1Token: a.l1Token as string, amount: a.amount as bigint };
  });
  const tree = StandardMerkleTree.of(withdrawals.map(withdrawalValues), WITHDRAWAL_TYPES);
  const h = header({
    chainId: L2_CHAIN_ID,
    batchIndex: nextBatch,
    firstBlock: nextFirstBlock,
    lastBlock,
    prevStateRoot: lastRoot || genesisRoot,
    newStateRoot: head.stateRoot,
    dataHash: label(`batch ${nextBatch}`),
    withdrawalRoot: tree.root,
    depositCount: await l2Bridge.nextDepositIndex(),
  });
  await mined(as(l1.batchInbox, proposer).appendBatch(h));
  await increaseTime(l1p, WINDOW);
  const batch = nextBatch++;
  nextFirstBlock = lastBlock + 1;
  lastRoot = head.stateRoot;
  return { batch, tree, withdrawals };
}

describe('an L2-native token: L2 -> L1 -> L2', () => {
  it('registers, withdraws (escrow, mirror minted), deposits back (mirror burned, escrow released), conserving supply', async () => {
    const bridge = l1.bridge;
    const native = dac.target as string;
    /** Amounts escrowed on L2 whose mirrors are not minted yet, and mirrors burned on L1 not yet released. */
    let withdrawing = 0n;
    let depositing = 0n;
    let mirror: Contract | undefined;
    const conserved = async (): Promise<void> => {
      const escrowed = (await l2Bridge.escrowedOf(native)) as bigint;
      const supply = mirror ? ((await mirror.totalSupply()) as bigint) : 0n;
      expect(escrowed).toBe(supply + withdrawing + depositing);
      expect(await dac.balanceOf(L2_BRIDGE)).toBe(escrowed);
      expect(await dac.totalSupply()).toBe(parseEther('1000'));
    };

    // 1. Registration on L1: the mirror, and a deposit of amount 0 in the queue.
    const r = await mined(as(bridge, alice).registerL2Token(L2_CHAIN_ID, native, 'Metis DAC Token', 'MDAC', 18));
    recordGas('Bridge.registerL2Token (e2e)', r);
    const m = eventOf(bridge, r, 'L2TokenRegistered').args.mirror as string;
    mirror = at('L1MirrorToken', m, l1p);
    expect(await bridge.mirrorOf(L2_CHAIN_ID, native)).toBe(m);
    expect(await l2Bridge.mirrorOf(native)).toBe(ZERO_ADDRESS);
    // Before the L2 applies the registration, the token cannot leave.
    await expectRevert(as(l2Bridge, aliceL2).withdrawERC20(native, alice.address, 1n), 'UnknownToken', [native]);
    await replay();
    expect(await l2Bridge.mirrorOf(native)).toBe(m);
    expect(await l2Bridge.nativeOf(m)).toBe(native);
    await conserved();

    // 2. Withdrawals on L2: escrowed (approval first), carrying the mirror.
    await mined(as(dac, aliceL2).approve(L2_BRIDGE, parseEther('500')));
    await mined(as(l2Bridge, aliceL2).withdrawERC20(native, alice.address, parseEther('300')));
    await mined(as(l2Bridge, aliceL2).withdrawERC20(native, bob.address, parseEther('200')));
    await mined(as(l2Bridge, bobL2).withdrawETH(bob.address, { value: 1n })); // an ETH withdrawal in between
    withdrawing += parseEther('500');
    expect(await dac.balanceOf(aliceL2.address)).toBe(parseEther('500'));
    await conserved();

    // 3. A batch with their root; once final, the proofs mint the mirror on L1.
    const b0 = await finalBatch();
    expect(b0.withdrawals.map((w) => [w.l1Token, w.amount])).toEqual([
      [m, parseEther('300')],
      [m, parseEther('200')],
      [ZERO_ADDRESS, 1n],
    ]);
    for (const [i, w] of b0.withdrawals.entries()) {
      if (w.l1Token !== m) continue;
      const rf = await mined(as(bridge, bob).finalizeWithdrawal(L2_CHAIN_ID, b0.batch, w, b0.tree.getProof(i)));
      recordGas(`Bridge.finalizeWithdrawal (e2e, mirror, nonce ${w.nonce})`, rf);
      withdrawing -= w.amount;
      await conserved();
    }
    expect(await mirror.balanceOf(alice.address)).toBe(parseEther('300'));
    expect(await mirror.balanceOf(bob.address)).toBe(parseEther('200'));
    expect(await bridge.confirmedMirrorOf(L2_CHAIN_ID, native)).toBe(m);

    // Nothing mints a mirror without a proven withdrawal of escrowed tokens.
    const w0 = b0.withdrawals[0]!;
    await expectRevert(as(bridge, bob).finalizeWithdrawal(L2_CHAIN_ID, b0.batch, w0, b0.tree.getProof(0)), 'WithdrawalAlreadyFinalized', [L2_CHAIN_ID, withdrawalHash(w0)]);
    const forged: Withdrawal = { ...w0, nonce: 99n };
    await expectRevert(as(bridge, bob).finalizeWithdrawal(L2_CHAIN_ID, b0.batch, forged, b0.tree.getProof(0)), 'InvalidProof', [L2_CHAIN_ID, b0.batch, withdrawalHash(forged)]);
    await expectRevert(as(mirror, alice).mint(alice.address, 1n), 'OnlyBridge', [alice.address]);
    await conserved();

    // 4. Back to L2: the mirror is burned on L1 (no approval), the escrow released on L2.
    const beforeBob = (await dac.balanceOf(bobL2.address)) as bigint;
    const rd = await mined(as(bridge, alice).depositERC20(L2_CHAIN_ID, m, bobL2.address, parseEther('120')));
    recordGas('Bridge.depositERC20 (e2e, mirror)', rd);
    depositing += parseEther('120');
    expect(await mirror.balanceOf(alice.address)).toBe(parseEther('180'));
    await conserved();
    await replay();
    depositing -= parseEther('120');
    expect(await dac.balanceOf(bobL2.address)).toBe(beforeBob + parseEther('120'));
    await conserved();

    // 5. Once more around, with bob's tokens: L2 -> L1 -> L2.
    await mined(as(dac, bobL2).approve(L2_BRIDGE, parseEther('20')));
    await mined(as(l2Bridge, bobL2).withdrawERC20(native, bob.address, parseEther('20')));
    withdrawing += parseEther('20');
    await conserved();
    const b1 = await finalBatch();
    expect(b1.withdrawals).toHaveLength(1);
    await mined(as(bridge, alice).finalizeWithdrawal(L2_CHAIN_ID, b1.batch, b1.withdrawals[0]!, b1.tree.getProof(0)));
    withdrawing -= parseEther('20');
    await conserved();
    await mined(as(bridge, bob).depositERC20(L2_CHAIN_ID, m, aliceL2.address, parseEther('220')));
    depositing += parseEther('220');
    await conserved();
    await replay();
    depositing -= parseEther('220');
    await conserved();
    expect(await mirror.totalSupply()).toBe(parseEther('180'));
    expect(await l2Bridge.escrowedOf(native)).toBe(parseEther('180'));
    expect(await mirror.balanceOf(bob.address)).toBe(0n);
    expect(await dac.balanceOf(aliceL2.address)).toBe(parseEther('720'));
    // The ordinary L1 accounting was never touched.
    expect(await bridge.lockedOf(L2_CHAIN_ID, m)).toBe(0n);
  });

  it('a registration with metadata that do not match is refused on L2, and its mirror can never be minted', async () => {
    const bridge = l1.bridge;
    const other = await deployContract(aliceL2, 'DacToken', [8n, 'Second', 'SEC', parseEther('1000')]);
    const r = await mined(as(bridge, alice).registerL2Token(L2_CHAIN_ID, other.target, 'Second', 'SEC', 6));
    const wrong = eventOf(bridge, r, 'L2TokenRegistered').args.mirror as string;
    await replay();
    expect(await l2Bridge.mirrorOf(other.target)).toBe(ZERO_ADDRESS);
    expect(await l2Bridge.nativeOf(wrong)).toBe(ZERO_ADDRESS);
    await mined(as(other, aliceL2).mint(aliceL2.address, 10n));
    await mined(as(other, aliceL2).approve(L2_BRIDGE, 10n));
    await expectRevert(as(l2Bridge, aliceL2).withdrawERC20(other.target, alice.address, 10n), 'UnknownToken', [other.target]);

    // The right metadata give another mirror, which the L2 accepts.
    const r2 = await mined(as(bridge, alice).registerL2Token(L2_CHAIN_ID, other.target, 'Second', 'SEC', 18));
    const right = eventOf(bridge, r2, 'L2TokenRegistered').args.mirror as string;
    await replay();
    expect(await l2Bridge.mirrorOf(other.target)).toBe(right);
    await mined(as(l2Bridge, aliceL2).withdrawERC20(other.target, alice.address, 10n));
    const b = await finalBatch();
    expect(b.withdrawals.map((w) => w.l1Token)).toEqual([right]);
    await mined(as(bridge, alice).finalizeWithdrawal(L2_CHAIN_ID, b.batch, b.withdrawals[0]!, b.tree.getProof(0)));
    expect(await at('L1MirrorToken', right, l1p).balanceOf(alice.address)).toBe(10n);
    expect(await at('L1MirrorToken', wrong, l1p).totalSupply()).toBe(0n);
    expect(await bridge.mirrorOf(L2_CHAIN_ID, other.target)).toBe(right);
  });
});
