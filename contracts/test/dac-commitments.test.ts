// DacCommitments (Optimistic Governance) on anvil: kept, challenged and lost, slashed; every revert by name, and
// ETH conserved exactly across the members, the contracts and the gas fees.
import type { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { parseEther } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZERO_ADDRESS, eventOf, expectRevert, increaseTime, useAnvil } from './helpers.js';
import { DAC_COMMITMENTS, DAC_TREASURY, EthLedger, PARAMS, STATUS, as, dacWorld, type DacWorld } from './dac-fixture.js';

const env = useAnvil('dac-commitments', { chainId: 901 });
let provider: JsonRpcProvider;
let w: DacWorld;
let founder: Wallet, alice: Wallet, bob: Wallet, carol: Wallet, outsider: Wallet;
let commitments: Contract;
let ledger: EthLedger;
const BOND = PARAMS.bondSize;
const REWARD = parseEther('0.5');

beforeAll(async () => {
  provider = env.provider;
  w = await dacWorld(provider);
  ({ founder, outsider, commitments } = w);
  [alice, bob, carol] = w.members as [Wallet, Wallet, Wallet];
  await (await as(w.treasury, founder).fund(w.dacId, { value: parseEther('2') })).wait();
});

const now = async () => BigInt((await provider.getBlock('latest'))!.timestamp);

async function newLedger(): Promise<EthLedger> {
  return new EthLedger(provider, [founder.address, alice.address, bob.address, carol.address, outsider.address, DAC_COMMITMENTS, DAC_TREASURY]).begin();
}

async function commit(who: Wallet, cid = 'bafydesc', reward = REWARD, bond = BOND): Promise<bigint> {
  const receipt = await ledger.send(as(commitments, who).commit(w.dacId, cid, (await now()) + 86_400n, reward, { value: bond }));
  return eventOf(commitments, receipt, 'Committed').args.id as bigint;
}

const rep = (a: Wallet) => w.reputation.reputationOf(w.dacId, a.address) as Promise<bigint>;

describe('commit', () => {
  it('rejects a double commit of the same description, a small bond, a non-member, a past deadline', async () => {
    ledger = await newLedger();
    const id = await commit(alice);
    const deadline = (await now()) + 86_400n;
    await expectRevert(as(commitments, alice).commit(w.dacId, 'bafydesc', deadline, 0, { value: BOND }), 'AlreadyCommitted', [id]);
    await expectRevert(as(commitments, alice).commit(w.dacId, 'other', deadline, 0, { value: BOND - 1n }), 'BondTooSmall', [BOND - 1n, BOND]);
    await expectRevert(as(commitments, outsider).commit(w.dacId, 'other', deadline, 0, { value: BOND }), 'NotMember', [w.dacId, outsider.address]);
    await expectRevert(as(commitments, alice).commit(w.dacId, 'other', 1n, 0, { value: BOND }), 'DeadlinePassed', [1n]);
    await expectRevert(as(commitments, alice).commitToken(w.dacId, 'other', deadline, 0, BOND), 'NoDacToken', [w.dacId]);
    // another member may commit to the same description
    await commit(bob);
    await ledger.check();
  });
});

