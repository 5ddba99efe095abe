import type { Contract, JsonRpcProvider, TransactionReceipt, Wallet } from 'ethers';
import { ContractFactory, id, parseEther, verifyTypedData } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import {
  ATTESTATION_TYPES,
  ZERO_ADDRESS,
  attestationOf,
  chainConfig,
  deployContract,
  eventOf,
  eventsOf,
  expectRevert,
  freshAddress,
  fundedWallet,
  headerHash,
  increaseTime,
  label,
  mineAt,
  mined,
  nextBlockAt,
  recordGas,
  useAnvil,
  type Attestation,
} from './helpers.js';
import {
  CHALLENGE_BOND,
  MIN_BOND,
  ONE,
  PROPOSER_BOND,
  R,
  STAKE,
  UNBONDING,
  VOTE,
  WINDOW,
  appendR,
  as,
  hR,
  newKey,
  setupRangers,
  sigs,
  timestampOf,
  type Ranger,
  type RangersEnv,
} from './rangers-fixture.js';

const STATUS = { None: 0n, Open: 1n, Expired: 2n, Stale: 3n } as const;
const VERDICT = { None: 0n, Upheld: 1n, Expired: 2n } as const;

let provider: JsonRpcProvider;
let env: RangersEnv;
let disputes: Contract;
let inbox: Contract;
let bonds: Contract;
let registry: Contract;
let admin: Wallet;
let proposer: Wallet;
let challenger: Wallet;
let rangers: Ranger[];

const anvil = useAnvil('rangers-disputes');

/** Opens a dispute of batch i by `by`; returns the receipt and the deadline. */
async function open(i: number, by: Wallet = challenger): Promise<{ receipt: TransactionReceipt; deadline: number }> {
  const receipt = await mined(as(disputes, by).challenge(hR(i), { value: CHALLENGE_BOND }));
  return { receipt, deadline: (await timestampOf(provider, receipt)) + VOTE };
}

/** A vote of `who` on the output `fields` (the header's own output by default) of batch i. */
const vote = async (i: number, who: readonly Ranger[], fields: Partial<Attestation> = {}) => {
  const a = attestationOf(hR(i), fields);
  return disputes.resolve(hR(i), a, await sigs(env, who, a));
};
const WRONG = { newStateRoot: label('the real root') };

beforeAll(async () => {
  ({ provider } = anvil);
  env = await setupRangers(provider);
  ({ disputes, inbox, bonds, registry, admin, proposer, rangers } = env);
  challenger = await fundedWallet(provider, '100');
  await increaseTime(provider, 10);
});

describe('RangerDisputes: deployment', () => {
  it('is wired to the inbox, the ranger registry and the BondManager, and holds its roles', async () => {
    expect(await disputes.inbox()).toBe(inbox.target);
    expect(await disputes.rangerRegistry()).toBe(registry.target);
    expect(await disputes.chainRegistry()).toBe(env.chains.target);
    expect(await disputes.bonds()).toBe(bonds.target);
    expect(await disputes.voteWindow()).toBe(BigInt(VOTE));
    expect(await disputes.minChallengeBond()).toBe(CHALLENGE_BOND);
    expect(await disputes.REWARD_DIVISOR()).toBe(2n);
    expect(await inbox.hasRole(id('CHALLENGER_ROLE'), disputes.target)).toBe(true);
    expect(await bonds.hasRole(id('SLASHER_ROLE'), disputes.target)).toBe(true);
    expect(await registry.hasRole(id('SLASHER_ROLE'), disputes.target)).toBe(true);
  });

  it('refuses zero addresses, a zero vote window and a ranger registry of another chain registry', async () => {
    const { abi, bytecode } = loadArtifact('RangerDisputes');
    const factory = new ContractFactory(abi as never, bytecode, admin);
    await expectRevert(factory.deploy(ZERO_ADDRESS, registry.target, VOTE, 1), 'ZeroAddress', ['inbox']);
    await expectRevert(factory.deploy(inbox.target, ZERO_ADDRESS, VOTE, 1), 'ZeroAddress', ['rangerRegistry']);
    await expectRevert(factory.deploy(inbox.target, registry.target, 0, 1), 'ZeroVoteWindow', []);
    const otherChains = await deployContract(admin, 'ChainRegistry');
    const stray = await deployContract(admin, 'RangerRegistry', [otherChains.target, admin.address]);
    await expectRevert(factory.deploy(inbox.target, stray.target, VOTE, 1), 'InconsistentWiring', []);
  });

  it('accepts ETH only from the BondManager', async () => {
    await expectRevert(admin.sendTransaction({ to: disputes.target, value: 1n }), 'UnexpectedEther', [admin.address]);
  });
});

