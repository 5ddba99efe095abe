// The DAC helpers against a real anvil with the six DAC predeploys placed by anvil_setCode, exactly like
// contracts/test/dac-fixture.ts (no token factory here: the chain of a `dac()` plugin without `token()`).
import { JsonRpcProvider, Wallet, ZeroAddress, parseEther, toBeHex } from 'ethers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREDEPLOYS } from '@metis/contracts';
import { isSdkError } from '../errors.js';
import { commit, challenge, deliver, resolveCommitment, slashCommitment, voteOnCommitment, withdrawOwed } from './commitments.js';
import { assertDacPredeploys, assertDacTokenFactory } from './contracts.js';
import { createDac, inviteMember, joinDac, leaveDac } from './membership.js';
import type { DacParams } from './params.js';
import { isDacRevert } from './send.js';
import { fundTreasury } from './treasury.js';
import { failure, startDacChain, TEST_PARAMS, type DacChain } from './testing/dac-chain.js';
import { commitmentInfo, dacInfo, dacTokenInfo, openCommitments } from './views.js';

const PARAMS: DacParams = TEST_PARAMS;
const BOND = PARAMS.bondSize;

let chain: DacChain;
let provider: JsonRpcProvider;
let founder: Wallet, alice: Wallet, bob: Wallet, carol: Wallet, outsider: Wallet;
let dacId: bigint;
let snap = '';

const funded = (): Promise<Wallet> => chain.funded();
const advance = (seconds: bigint): Promise<void> => chain.advance(seconds);
const now = async (): Promise<bigint> => BigInt((await provider.getBlock('latest'))!.timestamp);
const reputationOf = async (address: string): Promise<bigint> => (await dacInfo(provider, dacId)).members.find((m) => m.address === address)!.reputation;

beforeAll(async () => {
  chain = await startDacChain({ chainId: 902, members: 3 });
  ({ provider, founder, outsider, dacId } = chain);
  [alice, bob, carol] = chain.members as [Wallet, Wallet, Wallet];
});

afterAll(async () => {
  await chain?.stop();
});

beforeEach(async () => {
  snap = await provider.send('evm_snapshot', []);
});
afterEach(async () => {
  await provider.send('evm_revert', [snap]);
});

describe('membership', () => {
  it('creates a DAC, invites and admits members, and reads it back by name and id', async () => {
    expect(dacId).toBe(1n);
    const info = await dacInfo(provider, 'acme');
    expect(info).toMatchObject({ id: 1n, name: 'acme', charterCid: 'bafycharter', founder: founder.address, params: PARAMS, memberCount: 4n, totalReputation: 400n });
    expect(info.treasury).toEqual({ eth: 0n });
    expect(info.token).toBeUndefined();
    expect(info.members.map((m) => m.address).sort()).toEqual([founder, alice, bob, carol].map((w) => w.address).sort());
    const f = info.members.find((m) => m.address === founder.address)!;
    expect(f).toEqual({ address: founder.address, reputation: 100n, roles: ['FOUNDER'], attributes: [] });
    expect(info.members.find((m) => m.address === alice.address)!.roles).toEqual([]);
    expect((await dacInfo(provider, 1n)).name).toBe('acme');
    expect((await dacInfo(provider, '1')).name).toBe('acme');

    const second = await createDac(outsider, { name: 'beta', charterCid: 'bafybeta' });
    expect(second.dacId).toBe(2n);
    expect((await dacInfo(provider, 'beta')).params.bondSize).toBe(parseEther('0.1'));
  });

  it('leaves a DAC; invitations and creation fail with the error named', async () => {
    await leaveDac(carol, { dacId });
    const info = await dacInfo(provider, dacId);
    expect(info.memberCount).toBe(3n);
    expect(info.totalReputation).toBe(300n);

    const notInviter = await failure(inviteMember(alice, { dacId, account: outsider.address }));
    expect(isDacRevert(notInviter, 'NotInviter')).toBe(true);
    expect(notInviter.message).toMatch(/DacRegistry\.invite failed: NotInviter\(1, 0x[0-9a-fA-F]{40}\): only a member with the FOUNDER or INVITER role may invite/);
    const notInvited = await failure(joinDac(outsider, { dacId }));
    expect(isDacRevert(notInvited, 'NotInvited')).toBe(true);
    const taken = await failure(createDac(outsider, { name: 'acme', charterCid: 'bafy' }));
    expect(taken.message).toMatch(/NameTaken\("acme"\): a DAC with this name exists already/);
    await expect(dacInfo(provider, 'nope')).rejects.toSatisfy((e) => isSdkError(e, 'NOT_FOUND'));
    await expect(dacInfo(provider, 7n)).rejects.toSatisfy((e) => isSdkError(e, 'NOT_FOUND'));
  });

  it('refuses bad input before sending anything', async () => {
    const before = await provider.getTransactionCount(founder.address);
    for (const p of [
      createDac(founder, { name: '', charterCid: 'bafy' }),
      createDac(founder, { name: 'x', charterCid: 'c'.repeat(129) }),
      createDac(founder, { name: 'x', charterCid: 'bafy', params: { quorumBps: 10_001n } }),
      createDac(founder, { name: 'x', charterCid: 'bafy', params: { challengeWindow: 0n } }),
      inviteMember(founder, { dacId, account: '0x1234' }),
      inviteMember(founder, { dacId: 0n, account: alice.address }),
      commit(founder, { dacId, descriptionCid: 'bafy', deadline: -1n }),
      voteOnCommitment(founder, { commitmentId: 1n, kept: 'yes' as never }),
    ]) {
      await expect(p).rejects.toSatisfy((e) => isSdkError(e, 'INVALID_ARGUMENT'));
    }
    expect(await provider.getTransactionCount(founder.address)).toBe(before);
  });
});

