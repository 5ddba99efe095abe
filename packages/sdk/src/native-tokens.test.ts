// The sdk's L2-native token functions against two real anvils: an L1 with the settlement contracts and an L2
// holding the predeploys, where this test replays the L1 deposit queue from the system caller as the node does.
import { Contract, ContractFactory, JsonRpcProvider, Wallet, getCreateAddress, parseEther, toBeHex, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { collectWithdrawals, withdrawalRoot } from '@metis/l1';
import { DEV_KEYS, deployL1, startAnvil, type Anvil, type L1Deployment } from '@metis/testkit';
import { depositERC20, depositETH, waitForDeposit } from './deposits.js';
import { isSdkError } from './errors.js';
import { toBlockLog } from './logs.js';
import {
  claimFailedNativeDeposits,
  encodeTokenMeta,
  escrowedOf,
  mirrorOf,
  mirrorTokenFor,
  nativeTokenFor,
  registerL2Token,
  registrationCheck,
  retryL2TokenRegistration,
} from './native-tokens.js';
import { finalizeWithdrawal } from './status.js';
import { withdrawERC20 } from './withdrawals.js';

const CHAIN_ID = 901;
const WINDOW = 600;
const ZERO = '0x0000000000000000000000000000000000000000';

let l1Node: Anvil;
let l2Node: Anvil;
let l1p: JsonRpcProvider;
let l2p: JsonRpcProvider;
let l1: L1Deployment;
let admin: Wallet;
let proposer: Wallet;
let alice: Wallet; // L1
let aliceL2: Wallet; // the same key on L2
let system: JsonRpcSigner;
let l2Bridge: Contract;
let dac: Contract;
let genesisRoot: string;
let nextBatch = 0;
let nextFirstBlock = 1;
let lastRoot = '';

const provider = (url: string) => new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
const deployment = () => ({ bridge: l1.addresses.bridge, batchInbox: l1.addresses.batchInbox, chainRegistry: l1.addresses.chainRegistry });

async function mined(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
}

async function deploy(signer: Wallet, name: string, args: unknown[]): Promise<Contract> {
  const { abi, bytecode } = loadArtifact(name);
  const c = await new ContractFactory(abi as never, bytecode, signer).deploy(...args);
  await c.waitForDeployment();
  return new Contract(await c.getAddress(), abi as never, signer);
}

/** Applies every queued deposit the L2 has not applied yet, from the system caller (as the node does). */
async function replay(): Promise<void> {
  const next = (await l2Bridge.getFunction('nextDepositIndex')()) as bigint;
  const logs = await l1.bridge.queryFilter(l1.bridge.filters.DepositQueued!(CHAIN_ID), l1.startBlock);
  for (const log of logs) {
    const d = (log as unknown as { args: { deposit: Record<string, unknown> } }).args.deposit as unknown as {
      index: bigint;
      from: string;
      to: string;
      l1Token: string;
      amount: bigint;
      tokenMeta: string;
    };
    if (d.index < next) continue;
    const value = d.l1Token === ZERO ? d.amount : 0n;
    await mined(l2Bridge.getFunction('finalizeDeposit')(d.index, d.from, d.to, d.l1Token, d.amount, d.tokenMeta, { value, gasLimit: 1_000_000 }));
  }
}

/** Appends the L2 blocks since the last batch with the root of their withdrawals, and waits out the window. */
async function finalBatch(): Promise<void> {
  const head = await l2p.send('eth_getBlockByNumber', ['latest', false]);
  const lastBlock = Number(head.number);
  const logs = await l2p.getLogs({ address: PREDEPLOYS.MESSAGE_PASSER, fromBlock: nextFirstBlock, toBlock: lastBlock });
  const root = withdrawalRoot(collectWithdrawals(logs.map((l) => toBlockLog(l))));
  const header = {
    chainId: CHAIN_ID,
    batchIndex: nextBatch,
    firstBlock: nextFirstBlock,
    lastBlock,
    prevStateRoot: lastRoot || genesisRoot,
    newStateRoot: head.stateRoot,
    dataHash: `0x${'ab'.repeat(32)}`,
    daCommitment: '0x01',
    withdrawalRoot: root,
    depositCount: await l2Bridge.getFunction('nextDepositIndex')(),
  };
  await mined((l1.batchInbox.connect(proposer) as Contract).getFunction('appendBatch')(header));
  await l1p.send('evm_increaseTime', [WINDOW]);
  await l1p.send('evm_mine', []);
  nextBatch++;
  nextFirstBlock = lastBlock + 1;
  lastRoot = head.stateRoot;
}

beforeAll(async () => {
  [l1Node, l2Node] = await Promise.all([startAnvil(), startAnvil({ chainId: CHAIN_ID })]);
  l1p = provider(l1Node.url);
  l2p = provider(l2Node.url);
  [admin, proposer, alice] = DEV_KEYS.slice(0, 3).map((k) => new Wallet(k, l1p)) as [Wallet, Wallet, Wallet];
  aliceL2 = new Wallet(DEV_KEYS[2]!, l2p);

  await l2p.send('anvil_setCode', [PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').deployedBytecode]);
  await l2p.send('anvil_setCode', [PREDEPLOYS.MESSAGE_PASSER, loadArtifact('MessagePasser').deployedBytecode]);
  await l2p.send('anvil_impersonateAccount', [PREDEPLOYS.SYSTEM_CALLER]);
  await l2p.send('anvil_setBalance', [PREDEPLOYS.SYSTEM_CALLER, toBeHex(parseEther('1000000'))]);
  system = await l2p.getSigner(PREDEPLOYS.SYSTEM_CALLER);
  l2Bridge = new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi as never, system);
  await l2p.send('evm_mine', []);
  genesisRoot = (await l2p.send('eth_getBlockByNumber', ['latest', false])).stateRoot;

  l1 = await deployL1(admin, { unbondingDelay: 2 * WINDOW });
  const config = {
    owner: admin.address,
    sequencer: admin.address,
    proposer: proposer.address,
    challengeWindow: WINDOW,
    minBond: parseEther('1'),
    daKind: 1,
    genesisStateRoot: genesisRoot,
    inclusionWindow: 100,
  };
  await mined(l1.chainRegistry.getFunction('registerChain')(CHAIN_ID, config));
  await mined((l1.bondManager.connect(proposer) as Contract).getFunction('deposit')(CHAIN_ID, { value: parseEther('1') }));

  dac = await deploy(aliceL2, 'DacToken', [3n, 'Sdk DAC', 'SDAC', parseEther('1000000')]);
  await mined(dac.getFunction('mint')(aliceL2.address, parseEther('1000')));
}, 120_000);

afterAll(async () => {
  l1p?.destroy();
  l2p?.destroy();
  await Promise.all([l1Node?.stop(), l2Node?.stop()]);
});

const errorOf = async (p: Promise<unknown>): Promise<unknown> => p.then(() => new Error('expected a failure'), (e: unknown) => e);

describe('L2-native tokens through the sdk', () => {
  it('registers a DAC token, withdraws it to L1 (approval, escrow, mirror minted) and deposits it back', { timeout: 120_000 }, async () => {
    const token = dac.target as string;
    expect(await mirrorTokenFor(l2p, token)).toBeUndefined();
    expect(await mirrorOf(l1p, deployment(), CHAIN_ID, token)).toBeUndefined();
    expect(isSdkError(await errorOf(withdrawERC20({ l2Signer: aliceL2, l2Token: token, amount: 1n })), 'NOT_FOUND')).toBe(true);

    // Registration: metadata read on L2, checked there, registered on L1; the L2 applies it as a deposit.
    const reg = await registerL2Token(alice, { chainId: CHAIN_ID, l2Token: token, l2Provider: l2p, deployment: deployment() });
    expect([reg.name, reg.symbol, reg.decimals]).toEqual(['Sdk DAC', 'SDAC', 18]);
    expect(reg.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(reg.depositIndex).toBe(0n);
    expect(await mirrorOf(l1p, deployment(), CHAIN_ID, token)).toBe(reg.mirror);
    expect(await registrationCheck(l2p, token, reg.mirror, encodeTokenMeta('Sdk DAC', 'SDAC', 18))).toBe('ok');
    const again = await errorOf(registerL2Token(alice, { chainId: CHAIN_ID, l2Token: token, l2Provider: l2p, deployment: deployment() }));
    expect(isSdkError(again, 'INVALID_ARGUMENT')).toBe(true);
    expect((again as Error).message).toMatch(/already registered on L1/);
    await replay();
    const applied = await waitForDeposit({ l2Provider: l2p, index: reg.depositIndex, timeoutMs: 5_000, pollMs: 50 });
    expect(applied).toMatchObject({ index: 0n, status: 'credited', kind: 'registration', l1Token: reg.mirror, l2Token: token, to: token, amount: 0n });
    expect(await mirrorTokenFor(l2p, token)).toBe(reg.mirror);
    expect(await nativeTokenFor(l2p, reg.mirror)).toBe(token);
    expect(await registrationCheck(l2p, token, reg.mirror, encodeTokenMeta('Sdk DAC', 'SDAC', 18))).toBe('alreadyRegistered');

    // Withdrawal: the sdk approves the L2Bridge first, then the tokens are escrowed and the mirror withdrawn.
    const w1 = await withdrawERC20({ l2Signer: aliceL2, l2Token: token, amount: parseEther('300') });
    expect(w1.approveTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    // Withdrawals carry lower-case hex (as the core's types do).
    expect(w1.withdrawal).toMatchObject({ sender: aliceL2.address.toLowerCase(), to: aliceL2.address.toLowerCase(), l1Token: reg.mirror.toLowerCase(), amount: parseEther('300') });
    await mined((dac.connect(aliceL2) as Contract).getFunction('approve')(PREDEPLOYS.L2_BRIDGE, parseEther('50')));
    const w2 = await withdrawERC20({ l2Signer: aliceL2, l2Token: token, amount: parseEther('50'), to: admin.address });
    expect(w2.approveTxHash).toBeUndefined();
    expect(await escrowedOf(l2p, token)).toBe(parseEther('350'));
    expect(isSdkError(await errorOf(withdrawERC20({ l2Signer: aliceL2, l2Token: token, amount: parseEther('651') })), 'INSUFFICIENT_FUNDS')).toBe(true);

    // Finalization on L1 mints the mirror.
    await finalBatch();
    const mirror = new Contract(reg.mirror, loadArtifact('L1MirrorToken').abi as never, l1p);
    for (const w of [w1, w2]) {
      await finalizeWithdrawal({ l1Signer: alice, l2Provider: l2p, contracts: deployment(), chainId: CHAIN_ID, l2TxHash: w.l2TxHash });
    }
    expect(await mirror.getFunction('balanceOf')(alice.address)).toBe(parseEther('300'));
    expect(await mirror.getFunction('balanceOf')(admin.address)).toBe(parseEther('50'));
    expect(await mirror.getFunction('totalSupply')()).toBe(await escrowedOf(l2p, token));

    // Back to L2: no approval, the mirror is burned, the native token released.
    const bobL2 = Wallet.createRandom().address;
    const dep = await depositERC20({ l1Signer: alice, contracts: deployment(), chainId: CHAIN_ID, l1Token: reg.mirror, to: bobL2, amount: parseEther('120') });
    expect(dep.approveTxHash).toBeUndefined();
    expect(dep.nativeL2Token).toBe(token);
    expect(dep.amount).toBe(parseEther('120'));
    expect(await mirror.getFunction('totalSupply')()).toBe(parseEther('230'));
    await replay();
    const released = await waitForDeposit({ l2Provider: l2p, index: dep.index, timeoutMs: 5_000, pollMs: 50 });
    expect(released).toMatchObject({ status: 'credited', kind: 'native', l1Token: reg.mirror, l2Token: token, to: bobL2, amount: parseEther('120') });
    expect(await dac.getFunction('balanceOf')(bobL2)).toBe(parseEther('120'));
    expect(await escrowedOf(l2p, token)).toBe(parseEther('230'));

    // A release the token refuses is credited to the recipient, who claims it later.
    const code = await l2p.getCode(token);
    const failing = await depositERC20({ l1Signer: alice, contracts: deployment(), chainId: CHAIN_ID, l1Token: reg.mirror, to: aliceL2.address, amount: parseEther('30') });
    await l2p.send('anvil_setCode', [token, '0x600060005260206000f3']); // returns false
    await replay();
    await l2p.send('anvil_setCode', [token, code]);
    expect(await waitForDeposit({ l2Provider: l2p, index: failing.index, timeoutMs: 5_000, pollMs: 50 })).toMatchObject({ status: 'failed', kind: 'native', amount: parseEther('30') });
    const before = (await dac.getFunction('balanceOf')(aliceL2.address)) as bigint;
    const claimed = await claimFailedNativeDeposits({ l2Signer: aliceL2, l2Token: token });
    expect(claimed.amount).toBe(parseEther('30'));
    expect(await dac.getFunction('balanceOf')(aliceL2.address)).toBe(before + parseEther('30'));
    expect(isSdkError(await errorOf(claimFailedNativeDeposits({ l2Signer: aliceL2, l2Token: token })), 'NOT_FOUND')).toBe(true);

    // Other deposits are told apart.
    const eth = await depositETH({ l1Signer: alice, contracts: deployment(), chainId: CHAIN_ID, amount: 5n });
    await replay();
    expect(await waitForDeposit({ l2Provider: l2p, index: eth.index, timeoutMs: 5_000, pollMs: 50 })).toMatchObject({ status: 'credited', kind: 'eth', l1Token: ZERO });
  });

  it('a registration that arrived before the token existed is retried on L2', { timeout: 60_000 }, async () => {
    const future = getCreateAddress({ from: aliceL2.address, nonce: await l2p.getTransactionCount(aliceL2.address) });
    const bridge = l1.bridge.connect(alice) as Contract;
    await (await bridge.getFunction('registerL2Token')(CHAIN_ID, future, 'Later', 'LTR', 18)).wait();
    const index = ((await l1.bridge.getFunction('depositCount')(CHAIN_ID)) as bigint) - 1n;
    const mirror = (await mirrorOf(l1p, deployment(), CHAIN_ID, future))!;
    await replay();
    expect(await waitForDeposit({ l2Provider: l2p, index, timeoutMs: 5_000, pollMs: 50 })).toMatchObject({ status: 'failed', kind: 'registration' });
    const retry = { l2Signer: aliceL2, index, mirror, l2Token: future, name: 'Later', symbol: 'LTR', decimals: 18 };
    expect(isSdkError(await errorOf(retryL2TokenRegistration(retry)), 'INVALID_ARGUMENT')).toBe(true);
    const later = await deploy(aliceL2, 'DacToken', [5n, 'Later', 'LTR', parseEther('1')]);
    expect(later.target).toBe(future);
    await retryL2TokenRegistration(retry);
    expect(await mirrorTokenFor(l2p, future)).toBe(mirror);
  });

  it('refuses what the L2Bridge would refuse, before sending anything', { timeout: 60_000 }, async () => {
    const input = { chainId: CHAIN_ID, l2Provider: l2p, deployment: deployment() };
    const eoa = Wallet.createRandom().address;
    expect(isSdkError(await errorOf(registerL2Token(alice, { ...input, l2Token: eoa })), 'NOT_FOUND')).toBe(true);
    // An L2 provider of another chain.
    expect(isSdkError(await errorOf(registerL2Token(alice, { ...input, l2Provider: l1p, l2Token: dac.target as string })), 'INVALID_ARGUMENT')).toBe(true);
    expect(isSdkError(await errorOf(registerL2Token(alice, { ...input, chainId: 0, l2Token: dac.target as string })), 'INVALID_ARGUMENT')).toBe(true);
    // A token without metadata (the L2Bridge itself has no name()).
    expect(isSdkError(await errorOf(registerL2Token(alice, { ...input, l2Token: PREDEPLOYS.L2_BRIDGE })), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('waitForDeposit reports a registration the L2 refused', { timeout: 60_000 }, async () => {
    const other = await deploy(aliceL2, 'DacToken', [4n, 'Other', 'OTH', parseEther('1')]);
    // Registered directly on the Bridge with decimals the token does not have.
    const bridge = l1.bridge.connect(alice) as Contract;
    const tx = await bridge.getFunction('registerL2Token')(CHAIN_ID, other.target, 'Other', 'OTH', 6);
    await tx.wait();
    const index = ((await l1.bridge.getFunction('depositCount')(CHAIN_ID)) as bigint) - 1n;
    await replay();
    const applied = await waitForDeposit({ l2Provider: l2p, index, timeoutMs: 5_000, pollMs: 50 });
    expect(applied).toMatchObject({ status: 'failed', kind: 'registration', to: other.target, amount: 0n });
    expect(await mirrorTokenFor(l2p, other.target as string)).toBeUndefined();
  });
});