describe('RangerDisputes: challenges', () => {
  it('locks the batch and records the dispute', async () => {
    const appended = await appendR(env, 0);
    const appendedAt = await timestampOf(provider, appended);
    const { receipt, deadline } = await open(0);
    recordGas('RangerDisputes.challenge', receipt);
    const hash = headerHash(hR(0));
    expect([...eventOf(disputes, receipt, 'DisputeOpened').args]).toEqual([R, 0n, challenger.address, hash, CHALLENGE_BOND, BigInt(deadline)]);
    expect(eventOf(inbox, receipt, 'BatchLocked').args.locks).toBe(1n);
    expect((await disputes.getDispute(R, 0)).toObject()).toEqual({
      challenger: challenger.address,
      deadline: BigInt(deadline),
      appendedAt: BigInt(appendedAt),
      headerHash: hash,
      bond: CHALLENGE_BOND,
    });
    expect([...(await disputes.disputeStatus(R, 0))]).toEqual([STATUS.Open, BigInt(deadline)]);
    expect(await disputes.isDisputed(R, 0, hash)).toBe(true);
    expect(await provider.getBalance(disputes.target)).toBe(CHALLENGE_BOND);
    await expectRevert(open(0), 'DisputeAlreadyOpen', [R, 0, deadline]);
  });

  it('refuses a small bond, a missing batch, another header, a closed window, a certified batch', async () => {
    await expectRevert(disputes.challenge(hR(0), { value: CHALLENGE_BOND - 1n }), 'BondTooSmall', [CHALLENGE_BOND, CHALLENGE_BOND - 1n]);
    await expectRevert(open(0), 'BatchNotFound', [R, 0]);
    const appended = await appendR(env, 0);
    const wrong = hR(0, { dataHash: label('x') });
    await expectRevert(disputes.challenge(wrong, { value: CHALLENGE_BOND }), 'WrongHeader', [R, 0, headerHash(hR(0)), headerHash(wrong)]);
    await appendR(env, 1);
    await mined(env.certifier.submitCertificate(hR(0), await sigs(env, rangers, attestationOf(hR(0)))));
    await expectRevert(open(0), 'BatchAlreadyFinal', [R, 0]);
    const closesAt = (await timestampOf(provider, appended)) + WINDOW;
    await mineAt(provider, closesAt + 5);
    await expectRevert(open(1), 'ChallengeWindowClosed', [R, 1, BigInt((await inbox.getBatch(R, 1)).appendedAt) + BigInt(WINDOW)]);
  });

  it('refuses a chain without ranger stake at the batch snapshot', async () => {
    const N = 915n;
    await mined(env.chains.registerChain(N, chainConfig({ owner: admin.address, proposer: proposer.address }, { genesisStateRoot: label('n') })));
    await mined(as(bonds, proposer).deposit(N, { value: MIN_BOND }));
    const h = { ...hR(0), chainId: N, prevStateRoot: label('n') };
    await mined(as(inbox, proposer).appendBatch(h));
    await expectRevert(disputes.challenge(h, { value: CHALLENGE_BOND }), 'NoCommittee', [N, 0]);
  });
});