describe('commitments', () => {
  it('a kept commitment: delivered, unchallenged, resolved; bond and reward withdrawn, reputation up', async () => {
    await fundTreasury(founder, { dacId, amount: parseEther('2') });
    const deadline = (await now()) + 86_400n;
    const c = await commit(alice, { dacId, descriptionCid: 'bafywork', deadline, reward: parseEther('0.5') });
    expect(c).toMatchObject({ commitmentId: 1n, bond: BOND, token: ZeroAddress, deadline });
    expect(await commitmentInfo(provider, c.commitmentId)).toMatchObject({ status: 'Open', member: alice.address, bond: BOND, reward: parseEther('0.5'), deadline, descriptionCid: 'bafywork' });
    expect((await openCommitments(provider, dacId)).map((x) => x.id)).toEqual([1n]);

    const d = await deliver(alice, { commitmentId: c.commitmentId, deliverableCid: 'bafydone' });
    const delivered = await commitmentInfo(provider, c.commitmentId);
    expect(delivered).toMatchObject({ status: 'Delivered', deliverableCid: 'bafydone', challengeEnd: d.challengeEnd });
    expect(d.challengeEnd).toBe(BigInt((await provider.getBlock(d.receipt.blockNumber))!.timestamp) + PARAMS.challengeWindow);

    const early = await failure(resolveCommitment(bob, { commitmentId: c.commitmentId }));
    expect(isDacRevert(early, 'TooEarly')).toBe(true);
    expect(early.message).toContain('not before');

    await advance(PARAMS.challengeWindow + 1n);
    const r = await resolveCommitment(bob, { commitmentId: c.commitmentId });
    expect(r).toMatchObject({ kept: true, winner: alice.address, toWinner: BOND, toTreasury: 0n, reward: parseEther('0.5') });
    expect((await commitmentInfo(provider, c.commitmentId)).status).toBe('Kept');
    expect(await openCommitments(provider, dacId)).toEqual([]);
    expect(await reputationOf(alice.address)).toBe(110n);
    expect((await dacInfo(provider, dacId)).treasury.eth).toBe(parseEther('1.5'));

    const balance = await provider.getBalance(alice.address);
    const w = await withdrawOwed(alice);
    expect(w.total).toBe(BOND + parseEther('0.5'));
    expect(w.withdrawals).toEqual([{ source: 'commitments', token: ZeroAddress, amount: BOND + parseEther('0.5'), txHash: expect.any(String) }]);
    const fee = (await provider.getTransactionReceipt(w.withdrawals[0]!.txHash))!.fee;
    expect((await provider.getBalance(alice.address)) - balance + fee).toBe(w.total);
    expect(await withdrawOwed(alice)).toEqual({ withdrawals: [], total: 0n });
  });

  it('a challenged commitment decided by the votes: the challenger wins half the bond; a non-member vote is refused by name', async () => {
    const c = await commit(alice, { dacId, descriptionCid: 'bafywork', deadline: (await now()) + 86_400n });
    await deliver(alice, { commitmentId: c.commitmentId, deliverableCid: 'bafydone' });
    const self = await failure(challenge(alice, { commitmentId: c.commitmentId }));
    expect(isDacRevert(self, 'SelfChallenge')).toBe(true);
    const ch = await challenge(bob, { commitmentId: c.commitmentId });
    expect(ch).toMatchObject({ bond: BOND, token: ZeroAddress });
    expect(await commitmentInfo(provider, c.commitmentId)).toMatchObject({ status: 'Challenged', challenger: bob.address, voteEnd: ch.voteEnd });

    const stranger = await failure(voteOnCommitment(outsider, { commitmentId: c.commitmentId, kept: true }));
    expect(isSdkError(stranger, 'TX_FAILED')).toBe(true);
    expect(isDacRevert(stranger, 'NotMember')).toBe(true);
    expect(stranger.message).toBe(`L2 transaction DacCommitments.vote failed: NotMember(1, ${outsider.address}): the account is not a member of this DAC`);

    expect((await voteOnCommitment(founder, { commitmentId: c.commitmentId, kept: false })).weight).toBe(100n);
    await voteOnCommitment(carol, { commitmentId: c.commitmentId, kept: false });
    await voteOnCommitment(alice, { commitmentId: c.commitmentId, kept: true });
    expect(isDacRevert(await failure(voteOnCommitment(carol, { commitmentId: c.commitmentId, kept: false })), 'AlreadyVoted')).toBe(true);
    expect(await commitmentInfo(provider, c.commitmentId)).toMatchObject({ votesKept: 100n, votesFailed: 200n });

    await advance(PARAMS.voteWindow + 1n);
    const r = await resolveCommitment(founder, { commitmentId: c.commitmentId });
    expect(r).toMatchObject({ kept: false, winner: bob.address, toWinner: BOND + BOND / 2n, toTreasury: BOND / 2n, reward: 0n });
    expect((await commitmentInfo(provider, c.commitmentId)).status).toBe('Failed');
    expect(await reputationOf(alice.address)).toBe(90n);
    expect(await reputationOf(bob.address)).toBe(110n);
    expect((await dacInfo(provider, dacId)).treasury.eth).toBe(BOND / 2n);
    expect((await withdrawOwed(bob, { token: 'ETH' })).total).toBe(BOND + BOND / 2n);
  });

  it('slashes an undelivered commitment after its deadline', async () => {
    const deadline = (await now()) + 100n;
    const c = await commit(alice, { dacId, descriptionCid: 'bafylate', deadline });
    const early = await failure(slashCommitment(bob, { commitmentId: c.commitmentId }));
    expect(isDacRevert(early, 'DeadlineNotPassed')).toBe(true);
    await advance(101n);
    const late = await failure(deliver(alice, { commitmentId: c.commitmentId, deliverableCid: 'bafy' }));
    expect(isDacRevert(late, 'DeadlinePassed')).toBe(true);
    expect((await slashCommitment(outsider, { commitmentId: c.commitmentId })).bond).toBe(BOND);
    expect((await commitmentInfo(provider, c.commitmentId)).status).toBe('Slashed');
    expect(await reputationOf(alice.address)).toBe(90n);
    expect((await dacInfo(provider, dacId)).treasury.eth).toBe(BOND);
    expect(isDacRevert(await failure(slashCommitment(bob, { commitmentId: c.commitmentId })), 'WrongStatus')).toBe(true);
    await expect(commitmentInfo(provider, 99n)).rejects.toSatisfy((e) => isSdkError(e, 'NOT_FOUND'));
  });
});

describe('missing predeploys', () => {
  it('names the missing plugin: dac() for the DAC contracts, token() for the factory', async () => {
    await expect(assertDacPredeploys(provider)).resolves.toBeUndefined();
    const noFactory = await failure(assertDacTokenFactory(provider));
    expect(isSdkError(noFactory, 'NOT_FOUND')).toBe(true);
    expect(noFactory.message).toMatch(/token\(\) plugin/);
    expect(await dacTokenInfo(provider, dacId)).toBeNull();
    const noToken = await failure(commit(alice, { dacId, descriptionCid: 'bafy', deadline: (await now()) + 1000n, token: true }));
    expect(isSdkError(noToken, 'NOT_FOUND')).toBe(true);

    await provider.send('anvil_setCode', [PREDEPLOYS.DAC_REGISTRY, '0x']);
    for (const p of [assertDacPredeploys(provider), createDac(founder, { name: 'x', charterCid: 'bafy' }), dacInfo(provider, 1n)]) {
      const e = await failure(p);
      expect(isSdkError(e, 'NOT_FOUND'), e.message).toBe(true);
      expect(e.message).toMatch(/built without the dac\(\) plugin/);
    }
  });
});