describe('a kept commitment', () => {
  it('returns the bond, pays the reward from the treasury and raises the reputation; early resolve and late challenge revert', async () => {
    ledger = await newLedger();
    const before = await rep(alice);
    const id = await commit(alice);
    await expectRevert(as(commitments, alice).resolve(id), 'WrongStatus', [id, STATUS.Open]);
    await expectRevert(as(commitments, bob).deliver(id, 'bafyout'), 'NotCommitter', [id, bob.address]);
    const r = await ledger.send(as(commitments, alice).deliver(id, 'bafyout'));
    const end = eventOf(commitments, r, 'Delivered').args.challengeEnd as bigint;
    await expectRevert(as(commitments, alice).resolve(id), 'TooEarly', [end]);
    await increaseTime(provider, PARAMS.challengeWindow + 1n);
    await expectRevert(as(commitments, bob).challenge(id, { value: BOND }), 'ChallengeWindowClosed', [end]);
    const treasuryBefore = (await w.treasury.balanceOf(w.dacId, ZERO_ADDRESS)) as bigint;
    const res = await ledger.send(as(commitments, carol).resolve(id)); // anyone resolves
    const ev = eventOf(commitments, res, 'Resolved').args;
    expect([ev.kept, ev.winner, ev.toWinner, ev.toTreasury, ev.reward]).toEqual([true, alice.address, BOND, 0n, REWARD]);
    expect(await w.treasury.balanceOf(w.dacId, ZERO_ADDRESS)).toBe(treasuryBefore - REWARD);
    expect(await commitments.owed(alice.address, ZERO_ADDRESS)).toBe(BOND + REWARD);
    expect(await rep(alice)).toBe(before + PARAMS.reputationStep);
    expect((await commitments.commitment(id)).status).toBe(STATUS.Kept);
    await expectRevert(as(commitments, alice).resolve(id), 'WrongStatus', [id, STATUS.Kept]);
    const balance = await provider.getBalance(alice.address);
    const wd = await ledger.send(as(commitments, alice).withdraw(ZERO_ADDRESS));
    expect(await provider.getBalance(alice.address)).toBe(balance + BOND + REWARD - wd.fee);
    await expectRevert(as(commitments, alice).withdraw(ZERO_ADDRESS), 'NothingOwed', [alice.address, ZERO_ADDRESS]);
    // the description is free again
    await commit(alice);
    await ledger.check();
  });

  it('caps the reward at what the treasury holds', async () => {
    ledger = await newLedger();
    const id = await commit(alice, 'big', parseEther('5'));
    await ledger.send(as(commitments, alice).deliver(id, 'bafyout'));
    await increaseTime(provider, PARAMS.challengeWindow + 1n);
    const ev = eventOf(commitments, await ledger.send(as(commitments, alice).resolve(id)), 'Resolved').args;
    expect(ev.reward).toBe(parseEther('2'));
    expect(await w.treasury.balanceOf(w.dacId, ZERO_ADDRESS)).toBe(0n);
    await ledger.check();
  });
});

describe('a challenged commitment', () => {
  async function challenged(): Promise<{ id: bigint; voteEnd: bigint }> {
    const id = await commit(alice);
    await ledger.send(as(commitments, alice).deliver(id, 'bafyout'));
    await expectRevert(as(commitments, alice).challenge(id, { value: BOND }), 'SelfChallenge', [id]);
    await expectRevert(as(commitments, outsider).challenge(id, { value: BOND }), 'NotMember', [w.dacId, outsider.address]);
    await expectRevert(as(commitments, bob).challenge(id, { value: BOND - 1n }), 'WrongCounterBond', [BOND - 1n, BOND]);
    const r = await ledger.send(as(commitments, bob).challenge(id, { value: BOND }));
    return { id, voteEnd: eventOf(commitments, r, 'Challenged').args.voteEnd as bigint };
  }

  it('lost: half of the bond to the challenger, half to the treasury; reputations move; vote rules enforced', async () => {
    ledger = await newLedger();
    const [ra, rb] = [await rep(alice), await rep(bob)];
    const { id, voteEnd } = await challenged();
    await expectRevert(as(commitments, outsider).vote(id, true), 'NotMember', [w.dacId, outsider.address]);
    await ledger.send(as(commitments, carol).vote(id, false));
    await expectRevert(as(commitments, carol).vote(id, true), 'AlreadyVoted', [id, carol.address]);
    await ledger.send(as(commitments, founder).vote(id, false));
    await ledger.send(as(commitments, alice).vote(id, true));
    await expectRevert(as(commitments, bob).resolve(id), 'TooEarly', [voteEnd]);
    await increaseTime(provider, PARAMS.voteWindow + 1n);
    await expectRevert(as(commitments, bob).vote(id, false), 'VoteClosed', [voteEnd]);
    const treasuryBefore = (await w.treasury.balanceOf(w.dacId, ZERO_ADDRESS)) as bigint;
    const ev = eventOf(commitments, await ledger.send(as(commitments, outsider).resolve(id)), 'Resolved').args;
    expect([ev.kept, ev.winner, ev.toWinner, ev.toTreasury, ev.reward]).toEqual([false, bob.address, BOND + BOND / 2n, BOND / 2n, 0n]);
    expect(await w.treasury.balanceOf(w.dacId, ZERO_ADDRESS)).toBe(treasuryBefore + BOND / 2n);
    expect(await commitments.owed(bob.address, ZERO_ADDRESS)).toBe(BOND + BOND / 2n);
    expect(await commitments.owed(alice.address, ZERO_ADDRESS)).toBe(0n);
    expect(await rep(alice)).toBe(ra - PARAMS.reputationStep);
    expect(await rep(bob)).toBe(rb + PARAMS.reputationStep);
    expect((await commitments.commitment(id)).status).toBe(STATUS.Failed);
    await ledger.send(as(commitments, bob).withdraw(ZERO_ADDRESS));
    expect(await provider.getBalance(DAC_COMMITMENTS)).toBe(0n);
    await ledger.check();
  });

  it('won by the committer: the challenger loses, reward paid', async () => {
    ledger = await newLedger();
    const [ra, rb] = [await rep(alice), await rep(bob)];
    const { id } = await challenged();
    await ledger.send(as(commitments, carol).vote(id, true));
    await increaseTime(provider, PARAMS.voteWindow + 1n);
    const ev = eventOf(commitments, await ledger.send(as(commitments, alice).resolve(id)), 'Resolved').args;
    expect([ev.kept, ev.winner, ev.toWinner, ev.toTreasury, ev.reward]).toEqual([true, alice.address, BOND + BOND / 2n, BOND / 2n, REWARD]);
    expect(await rep(alice)).toBe(ra + PARAMS.reputationStep);
    expect(await rep(bob)).toBe(rb - PARAMS.reputationStep);
    await ledger.send(as(commitments, alice).withdraw(ZERO_ADDRESS));
    await ledger.check();
  });

  it('a member without reputation at the snapshot cannot vote', async () => {
    ledger = await newLedger();
    const { id } = await challenged();
    const dave = outsider;
    await ledger.send(as(w.registry, founder).invite(w.dacId, dave.address));
    await ledger.send(as(w.registry, dave).join(w.dacId));
    await expectRevert(as(commitments, dave).vote(id, true), 'NoVotingPower', [id, dave.address]);
    await ledger.check();
  });
});

