// End to end across two anvils, an L1 and an L2: deposits queued on the L1 Bridge are replayed into the L2
// predeploys (as the node will, from the system caller), withdrawals recorded by the L2 MessagePasser become
// an OpenZeppelin StandardMerkleTree whose root a batch commits on L1, and the proofs pay out on L1.
import type { Contract, JsonRpcProvider, JsonRpcSigner, Wallet } from 'ethers';
import { keccak256, parseEther, toBeHex } from 'ethers';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import { deployL1, startAnvil, type Anvil, type L1Deployment } from '@metis/testkit';
import {
  DEPOSIT_TUPLE,
  L2_BRIDGE,
  MESSAGE_PASSER,
  SYSTEM_CALLER,
  WITHDRAWAL_TYPES,
  ZERO_ADDRESS,
  abi,
  at,
  chainConfig,
  deployContract,
  devWallets,
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
let aliceL2: Wallet; // the same key on L2
let bobL2: Wallet;
let system: JsonRpcSigner;
let tst: Contract;
let genesisRoot: string;

const as = (c: Contract, w: Wallet | JsonRpcSigner): Contract => c.connect(w) as Contract;

beforeAll(async () => {
  [l1Node, l2Node] = await Promise.all([startAnvil(), startAnvil({ chainId: L2_CHAIN_ID })]);
  l1p = makeProvider(l1Node.url);
  l2p = makeProvider(l2Node.url);
  [admin, proposer, alice] = devWallets(l1p, 3) as [Wallet, Wallet, Wallet];
  [, , aliceL2, bobL2] = devWallets(l2p, 4) as [Wallet, Wallet, Wallet, Wallet];

  // L2 genesis: the predeploys' runtime code at their addresses.
  await l2p.send('anvil_setCode', [L2_BRIDGE, loadArtifact('L2Bridge').deployedBytecode]);
  await l2p.send('anvil_setCode', [MESSAGE_PASSER, loadArtifact('MessagePasser').deployedBytecode]);
  await l2p.send('anvil_impersonateAccount', [SYSTEM_CALLER]);
  await l2p.send('anvil_setBalance', [SYSTEM_CALLER, toBeHex(parseEther('1000000'))]);
  system = await l2p.getSigner(SYSTEM_CALLER);
  await l2p.send('evm_mine', []);
  genesisRoot = (await l2p.send('eth_getBlockByNumber', ['latest', false])).stateRoot;

  // L1: the settlement contracts and the chain.
  l1 = await deployL1(admin, { unbondingDelay: 2 * WINDOW });
  await mined(
    l1.chainRegistry.registerChain(
      L2_CHAIN_ID,
      chainConfig({ owner: admin.address, proposer: proposer.address }, { challengeWindow: WINDOW, genesisStateRoot: genesisRoot }),
    ),
  );
  await mined(as(l1.bondManager, proposer).deposit(L2_CHAIN_ID, { value: ONE }));
  tst = await deployContract(alice, 'MetisTestToken', ['Test Token', 'TST', parseEther('1000000')]);
});

afterAll(async () => {
  printGas('withdrawal-e2e');
  l1p?.destroy();
  l2p?.destroy();
  await Promise.all([l1Node?.stop(), l2Node?.stop()]);
});

describe('deposit -> L2 -> withdrawal -> batch -> proof -> L1 payout', () => {
  it('moves ETH and an ERC-20 both ways with StandardMerkleTree proofs', async () => {
    const bridge = l1.bridge;
    const l2Bridge = at('L2Bridge', L2_BRIDGE, system);
    const passer = at('MessagePasser', MESSAGE_PASSER, l2p);

    // 1. Deposits on L1.
    await mined(as(bridge, alice).depositETH(L2_CHAIN_ID, aliceL2.address, { value: 5n * ONE }));
    await mined(as(tst, alice).approve(bridge.target, parseEther('1000')));
    await mined(as(bridge, alice).depositERC20(L2_CHAIN_ID, tst.target, aliceL2.address, parseEther('1000')));

    // 2. The node replays the queue (from the DepositQueued logs) into the L2 bridge.
    const logs = await bridge.queryFilter(bridge.filters.DepositQueued!(L2_CHAIN_ID), l1.startBlock);
    expect(logs).toHaveLength(2);
    const aliceBefore = await l2p.getBalance(aliceL2.address);
    for (const log of logs) {
      const d = (log as unknown as { args: { deposit: { toObject(): Record<string, unknown> } } }).args.deposit.toObject() as {
        index: bigint;
        from: string;
        to: string;
        l1Token: string;
        amount: bigint;
        tokenMeta: string;
      };
      // The log carries everything the hash commits to.
      expect(keccak256(abi.encode([DEPOSIT_TUPLE], [d]))).toBe(await bridge.depositHash(L2_CHAIN_ID, d.index));
      const value = d.l1Token === ZERO_ADDRESS ? d.amount : 0n;
      await mined(l2Bridge.finalizeDeposit(d.index, d.from, d.to, d.l1Token, d.amount, d.tokenMeta, { value, gasLimit: 1_000_000 }));
    }
    expect(await l2Bridge.nextDepositIndex()).toBe(2n);
    expect(await l2p.getBalance(aliceL2.address)).toBe(aliceBefore + 5n * ONE);
    const l2Token = at('BridgedToken', await l2Bridge.l2TokenFor(tst.target), l2p);
    expect(await l2Token.balanceOf(aliceL2.address)).toBe(parseEther('1000'));
    expect(await l2Token.symbol()).toBe('TST');

    // 3. Withdrawals on L2.
    const [r1, r2, r3] = [freshAddress(), freshAddress(), freshAddress()];
    await mined(as(l2Bridge, aliceL2).withdrawETH(r1, { value: 2n * ONE }));
    await mined(as(l2Bridge, aliceL2).withdrawERC20(l2Token.target, r2, parseEther('300')));
    await mined(as(l2Bridge, bobL2).withdrawETH(r3, { value: ONE / 2n }));
    expect(await l2Token.balanceOf(aliceL2.address)).toBe(parseEther('700'));

    // 4. The node reads the withdrawals from the MessagePasser's events and builds the tree.
    const initiated = await passer.queryFilter(passer.filters.WithdrawalInitiated!(), 0);
    const withdrawals: Withdrawal[] = initiated.map((log) => {
      const a = (log as unknown as { args: Record<string, unknown> }).args;
      const w = { nonce: a.nonce as bigint, sender: a.sender as string, to: a.to as string, l1Token: a.l1Token as string, amount: a.amount as bigint };
      expect(a.withdrawalHash).toBe(withdrawalHash(w));
      return w;
    });
    expect(withdrawals.map((w) => w.nonce)).toEqual([0n, 1n, 2n]);
    expect(withdrawals[1]).toEqual({ nonce: 1n, sender: aliceL2.address, to: r2, l1Token: tst.target, amount: parseEther('300') });
    for (const w of withdrawals) expect(await passer.sentMessages(withdrawalHash(w))).toBe(true);
    const tree = StandardMerkleTree.of(withdrawals.map(withdrawalValues), WITHDRAWAL_TYPES);

    // 5. The proposer commits the L2 blocks so far, with the tree's root, on L1.
    const head = await l2p.send('eth_getBlockByNumber', ['latest', false]);
    const h = header({
      chainId: L2_CHAIN_ID,
      batchIndex: 0,
      firstBlock: 1,
      lastBlock: Number(head.number),
      prevStateRoot: genesisRoot,
      newStateRoot: head.stateRoot,
      dataHash: label('batch data'),
      withdrawalRoot: tree.root,
      depositCount: 2,
    });
    const appended = await mined(as(l1.batchInbox, proposer).appendBatch(h));
    recordGas('BatchInbox.appendBatch (e2e)', appended);
    expect(await l1.batchInbox.lastStateRoot(L2_CHAIN_ID)).toBe(head.stateRoot);

    // 6. Not before the challenge window has passed.
    const proof0 = tree.getProof(withdrawalValues(withdrawals[0]!));
    await expectRevert(as(bridge, alice).finalizeWithdrawal(L2_CHAIN_ID, 0, withdrawals[0]!, proof0), 'BatchNotFinalized', [L2_CHAIN_ID, 0]);
    await increaseTime(l1p, WINDOW);

    // 7. Every withdrawal pays out on L1 with its proof, once.
    for (const [i, w] of withdrawals.entries()) {
      const proof = tree.getProof(i);
      const r = await mined(as(bridge, alice).finalizeWithdrawal(L2_CHAIN_ID, 0, w, proof));
      recordGas(`Bridge.finalizeWithdrawal (e2e, ${w.l1Token === ZERO_ADDRESS ? 'ETH' : 'ERC-20'}, nonce ${w.nonce})`, r);
    }
    expect(await l1p.getBalance(r1)).toBe(2n * ONE);
    expect(await tst.balanceOf(r2)).toBe(parseEther('300'));
    expect(await l1p.getBalance(r3)).toBe(ONE / 2n);
    expect(await bridge.lockedOf(L2_CHAIN_ID, ZERO_ADDRESS)).toBe(5n * ONE - 2n * ONE - ONE / 2n);
    expect(await bridge.lockedOf(L2_CHAIN_ID, tst.target)).toBe(parseEther('700'));
    await expectRevert(as(bridge, alice).finalizeWithdrawal(L2_CHAIN_ID, 0, withdrawals[0]!, proof0), 'WithdrawalAlreadyFinalized', [
      L2_CHAIN_ID,
      withdrawalHash(withdrawals[0]!),
    ]);
  });
});