describe('RangerDisputes: resolved by a vote', () => {
  it('the quorum agrees with the header: the bond goes to the proposer, the batch is unlocked and cannot be disputed again', async () => {
    await appendR(env, 0);
    await open(0);
    const r = await mined(vote(0, rangers.slice(0, 3)));
    recordGas('RangerDisputes.resolve (3 of 4 signatures, challenger wrong)', r);
    const h = hR(0);
    expect([...eventOf(disputes, r, 'DisputeResolved').args]).toEqual([R, 0n, headerHash(h), true, h.newStateRoot, h.withdrawalRoot, 0n, 0n]);
    expect([...eventOf(disputes, r, 'Credited').args]).toEqual([proposer.address, CHALLENGE_BOND, CHALLENGE_BOND]);
    expect(eventOf(inbox, r, 'BatchUnlocked').args.locks).toBe(0n);
    expect(await disputes.verdictOf(headerHash(h))).toBe(VERDICT.Upheld);
    expect(await disputes.isDisputed(R, 0, headerHash(h))).toBe(false);
    expect([...(await disputes.disputeStatus(R, 0))]).toEqual([STATUS.None, 0n]);
    await expectRevert(open(0), 'AlreadyDisputed', [R, 0, VERDICT.Upheld]);
    // It may be certified now, and the proposer withdraws the bond.
    await mined(env.certifier.submitCertificate(h, await sigs(env, rangers, attestationOf(h))));
    const before = await provider.getBalance(proposer.address);
    const w = await mined(as(disputes, proposer).withdraw());
    expect([...eventOf(disputes, w, 'Withdrawn').args]).toEqual([proposer.address, proposer.address, CHALLENGE_BOND]);
    expect(await provider.getBalance(proposer.address)).toBe(before + CHALLENGE_BOND - w.fee);
  });

  it('the quorum signs another output: batches removed, the proposer slashed by minBond, half to the challenger', async () => {
    for (const i of [0, 1, 2]) await appendR(env, i);
    await open(1);
    const treasury0 = await provider.getBalance(env.treasury);
    const r = await mined(vote(1, rangers.slice(1), WRONG));
    recordGas('RangerDisputes.resolve (3 of 4 signatures, proposer wrong)', r);
    const half = MIN_BOND / 2n;
    expect([...eventOf(disputes, r, 'DisputeResolved').args]).toEqual([R, 1n, headerHash(hR(1)), false, WRONG.newStateRoot, hR(1).withdrawalRoot, MIN_BOND, half]);
    expect([...eventOf(inbox, r, 'BatchesRemoved').args]).toEqual([R, 1n, 3n]);
    expect([...eventOf(bonds, r, 'Slashed').args]).toEqual([R, proposer.address, MIN_BOND, disputes.target, half, MIN_BOND - half]);
    expect(await inbox.nextBatchIndex(R)).toBe(1n);
    expect(await bonds.bondOf(R, proposer.address)).toBe(PROPOSER_BOND - MIN_BOND);
    expect(await provider.getBalance(env.treasury)).toBe(treasury0 + MIN_BOND - half);
    expect(await disputes.balanceOf(challenger.address)).toBe(CHALLENGE_BOND + half);
    expect(await disputes.balanceOf(proposer.address)).toBe(0n);
    expect(await provider.getBalance(disputes.target)).toBe(CHALLENGE_BOND + half);
    expect(await disputes.verdictOf(headerHash(hR(1)))).toBe(VERDICT.None);

    const to = freshAddress();
    await expectRevert(as(disputes, challenger).withdrawTo(ZERO_ADDRESS), 'ZeroAddress', ['to']);
    await mined(as(disputes, challenger).withdrawTo(to));
    expect(await provider.getBalance(to)).toBe(CHALLENGE_BOND + half);
    await expectRevert(as(disputes, challenger).withdraw(), 'NoBalance', [challenger.address]);
    // The chain goes on from batch 0.
    await appendR(env, 1, { newStateRoot: label('fixed') });
  });

  it('slashes the unbonding bond too, and no more than the proposer has', async () => {
    // The proposer keeps 1.5 ETH: the first slash takes 1 (minBond), the second the 0.5 left.
    await mined(as(bonds, proposer).requestWithdrawal(R, parseEther('1.5')));
    await increaseTime(provider, UNBONDING);
    await mined(as(bonds, proposer).withdraw(R));
    await appendR(env, 0);
    await appendR(env, 1);
    await mined(as(bonds, proposer).requestWithdrawal(R, parseEther('1.5'))); // all of it unbonding now
    await open(0);
    await open(1);
    const r1 = await mined(vote(1, rangers, WRONG));
    expect(eventOf(disputes, r1, 'DisputeResolved').args.slashed).toBe(MIN_BOND);
    expect([...(await bonds.unbondingOf(R, proposer.address))][0]).toBe(parseEther('0.5'));
    const r0 = await mined(vote(0, rangers, WRONG));
    const e = eventOf(disputes, r0, 'DisputeResolved');
    expect([e.args.slashed, e.args.reward]).toEqual([parseEther('0.5'), parseEther('0.25')]);
    expect([...(await bonds.unbondingOf(R, proposer.address))][0]).toBe(0n);
    expect(await disputes.balanceOf(challenger.address)).toBe(2n * CHALLENGE_BOND + parseEther('0.75'));
  });

  it('refuses a vote on no dispute, on another header, on another input, without quorum, or after the deadline', async () => {
    await appendR(env, 0);
    await expectRevert(vote(0, rangers), 'NoOpenDispute', [R, 0]);
    const { deadline } = await open(0);
    const h = hR(0);
    const other = hR(0, { newStateRoot: label('other') });
    const a = attestationOf(h);
    await expectRevert(disputes.resolve(other, a, await sigs(env, rangers, a)), 'WrongHeader', [R, 0, headerHash(h), headerHash(other)]);
    for (const fields of [{ prevStateRoot: label('p') }, { dataHash: label('d') }, { batchIndex: 1 }, { chainId: R + 1n }]) {
      await expectRevert(vote(0, rangers, fields), 'AttestationInputMismatch', [R, 0]);
    }
    // Split: two for the header, two for another root; neither side has two thirds.
    await expectRevert(vote(0, rangers.slice(0, 2)), 'InsufficientQuorum', [2n * STAKE, 4n * STAKE]);
    await expectRevert(vote(0, rangers.slice(2), WRONG), 'InsufficientQuorum', [2n * STAKE, 4n * STAKE]);
    const stranger = newKey();
    const withStranger = await Promise.all(
      [...rangers.slice(0, 3).map((r) => r.signer), stranger]
        .sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1))
        .map((w) => w.signTypedData(env.domain, ATTESTATION_TYPES, a)),
    );
    await expectRevert(disputes.resolve(h, a, withStranger), 'UnknownSigner', [stranger.address]);
    const sorted = await sigs(env, rangers, a);
    await expectRevert(disputes.resolve(h, a, [sorted[1], sorted[0], sorted[2]]), 'SignersNotSorted', [1n]);
    await expectRevert(disputes.resolve(h, a, [sorted[0], sorted[0], sorted[2]]), 'DuplicateSigner', [
      verifyTypedData(env.domain, ATTESTATION_TYPES, a, sorted[0]!),
    ]);
    await mineAt(provider, deadline + 1);
    await expectRevert(vote(0, rangers), 'VoteWindowClosed', [R, 0, deadline]);
  });

  it('a vote mined exactly at the deadline counts', async () => {
    await appendR(env, 0);
    const { deadline } = await open(0);
    const a = attestationOf(hR(0));
    const signed = await sigs(env, rangers, a);
    await nextBlockAt(provider, deadline);
    const r = await mined(disputes.resolve(hR(0), a, signed, { gasLimit: 1_000_000 }));
    expect(await timestampOf(provider, r)).toBe(deadline);
    expect(eventOf(disputes, r, 'DisputeResolved').args.batchValid).toBe(true);
  });
});

