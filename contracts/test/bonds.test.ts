import type { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { parseEther } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { SLASHER_ROLE, deployL1 } from '@metis/testkit';
import {
  ZERO_ADDRESS,
  chainConfig,
  devWallets,
  eventOf,
  expectRevert,
  freshAddress,
  increaseTime,
  mined,
  recordGas,
  useAnvil,
} from './helpers.js';

const DELAY = 7 * 24 * 3600;
const A = 901n;
const B = 902n;
const ONE = parseEther('1');

let provider: JsonRpcProvider;
let admin: Wallet;
let alice: Wallet;
let bob: Wallet;
let slasher: Wallet;
let treasury: string;
let registry: Contract;
let bonds: Contract;

const as = (c: Contract, w: Wallet): Contract => c.connect(w) as Contract;

const env = useAnvil('bonds');

beforeAll(async () => {
  ({ provider } = env);
  [admin, alice, bob, slasher] = devWallets(provider, 4) as [Wallet, Wallet, Wallet, Wallet];
  treasury = freshAddress();
  const l1 = await deployL1(admin, { unbondingDelay: DELAY, treasury, slashers: [slasher.address] });
  registry = l1.chainRegistry;
  bonds = l1.bondManager;
  await mined(registry.registerChain(A, chainConfig({ owner: admin.address, proposer: alice.address }, { minBond: ONE })));
  await mined(registry.registerChain(B, chainConfig({ owner: admin.address, proposer: alice.address }, { minBond: 3n * ONE })));
});

const balance = (address: string) => provider.getBalance(address);

describe('BondManager: deposits and isBonded', () => {
  it('is wired: registry, delay, treasury, roles', async () => {
    expect(await bonds.registry()).toBe(registry.target);
    expect(await bonds.unbondingDelay()).toBe(BigInt(DELAY));
    expect(await bonds.treasury()).toBe(treasury);
    expect(await bonds.SLASHER_ROLE()).toBe(SLASHER_ROLE);
    expect(await bonds.hasRole(SLASHER_ROLE, slasher.address)).toBe(true);
    expect(await bonds.hasRole(await bonds.DEFAULT_ADMIN_ROLE(), admin.address)).toBe(true);
  });

  it('adds deposits to the active bond; isBonded compares it with the chain minBond', async () => {
    expect(await bonds.isBonded(A, alice.address)).toBe(false);
    let receipt = await mined(as(bonds, alice).deposit(A, { value: ONE / 2n }));
    recordGas('BondManager.deposit (first)', receipt);
    let ev = eventOf(bonds, receipt, 'BondDeposited');
    expect([ev.args.chainId, ev.args.account, ev.args.amount, ev.args.bond]).toEqual([A, alice.address, ONE / 2n, ONE / 2n]);
    expect(await bonds.isBonded(A, alice.address)).toBe(false);
    receipt = await mined(as(bonds, alice).deposit(A, { value: ONE / 2n }));
    ev = eventOf(bonds, receipt, 'BondDeposited');
    expect(ev.args.bond).toBe(ONE);
    expect(await bonds.bondOf(A, alice.address)).toBe(ONE);
    expect(await bonds.isBonded(A, alice.address)).toBe(true);
    expect(await balance(bonds.target as string)).toBe(ONE);
  });

  it('rejects zero deposits and unknown chains', async () => {
    await expectRevert(as(bonds, alice).deposit(A, { value: 0 }), 'ZeroAmount', []);
    await expectRevert(as(bonds, alice).deposit(999, { value: ONE }), 'UnknownChain', [999]);
    await expectRevert(bonds.isBonded(999, alice.address), 'UnknownChain', [999]);
  });

  it('keeps chains independent', async () => {
    await mined(as(bonds, alice).deposit(A, { value: 2n * ONE }));
    expect(await bonds.isBonded(A, alice.address)).toBe(true);
    expect(await bonds.bondOf(B, alice.address)).toBe(0n);
    expect(await bonds.isBonded(B, alice.address)).toBe(false);
    await mined(as(bonds, alice).deposit(B, { value: 2n * ONE }));
    expect(await bonds.isBonded(B, alice.address)).toBe(false); // B needs 3 ETH
    await mined(as(bonds, alice).deposit(B, { value: ONE }));
    expect(await bonds.isBonded(B, alice.address)).toBe(true);
    await expectRevert(as(bonds, alice).requestWithdrawal(A, 3n * ONE), 'InsufficientBond', [A, alice.address, 2n * ONE, 3n * ONE]);
  });
});

describe('BondManager: unbonding and withdrawal', () => {
  it('moves the amount to unbonding, pays it after the delay, once', async () => {
    await mined(as(bonds, alice).deposit(A, { value: 2n * ONE }));
    const receipt = await mined(as(bonds, alice).requestWithdrawal(A, ONE));
    const { timestamp } = (await provider.getBlock(receipt.blockNumber))!;
    const ev = eventOf(bonds, receipt, 'WithdrawalRequested');
    const availableAt = BigInt(timestamp + DELAY);
    expect([ev.args.chainId, ev.args.account, ev.args.amount, ev.args.unbonding, ev.args.availableAt]).toEqual([A, alice.address, ONE, ONE, availableAt]);
    expect(await bonds.bondOf(A, alice.address)).toBe(ONE);
    expect([...(await bonds.unbondingOf(A, alice.address))]).toEqual([ONE, availableAt]);

    await expectRevert(as(bonds, alice).withdraw(A), 'WithdrawalNotReady', [A, alice.address, availableAt]);
    await increaseTime(provider, DELAY - 60);
    await expectRevert(as(bonds, alice).withdraw(A), 'WithdrawalNotReady', [A, alice.address, availableAt]);
    await increaseTime(provider, 60);

    const before = await balance(alice.address);
    const paid = await mined(as(bonds, alice).withdraw(A));
    recordGas('BondManager.withdraw', paid);
    const w = eventOf(bonds, paid, 'BondWithdrawn');
    expect([w.args.chainId, w.args.account, w.args.amount]).toEqual([A, alice.address, ONE]);
    expect(await balance(alice.address)).toBe(before + ONE - paid.gasUsed * paid.gasPrice);
    expect([...(await bonds.unbondingOf(A, alice.address))]).toEqual([0n, 0n]);
    expect(await bonds.bondOf(A, alice.address)).toBe(ONE);
    await expectRevert(as(bonds, alice).withdraw(A), 'NothingToWithdraw', [A, alice.address]);
  });

  it('a new request adds to the unbonding amount and restarts its delay', async () => {
    await mined(as(bonds, alice).deposit(A, { value: 3n * ONE }));
    await mined(as(bonds, alice).requestWithdrawal(A, ONE));
    await increaseTime(provider, DELAY - 100);
    const receipt = await mined(as(bonds, alice).requestWithdrawal(A, ONE));
    const { timestamp } = (await provider.getBlock(receipt.blockNumber))!;
    expect(eventOf(bonds, receipt, 'WithdrawalRequested').args.unbonding).toBe(2n * ONE);
    await increaseTime(provider, 200);
    await expectRevert(as(bonds, alice).withdraw(A), 'WithdrawalNotReady', [A, alice.address, BigInt(timestamp + DELAY)]);
    await increaseTime(provider, DELAY);
    const paid = await mined(as(bonds, alice).withdraw(A));
    expect(eventOf(bonds, paid, 'BondWithdrawn').args.amount).toBe(2n * ONE);
  });

  it('unbonding no longer counts as bonded; withdrawals above the active bond or of zero are refused', async () => {
    await mined(as(bonds, alice).deposit(A, { value: ONE }));
    await expectRevert(as(bonds, alice).requestWithdrawal(A, ONE + 1n), 'InsufficientBond', [A, alice.address, ONE, ONE + 1n]);
    await expectRevert(as(bonds, alice).requestWithdrawal(A, 0), 'ZeroAmount', []);
    await mined(as(bonds, alice).requestWithdrawal(A, 1n));
    expect(await bonds.isBonded(A, alice.address)).toBe(false);
    await expectRevert(as(bonds, bob).withdraw(A), 'NothingToWithdraw', [A, bob.address]);
  });
});

describe('BondManager: slash and payTo', () => {
  it('only SLASHER_ROLE may slash or move bonds', async () => {
    await mined(as(bonds, alice).deposit(A, { value: ONE }));
    await expectRevert(as(bonds, bob).slash(A, alice.address, ONE, bob.address, 0), 'AccessControlUnauthorizedAccount', [bob.address, SLASHER_ROLE]);
    await expectRevert(bonds.slash(A, alice.address, ONE, bob.address, 0), 'AccessControlUnauthorizedAccount', [admin.address, SLASHER_ROLE]);
    await expectRevert(as(bonds, bob).payTo(A, alice.address, bob.address, ONE), 'AccessControlUnauthorizedAccount', [bob.address, SLASHER_ROLE]);
    // The admin can grant the role.
    await mined(bonds.grantRole(SLASHER_ROLE, bob.address));
    await mined(as(bonds, bob).slash(A, alice.address, ONE, ZERO_ADDRESS, 0));
    expect(await bonds.bondOf(A, alice.address)).toBe(0n);
  });

  it('slashes the active bond: reward to rewardTo, the rest to the treasury', async () => {
    await mined(as(bonds, alice).deposit(A, { value: 2n * ONE }));
    const rewardTo = freshAddress();
    const receipt = await mined(as(bonds, slasher).slash(A, alice.address, ONE + ONE / 2n, rewardTo, ONE / 2n));
    recordGas('BondManager.slash', receipt);
    const ev = eventOf(bonds, receipt, 'Slashed');
    expect([ev.args.chainId, ev.args.account, ev.args.amount, ev.args.rewardTo, ev.args.rewardAmount, ev.args.treasuryAmount]).toEqual([
      A,
      alice.address,
      ONE + ONE / 2n,
      rewardTo,
      ONE / 2n,
      ONE,
    ]);
    expect(await balance(rewardTo)).toBe(ONE / 2n);
    expect(await balance(treasury)).toBe(ONE);
    expect(await bonds.bondOf(A, alice.address)).toBe(ONE / 2n);
    expect(await balance(bonds.target as string)).toBe(ONE / 2n);
  });

  it('takes from the active bond first, then from unbonding', async () => {
    await mined(as(bonds, alice).deposit(A, { value: 3n * ONE }));
    await mined(as(bonds, alice).requestWithdrawal(A, 2n * ONE)); // active 1, unbonding 2
    await mined(as(bonds, slasher).slash(A, alice.address, ONE + ONE / 2n, ZERO_ADDRESS, 0));
    expect(await bonds.bondOf(A, alice.address)).toBe(0n);
    expect((await bonds.unbondingOf(A, alice.address))[0]).toBe(ONE + ONE / 2n);
    expect(await balance(treasury)).toBe(ONE + ONE / 2n);
    // What is left of the unbonding entry is still paid after the delay.
    await increaseTime(provider, DELAY);
    const paid = await mined(as(bonds, alice).withdraw(A));
    expect(eventOf(bonds, paid, 'BondWithdrawn').args.amount).toBe(ONE + ONE / 2n);
  });

  it('refuses to slash more than active plus unbonding, a reward above the amount, a reward to nobody, zero', async () => {
    await mined(as(bonds, alice).deposit(A, { value: 2n * ONE }));
    await mined(as(bonds, alice).requestWithdrawal(A, ONE));
    const s = as(bonds, slasher);
    await expectRevert(s.slash(A, alice.address, 2n * ONE + 1n, ZERO_ADDRESS, 0), 'InsufficientBond', [A, alice.address, 2n * ONE, 2n * ONE + 1n]);
    await expectRevert(s.slash(A, alice.address, ONE, bob.address, ONE + 1n), 'RewardExceedsAmount', [ONE, ONE + 1n]);
    await expectRevert(s.slash(A, alice.address, ONE, ZERO_ADDRESS, 1n), 'ZeroAddress', ['rewardTo']);
    await expectRevert(s.slash(A, alice.address, 0, ZERO_ADDRESS, 0), 'ZeroAmount', []);
    // Other chains' bonds are not reachable.
    await expectRevert(s.slash(B, alice.address, ONE, ZERO_ADDRESS, 0), 'InsufficientBond', [B, alice.address, 0n, ONE]);
  });

  it('payTo moves a bond to another account (active first, then unbonding)', async () => {
    await mined(as(bonds, bob).deposit(A, { value: 2n * ONE }));
    await mined(as(bonds, bob).requestWithdrawal(A, ONE)); // active 1, unbonding 1
    const receipt = await mined(as(bonds, slasher).payTo(A, bob.address, alice.address, ONE + ONE / 4n));
    recordGas('BondManager.payTo', receipt);
    const ev = eventOf(bonds, receipt, 'BondTransferred');
    expect([ev.args.chainId, ev.args.from, ev.args.to, ev.args.amount]).toEqual([A, bob.address, alice.address, ONE + ONE / 4n]);
    expect(await bonds.bondOf(A, bob.address)).toBe(0n);
    expect((await bonds.unbondingOf(A, bob.address))[0]).toBe((3n * ONE) / 4n);
    expect(await bonds.bondOf(A, alice.address)).toBe(ONE + ONE / 4n);
    expect(await bonds.isBonded(A, alice.address)).toBe(true);
    // No ETH left the contract.
    expect(await balance(bonds.target as string)).toBe(2n * ONE);
    await expectRevert(as(bonds, slasher).payTo(A, bob.address, alice.address, ONE), 'InsufficientBond', [A, bob.address, (3n * ONE) / 4n, ONE]);
    await expectRevert(as(bonds, slasher).payTo(A, bob.address, ZERO_ADDRESS, 1n), 'ZeroAddress', ['to']);
    await expectRevert(as(bonds, slasher).payTo(A, bob.address, alice.address, 0), 'ZeroAmount', []);
  });
});