describe('a member who left', () => {
  it('still gets the bond and reward of a kept commitment but no reputation (the total stays that of the members)', async () => {
    ledger = await newLedger();
    const id = await commit(alice);
    await ledger.send(as(commitments, alice).deliver(id, 'bafyout'));
    await ledger.send(as(w.registry, alice).leave(w.dacId));
    const total = (await w.reputation.totalReputation(w.dacId)) as bigint;
    await increaseTime(provider, PARAMS.challengeWindow + 1n);
    await ledger.send(as(commitments, bob).resolve(id));
    expect(await rep(alice)).toBe(0n);
    expect(await w.reputation.totalReputation(w.dacId)).toBe(total);
    expect(await commitments.owed(alice.address, ZERO_ADDRESS)).toBe(BOND + REWARD);
    await ledger.send(as(commitments, alice).withdraw(ZERO_ADDRESS));
    await ledger.check();
  });
});

describe('a missed deadline', () => {
  it('is slashed by a third party: bond to the treasury, reputation down; early slash and late delivery revert', async () => {
    ledger = await newLedger();
    const before = await rep(alice);
    const id = await commit(alice);
    const { deadline } = await commitments.commitment(id);
    await expectRevert(as(commitments, outsider).slash(id), 'DeadlineNotPassed', [deadline]);
    await increaseTime(provider, 86_401);
    await expectRevert(as(commitments, alice).deliver(id, 'late'), 'DeadlinePassed', [deadline]);
    const treasuryBefore = (await w.treasury.balanceOf(w.dacId, ZERO_ADDRESS)) as bigint;
    const r = await ledger.send(as(commitments, outsider).slash(id));
    expect(eventOf(commitments, r, 'Slashed').args.by).toBe(outsider.address);
    expect(await w.treasury.balanceOf(w.dacId, ZERO_ADDRESS)).toBe(treasuryBefore + BOND);
    expect(await rep(alice)).toBe(before - PARAMS.reputationStep);
    expect((await commitments.commitment(id)).status).toBe(STATUS.Slashed);
    await expectRevert(as(commitments, outsider).slash(id), 'WrongStatus', [id, STATUS.Slashed]);
    expect(await provider.getBalance(DAC_COMMITMENTS)).toBe(0n);
    await ledger.check();
  });

  it('only the treasury may send ETH to the commitments contract', async () => {
    await expectRevert(founder.sendTransaction({ to: DAC_COMMITMENTS, value: 1n }), 'Unauthorized', [founder.address]);
  });
});