describe('RangerDisputes: no quorum in time', () => {
  it('expire returns the bond, unlocks the batch, which is then never certified but finalizes by its window', async () => {
    const appended = await appendR(env, 0);
    const appendedAt = await timestampOf(provider, appended);
    const { deadline } = await open(0);
    const h = hR(0);
    const hash = headerHash(h);
    await expectRevert(disputes.expire(R, 0), 'VoteWindowOpen', [R, 0, deadline]);
    const atDeadline = await mineAt(provider, deadline);
    await expectRevert(disputes.expire.staticCall(R, 0, { blockTag: atDeadline }), 'VoteWindowOpen', [R, 0, deadline]);
    await mineAt(provider, deadline + 1);
    expect([...(await disputes.disputeStatus(R, 0))]).toEqual([STATUS.Expired, BigInt(deadline)]);
    await expectRevert(vote(0, rangers), 'VoteWindowClosed', [R, 0, deadline]);

    const r = await mined(as(disputes, admin).expire(R, 0));
    recordGas('RangerDisputes.expire', r);
    expect([...eventOf(disputes, r, 'DisputeExpired').args]).toEqual([R, 0n, hash, challenger.address, CHALLENGE_BOND]);
    expect([...eventOf(disputes, r, 'Credited').args]).toEqual([challenger.address, CHALLENGE_BOND, CHALLENGE_BOND]);
    expect(eventOf(inbox, r, 'BatchUnlocked').args.locks).toBe(0n);
    expect(await disputes.verdictOf(hash)).toBe(VERDICT.Expired);
    expect(await disputes.isDisputed(R, 0, hash)).toBe(true);
    expect([...(await disputes.disputeStatus(R, 0))]).toEqual([STATUS.None, 0n]);
    await expectRevert(disputes.expire(R, 0), 'NoOpenDispute', [R, 0]);
    await expectRevert(open(0), 'AlreadyDisputed', [R, 0, VERDICT.Expired]);
    await expectRevert(env.certifier.submitCertificate(h, await sigs(env, rangers, attestationOf(h))), 'BatchChallenged', [R, 0]);

    expect(await inbox.isFinalized(R, 0)).toBe(false);
    await mineAt(provider, appendedAt + WINDOW);
    expect(await inbox.isFinalized(R, 0)).toBe(true);
    await expectRevert(env.certifier.submitCertificate(h, await sigs(env, rangers, attestationOf(h))), 'BatchAlreadyFinal', [R, 0]);
  });
});

describe('RangerDisputes: stale disputes', () => {
  it('a dispute whose batch was removed is refunded, by refund or by a new challenge of its slot', async () => {
    for (const i of [0, 1, 2]) await appendR(env, i);
    await open(1);
    await open(2);
    await expectRevert(disputes.refund(R, 2), 'DisputeNotStale', [R, 2]);
    await expectRevert(disputes.refund(R, 0), 'NoOpenDispute', [R, 0]);
    await mined(vote(1, rangers, WRONG)); // removes 1 and 2
    const deadline2 = (await disputes.getDispute(R, 2)).deadline;
    expect([...(await disputes.disputeStatus(R, 2))]).toEqual([STATUS.Stale, deadline2]);
    await expectRevert(vote(2, rangers), 'DisputeStale', [R, 2]);
    await expectRevert(disputes.expire(R, 2), 'DisputeStale', [R, 2]);

    const r = await mined(disputes.refund(R, 2));
    expect([...eventOf(disputes, r, 'DisputeRefunded').args]).toEqual([R, 2n, headerHash(hR(2)), challenger.address, CHALLENGE_BOND]);
    await expectRevert(disputes.refund(R, 2), 'NoOpenDispute', [R, 2]);

    // A stale dispute left in a slot is refunded when the slot is challenged again.
    await appendR(env, 1);
    await appendR(env, 2);
    await open(2);
    await mined(as(env.inbox, admin).removeBatchesFrom(R, 2)); // the admin holds CHALLENGER_ROLE
    await increaseTime(provider, 1); // the same header appended in the same second would be the same batch
    await appendR(env, 2);
    const other = await fundedWallet(provider);
    const { receipt } = await open(2, other);
    expect([...eventOf(disputes, receipt, 'DisputeRefunded').args]).toEqual([R, 2n, headerHash(hR(2)), challenger.address, CHALLENGE_BOND]);
    expect(eventOf(disputes, receipt, 'DisputeOpened').args.challenger).toBe(other.address);
    expect(await disputes.balanceOf(challenger.address)).toBe(2n * CHALLENGE_BOND + MIN_BOND / 2n + CHALLENGE_BOND);
  });
});

describe('RangerDisputes: equivocation', () => {
  const A = (fields: Partial<Attestation> = {}): Attestation => attestationOf(hR(5), fields);
  const sign = (r: Ranger, a: Attestation): Promise<string> => r.signer.signTypedData(env.domain, ATTESTATION_TYPES, a);

  it('slashes the whole stake (active and unbonding), half to the reporter, the rest to the treasury', async () => {
    const [x] = rangers as [Ranger];
    await mined(as(registry, x.operator).requestUnstake(R, 4n * ONE));
    const a = A();
    const b = A({ newStateRoot: label('other') });
    const reporter = await fundedWallet(provider);
    const before = await provider.getBalance(reporter.address);
    const treasury0 = await provider.getBalance(env.treasury);
    const r = await mined(as(disputes, reporter).reportEquivocation(a, await sign(x, a), b, await sign(x, b)));
    recordGas('RangerDisputes.reportEquivocation (ETH stake)', r);
    expect([...eventOf(disputes, r, 'EquivocationReported').args]).toEqual([R, x.signer.address, x.operator.address, 5n, reporter.address, STAKE, STAKE / 2n]);
    expect([...eventOf(registry, r, 'RangerSlashed').args]).toEqual([R, x.operator.address, STAKE, reporter.address, STAKE / 2n, STAKE / 2n]);
    expect(await provider.getBalance(reporter.address)).toBe(before + STAKE / 2n - r.fee);
    expect(await provider.getBalance(env.treasury)).toBe(treasury0 + STAKE / 2n);
    expect((await registry.getRanger(R, x.operator.address)).toObject()).toMatchObject({ stake: 0n, unbonding: 0n });
    const now = await timestampOf(provider, r);
    expect(await registry.totalStakeAt(R, now)).toBe(3n * STAKE);
    expect(await disputes.isReported(R, x.signer.address, 5, a.prevStateRoot, a.dataHash)).toBe(true);

    await expectRevert(disputes.reportEquivocation(a, await sign(x, a), b, await sign(x, b)), 'AlreadyReported', [R, x.signer.address, 5]);
    await expectRevert(disputes.reportEquivocation(b, await sign(x, b), a, await sign(x, a)), 'AlreadyReported', [R, x.signer.address, 5]);
    const c = A({ withdrawalRoot: label('w') });
    await expectRevert(disputes.reportEquivocation(a, await sign(x, a), c, await sign(x, c)), 'AlreadyReported', [R, x.signer.address, 5]);
    // Another input: reported, though nothing is left to slash.
    const d = attestationOf(hR(6));
    const e = attestationOf(hR(6), { newStateRoot: label('e') });
    const r2 = await mined(disputes.reportEquivocation(d, await sign(x, d), e, await sign(x, e)));
    expect(eventOf(disputes, r2, 'EquivocationReported').args.slashed).toBe(0n);
    expect(eventsOf(registry, r2, 'RangerSlashed')).toHaveLength(0);
  });

  it('a different withdrawal root alone is equivocation; an old key still answers for its operator', async () => {
    const [, y] = rangers as [Ranger, Ranger];
    await mined(as(registry, y.operator).setSigner(R, newKey().address));
    const a = A();
    const b = A({ withdrawalRoot: label('w') });
    const r = await mined(disputes.reportEquivocation(a, await sign(y, a), b, await sign(y, b)));
    expect([...eventOf(disputes, r, 'EquivocationReported').args].slice(0, 3)).toEqual([R, y.signer.address, y.operator.address]);
    expect((await registry.getRanger(R, y.operator.address)).stake).toBe(0n);
  });

  it('rejects what is not equivocation, unknown keys and malformed signatures', async () => {
    const [x, y] = rangers as [Ranger, Ranger];
    const a = A();
    const sa = await sign(x, a);
    await expectRevert(disputes.reportEquivocation(a, sa, a, sa), 'NotEquivocation', []);
    for (const fields of [{ batchIndex: 6 }, { prevStateRoot: label('p') }, { dataHash: label('d') }, { chainId: R + 1n }]) {
      const b = A({ ...fields, newStateRoot: label('other') });
      await expectRevert(disputes.reportEquivocation(a, sa, b, await sign(x, b)), 'NotEquivocation', []);
    }
    const b = A({ newStateRoot: label('other') });
    await expectRevert(disputes.reportEquivocation(a, sa, b, await sign(y, b)), 'NotEquivocation', []);
    const stranger = { operator: x.operator, signer: newKey() };
    await expectRevert(disputes.reportEquivocation(a, await sign(stranger, a), b, await sign(stranger, b)), 'UnknownSigner', [stranger.signer.address]);
    await expectRevert(disputes.reportEquivocation(a, sa.slice(0, 130), b, await sign(x, b)), 'ECDSAInvalidSignatureLength', [64n]);
  });

  it('pays an ERC-20 stake to the reporter and the treasury', async () => {
    const T = 916n;
    const token = await deployContract(admin, 'MetisTestToken', ['Stake', 'STK', parseEther('1000')]);
    await mined(env.chains.registerChain(T, chainConfig({ owner: admin.address, proposer: proposer.address }, { genesisStateRoot: label('t') })));
    await mined(registry.configureChain(T, token.target, 100n, 60));
    const z = { operator: admin, signer: newKey() };
    await mined(token.approve(registry.target, 1001n));
    await mined(registry.register(T, z.signer.address, 'z', 1001n));
    const a = { ...A(), chainId: T };
    const b = { ...a, newStateRoot: label('other') };
    const w = await fundedWallet(provider);
    const r = await mined(as(disputes, w).reportEquivocation(a, await sign(z, a), b, await sign(z, b)));
    recordGas('RangerDisputes.reportEquivocation (ERC-20 stake)', r);
    expect(await token.balanceOf(w.address)).toBe(500n);
    expect(await token.balanceOf(env.treasury)).toBe(501n);
    expect(await token.balanceOf(registry.target)).toBe(0n);
  });
});
