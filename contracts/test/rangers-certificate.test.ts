import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { Contract, JsonRpcProvider, TransactionReceipt, Wallet } from 'ethers';
import { Signature, id, verifyTypedData } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTESTATION_TYPES,
  WITHDRAWAL_TYPES,
  ZERO_ADDRESS,
  attestationOf,
  deployContract,
  eventOf,
  eventsOf,
  expectRevert,
  freshAddress,
  fundedWallet,
  headerHash,
  increaseTime,
  label,
  mined,
  recordGas,
  useAnvil,
  withdrawalValues,
  type Withdrawal,
} from './helpers.js';
import {
  CHALLENGE_BOND,
  ONE,
  R,
  STAKE,
  WINDOW,
  appendR,
  as,
  hR,
  newKey,
  setupRangers,
  sigs,
  type Ranger,
  type RangersEnv,
} from './rangers-fixture.js';

const FINALIZER_ROLE = id('FINALIZER_ROLE');

let provider: JsonRpcProvider;
let env: RangersEnv;
let inbox: Contract;
let certifier: Contract;
let admin: Wallet;
let rangers: Ranger[];

const anvil = useAnvil('rangers-certificate');

/** Signatures of the attestation matching batch i's header by `who`. */
const certify = async (i: number, who: readonly Ranger[], from: Wallet = admin): Promise<TransactionReceipt> =>
  mined(as(certifier, from).submitCertificate(hR(i), await sigs(env, who, attestationOf(hR(i)))));
const submit = async (i: number, who: readonly Ranger[]) => certifier.submitCertificate(hR(i), await sigs(env, who, attestationOf(hR(i))));

beforeAll(async () => {
  ({ provider } = anvil);
  env = await setupRangers(provider);
  ({ inbox, certifier, admin, rangers } = env);
  await increaseTime(provider, 10); // batches land in a later second than the registrations
});

describe('BatchInbox: finalizeEarly', () => {
  it('is for FINALIZER_ROLE only; needs the batch, the previous one final and no lock at or before it', async () => {
    await expectRevert(inbox.finalizeEarly(R, 0), 'AccessControlUnauthorizedAccount', [admin.address, FINALIZER_ROLE]);
    await mined(inbox.grantRole(FINALIZER_ROLE, admin.address));
    await expectRevert(inbox.finalizeEarly(R, 0), 'BatchNotFound', [R, 0]);
    for (const i of [0, 1, 2]) await appendR(env, i);
    await expectRevert(inbox.finalizeEarly(R, 1), 'PreviousNotFinal', [R, 1]);

    const r = await mined(inbox.finalizeEarly(R, 0));
    expect([...eventOf(inbox, r, 'BatchFinalizedEarly').args]).toEqual([R, 0n]);
    expect(await inbox.isFinalized(R, 0)).toBe(true);
    expect(await inbox.isFinalized(R, 1)).toBe(false);
    expect(await inbox.finalizedEarly(R)).toBe(1n);
    expect([...(await inbox.lastFinalizedBatch(R))]).toEqual([true, 0n]);
    await expectRevert(inbox.finalizeEarly(R, 0), 'BatchFinalized', [R, 0]);
    await expectRevert(inbox.lock(R, 0), 'BatchFinalized', [R, 0]);
    await expectRevert(inbox.removeBatchesFrom(R, 0), 'BatchFinalized', [R, 0]);

    await mined(inbox.lock(R, 1));
    await expectRevert(inbox.finalizeEarly(R, 1), 'BatchIsLocked', [R, 1]);
    await mined(inbox.unlock(R, 1));
    await mined(inbox.lock(R, 2));
    await mined(inbox.finalizeEarly(R, 1)); // a lock on a later batch does not block
    await expectRevert(inbox.finalizeEarly(R, 2), 'BatchIsLocked', [R, 2]);
    await mined(inbox.unlock(R, 2));
    await mined(inbox.finalizeEarly(R, 2));
    expect([...(await inbox.lastFinalizedBatch(R))]).toEqual([true, 2n]);
    expect(await inbox.finalizedEarly(R)).toBe(3n);
  });

  it('removal keeps the certified prefix; a batch final by its window is not finalized again', async () => {
    await mined(inbox.grantRole(FINALIZER_ROLE, admin.address));
    for (const i of [0, 1]) await appendR(env, i);
    await mined(inbox.finalizeEarly(R, 0));
    await mined(inbox.removeBatchesFrom(R, 1));
    expect(await inbox.nextBatchIndex(R)).toBe(1n);
    await appendR(env, 1);
    expect(await inbox.isFinalized(R, 1)).toBe(false);
    await increaseTime(provider, WINDOW);
    expect(await inbox.isFinalized(R, 1)).toBe(true);
    await expectRevert(inbox.finalizeEarly(R, 1), 'BatchFinalized', [R, 1]);
  });
});

describe('RangerCertifier: deployment', () => {
  it('is wired to the inbox, the disputes and their registries, and refuses inconsistent wiring', async () => {
    expect(await certifier.inbox()).toBe(inbox.target);
    expect(await certifier.disputes()).toBe(env.disputes.target);
    expect(await certifier.rangerRegistry()).toBe(env.registry.target);
    expect(await certifier.chainRegistry()).toBe(env.chains.target);
    await expectRevert(deployContract(admin, 'RangerCertifier', [ZERO_ADDRESS, env.disputes.target]), 'ZeroAddress', ['inbox']);
    await expectRevert(deployContract(admin, 'RangerCertifier', [inbox.target, ZERO_ADDRESS]), 'ZeroAddress', ['disputes']);
    const otherInbox = await deployContract(admin, 'BatchInbox', [env.chains.target, env.bonds.target, env.bridge.target]);
    await expectRevert(deployContract(admin, 'RangerCertifier', [otherInbox.target, env.disputes.target]), 'InconsistentWiring', []);
  });
});

describe('RangerCertifier: certificates', () => {
  it('finalizes a batch at once with every signature', async () => {
    const appended = await appendR(env, 0);
    const at = (await provider.getBlock(appended.blockNumber))!.timestamp;
    expect(await inbox.isFinalized(R, 0)).toBe(false);
    const r = await certify(0, rangers);
    recordGas('RangerCertifier.submitCertificate (4 of 4 signatures)', r);
    expect([...eventOf(certifier, r, 'BatchCertified').args]).toEqual([R, 0n, headerHash(hR(0)), 4n * STAKE, 4n * STAKE, 4n]);
    expect([...eventOf(inbox, r, 'BatchFinalizedEarly').args]).toEqual([R, 0n]);
    expect((await provider.getBlock(r.blockNumber))!.timestamp).toBeLessThan(at + WINDOW);
    expect(await inbox.isFinalized(R, 0)).toBe(true);
    expect([...(await inbox.lastFinalizedBatch(R))]).toEqual([true, 0n]);
    await expectRevert(submit(0, rangers), 'BatchAlreadyFinal', [R, 0]);
  });

  it('a withdrawal of the certified batch is paid on the Bridge right after', async () => {
    const user = await fundedWallet(provider);
    await mined(as(env.bridge, user).depositETH(R, user.address, { value: 5n * ONE }));
    const to = freshAddress();
    const w: Withdrawal = { nonce: 0n, sender: user.address, to, l1Token: ZERO_ADDRESS, amount: 2n * ONE };
    const tree = StandardMerkleTree.of([withdrawalValues(w), withdrawalValues({ ...w, nonce: 1n, amount: 1n })], WITHDRAWAL_TYPES);
    const h = hR(0, { withdrawalRoot: tree.root });
    await mined(as(inbox, env.proposer).appendBatch(h));
    const proof = tree.getProof(withdrawalValues(w));
    await expectRevert(env.bridge.finalizeWithdrawal(R, 0, w, proof), 'BatchNotFinalized', [R, 0]);
    await mined(certifier.submitCertificate(h, await sigs(env, rangers.slice(0, 3), attestationOf(h))));
    const r = await mined(env.bridge.finalizeWithdrawal(R, 0, w, proof));
    expect(eventOf(env.bridge, r, 'WithdrawalFinalized').args.amount).toBe(2n * ONE);
    expect(await provider.getBalance(to)).toBe(2n * ONE);
  });

  it('needs two thirds of the stake: 3 of 4 equal stakes pass, 2 do not; batches in order', async () => {
    await appendR(env, 0);
    await appendR(env, 1);
    await expectRevert(submit(0, rangers.slice(0, 2)), 'InsufficientQuorum', [2n * STAKE, 4n * STAKE]);
    await expectRevert(submit(0, []), 'InsufficientQuorum', [0n, 4n * STAKE]);
    await expectRevert(submit(1, rangers.slice(1)), 'PreviousNotFinal', [R, 1]);
    const r = await certify(0, rangers.slice(1));
    recordGas('RangerCertifier.submitCertificate (3 of 4 signatures)', r);
    expect(eventOf(certifier, r, 'BatchCertified').args.signedStake).toBe(3n * STAKE);
    await certify(1, [rangers[0]!, rangers[1]!, rangers[3]!]);
    expect([...(await inbox.lastFinalizedBatch(R))]).toEqual([true, 1n]);
  });

  it('certifies a backlog of consecutive batches in one transaction, all or nothing', async () => {
    for (let i = 0; i < 3; i++) await appendR(env, i);
    const lists = await Promise.all([0, 1, 2].map((i) => sigs(env, rangers.slice(0, 3), attestationOf(hR(i)))));
    await expectRevert(certifier.submitCertificates([hR(0), hR(1)], lists), 'LengthMismatch', [2n, 3n]);
    await expectRevert(certifier.submitCertificates([], []), 'NoBatches');
    // One short of quorum in the middle: nothing is finalized.
    const short = [lists[0]!, await sigs(env, rangers.slice(0, 2), attestationOf(hR(1))), lists[2]!];
    await expectRevert(certifier.submitCertificates([hR(0), hR(1), hR(2)], short), 'InsufficientQuorum', [2n * STAKE, 4n * STAKE]);
    expect(await inbox.isFinalized(R, 0)).toBe(false);
    // Out of order: batch 1 before batch 0 is final.
    await expectRevert(certifier.submitCertificates([hR(1), hR(0)], [lists[1]!, lists[0]!]), 'PreviousNotFinal', [R, 1]);
    const r = await mined(certifier.submitCertificates([hR(0), hR(1), hR(2)], lists));
    recordGas('RangerCertifier.submitCertificates (3 batches, 3 of 4 signatures each)', r);
    expect(eventsOf(certifier, r, 'BatchCertified').map((e) => e.args.batchIndex)).toEqual([0n, 1n, 2n]);
    expect([...(await inbox.lastFinalizedBatch(R))]).toEqual([true, 2n]);
    await expectRevert(certifier.submitCertificates([hR(2)], [lists[2]!]), 'BatchAlreadyFinal', [R, 2]);
  });

  it('the two-thirds boundary is exact', async () => {
    // A fifth ranger with 20 ETH - 3 wei: total 60 ETH - 3 wei, two thirds is 40 ETH - 2 wei.
    const big = { operator: await fundedWallet(provider, '100'), signer: newKey() };
    const stake = 2n * STAKE - 3n;
    await mined(as(env.registry, big.operator).register(R, big.signer.address, 'big', stake, { value: stake }));
    await increaseTime(provider, 10);
    await appendR(env, 0);
    await expectRevert(submit(0, [big, rangers[0]!, rangers[1]!]), 'InsufficientQuorum', [4n * STAKE - 3n, 6n * STAKE - 3n]);
    const r = await certify(0, rangers);
    expect(eventOf(certifier, r, 'BatchCertified').args.totalStake).toBe(6n * STAKE - 3n);
  });

  it('rejects a header that is not the stored one, a missing batch and a final batch', async () => {
    await appendR(env, 0);
    const wrong = hR(0, { newStateRoot: label('other') });
    const signed = await sigs(env, rangers, attestationOf(wrong));
    await expectRevert(certifier.submitCertificate(wrong, signed), 'WrongHeader', [R, 0, headerHash(hR(0)), headerHash(wrong)]);
    await expectRevert(submit(1, rangers), 'BatchNotFound', [R, 1]);
    await increaseTime(provider, WINDOW);
    await expectRevert(submit(0, rangers), 'BatchAlreadyFinal', [R, 0]);
  });

  it('rejects unsorted, duplicate, unknown and malformed signatures', async () => {
    await appendR(env, 0);
    const a = attestationOf(hR(0));
    const sorted = await sigs(env, rangers, a);
    const h = hR(0);
    await expectRevert(certifier.submitCertificate(h, [sorted[1], sorted[0], sorted[2]]), 'SignersNotSorted', [1n]);
    await expectRevert(certifier.submitCertificate(h, [sorted[0], sorted[2], sorted[1]]), 'SignersNotSorted', [2n]);
    const signerOf = (sig: string) => verifyTypedData(env.domain, ATTESTATION_TYPES, a, sig);
    await expectRevert(certifier.submitCertificate(h, [sorted[0], sorted[1], sorted[1]]), 'DuplicateSigner', [signerOf(sorted[1]!)]);

    // A key that is no ranger, placed in order.
    const stranger = newKey();
    const withStranger = await Promise.all(
      [...rangers.slice(0, 3).map((r) => r.signer), stranger]
        .sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1))
        .map((w) => w.signTypedData(env.domain, ATTESTATION_TYPES, a)),
    );
    await expectRevert(certifier.submitCertificate(h, withStranger), 'UnknownSigner', [stranger.address]);

    // A signature of another attestation recovers some other address, which is no ranger.
    const other = await rangers[0]!.signer.signTypedData(env.domain, ATTESTATION_TYPES, { ...a, newStateRoot: label('x') });
    await expectRevert(certifier.submitCertificate(h, [other]), 'UnknownSigner', [signerOf(other)]);
    // Signed in another domain (another verifyingContract): same.
    const elsewhere = await rangers[0]!.signer.signTypedData({ ...env.domain, verifyingContract: env.disputes.target as string }, ATTESTATION_TYPES, a);
    await expectRevert(certifier.submitCertificate(h, [elsewhere]), 'UnknownSigner', [signerOf(elsewhere)]);

    await expectRevert(certifier.submitCertificate(h, [sorted[0]!.slice(0, 130)]), 'ECDSAInvalidSignatureLength', [64n]);
    const sig = Signature.from(sorted[0]!);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = `0x${sig.r.slice(2)}${(n - BigInt(sig.s)).toString(16).padStart(64, '0')}${sig.v === 27 ? '1c' : '1b'}`;
    await expectRevert(certifier.submitCertificate(h, [highS]), 'ECDSAInvalidSignatureS', [`0x${(n - BigInt(sig.s)).toString(16).padStart(64, '0')}`]);
  });

  it('rejects a batch under a dispute or a lock (e.g. a DA challenge), on it or before it', async () => {
    await appendR(env, 0);
    await appendR(env, 1);
    await mined(env.disputes.challenge(hR(0), { value: CHALLENGE_BOND }));
    await expectRevert(submit(0, rangers), 'BatchChallenged', [R, 0]);
    await expectRevert(submit(1, rangers), 'BatchIsLocked', [R, 1]); // the dispute's lock on batch 0

    await mined(env.disputes.challenge(hR(1), { value: CHALLENGE_BOND }));
    await expectRevert(submit(1, rangers), 'BatchChallenged', [R, 1]);
  });

  it('rejects a batch locked by another challenge contract', async () => {
    await appendR(env, 0);
    await appendR(env, 1);
    await mined(inbox.lock(R, 0)); // the admin holds CHALLENGER_ROLE, as the DaChallenge does
    await expectRevert(submit(0, rangers), 'BatchIsLocked', [R, 0]);
    await mined(inbox.unlock(R, 0));
    await certify(0, rangers);
    await mined(inbox.lock(R, 1));
    await expectRevert(submit(1, rangers), 'BatchIsLocked', [R, 1]);
  });
});

describe('RangerCertifier: the stake snapshot of a batch', () => {
  it('stake registered in the batch block does not count, neither as signer nor in the total', async () => {
    const late = { operator: await fundedWallet(provider, '1000'), signer: newKey() };
    await provider.send('evm_setAutomine', [false]);
    let txs;
    try {
      txs = [
        await as(env.registry, late.operator).register(R, late.signer.address, 'late', 100n * ONE, { value: 100n * ONE, gasLimit: 500_000 }),
        await as(inbox, env.proposer).appendBatch(hR(0), { gasLimit: 500_000 }),
      ];
      await provider.send('evm_mine', []);
    } finally {
      await provider.send('evm_setAutomine', [true]);
    }
    const [reg, app] = await Promise.all(txs.map((t) => t.wait()));
    expect(reg!.blockNumber).toBe(app!.blockNumber);
    await expectRevert(submit(0, [late, rangers[0]!, rangers[1]!]), 'NoStakeAtSnapshot', [late.signer.address]);
    const r = await certify(0, rangers.slice(0, 3));
    expect([...eventOf(certifier, r, 'BatchCertified').args].slice(3)).toEqual([3n * STAKE, 4n * STAKE, 3n]);
  });

  it('stake added after the batch does not count; unstaking or slashing after it does not lower it', async () => {
    await appendR(env, 0);
    const [a, b, c, d] = rangers as [Ranger, Ranger, Ranger, Ranger];
    await mined(as(env.registry, a.operator).addStake(R, 50n * ONE, { value: 50n * ONE }));
    await mined(as(env.registry, b.operator).requestUnstake(R, STAKE));
    await mined(env.registry.grantRole(id('SLASHER_ROLE'), admin.address));
    await mined(env.registry.slash(R, c.operator.address, STAKE, admin.address, 0));
    await increaseTime(provider, 10);
    // At the snapshot: 10 each of 40. a alone (now 60) is not enough; b and c still count with 10 each.
    await expectRevert(submit(0, [a, d]), 'InsufficientQuorum', [2n * STAKE, 4n * STAKE]);
    const r = await certify(0, [a, b, c]);
    expect([...eventOf(certifier, r, 'BatchCertified').args].slice(3)).toEqual([3n * STAKE, 4n * STAKE, 3n]);
    // The next batch sees the new stakes: a has 60 of 70.
    await appendR(env, 1);
    const r1 = await certify(1, [a]);
    expect([...eventOf(certifier, r1, 'BatchCertified').args].slice(3)).toEqual([6n * STAKE, 7n * STAKE, 1n]);
  });

  it('stake added before the batch counts', async () => {
    await mined(as(env.registry, rangers[3]!.operator).addStake(R, 3n * STAKE, { value: 3n * STAKE }));
    await increaseTime(provider, 10);
    await appendR(env, 0);
    const r = await certify(0, [rangers[0]!, rangers[3]!]); // 50 of 70
    expect([...eventOf(certifier, r, 'BatchCertified').args].slice(3)).toEqual([5n * STAKE, 7n * STAKE, 2n]);
  });

  it('only the current key of an operator counts', async () => {
    await appendR(env, 0);
    const old = rangers[0]!.signer;
    const fresh = newKey();
    await mined(as(env.registry, rangers[0]!.operator).setSigner(R, fresh.address));
    const withOld = [...rangers.slice(0, 3)];
    await expectRevert(submit(0, withOld), 'NoStakeAtSnapshot', [old.address]);
    const r = await certify(0, [{ operator: rangers[0]!.operator, signer: fresh }, rangers[1]!, rangers[2]!]);
    expect(eventOf(certifier, r, 'BatchCertified').args.signedStake).toBe(3n * STAKE);
  });
});

describe('RangerCertifier: rewards', () => {
  it('are funded by anyone, set by the chain owner', async () => {
    await expectRevert(certifier.fundRewards(R), 'ZeroAmount', []);
    await expectRevert(certifier.fundRewards(999, { value: 1 }), 'UnknownChain', [999n]);
    const r = await mined(certifier.fundRewards(R, { value: 7 }));
    expect([...eventOf(certifier, r, 'RewardsFunded').args]).toEqual([R, admin.address, 7n, 7n]);
    expect(await certifier.rewardPool(R)).toBe(7n);
    await expectRevert(as(certifier, rangers[0]!.operator).setRewardPerBatch(R, 5), 'NotChainOwner', [R, rangers[0]!.operator.address]);
    await expectRevert(certifier.setRewardPerBatch(999, 5), 'UnknownChain', [999n]);
    const s = await mined(certifier.setRewardPerBatch(R, 5));
    expect([...eventOf(certifier, s, 'RewardPerBatchSet').args]).toEqual([R, 5n]);
    expect(await certifier.rewardPerBatch(R)).toBe(5n);
  });

  it('pay each signer pro rata its stake, rounded down; the dust stays in the pool; claims pay exactly', async () => {
    const [a, b, c, d] = rangers as [Ranger, Ranger, Ranger, Ranger];
    await mined(as(env.registry, d.operator).addStake(R, 2n * STAKE, { value: 2n * STAKE })); // 10, 10, 10, 30
    await increaseTime(provider, 10);
    await mined(certifier.fundRewards(R, { value: 1057 }));
    await mined(certifier.setRewardPerBatch(R, 1000));
    const credits = async () => Promise.all(rangers.map((r) => certifier.rewardsOf(r.operator.address)));
    const invariant = async () => {
      const sum = (await credits()).reduce((x: bigint, y: bigint) => x + y, 0n);
      expect(await provider.getBalance(certifier.target)).toBe((await certifier.rewardPool(R)) + sum);
    };
    for (const i of [0, 1, 2]) await appendR(env, i);

    const r0 = await certify(0, [a, b, d]); // 50 of 60: 200, 200, 600
    recordGas('RangerCertifier.submitCertificate (3 signatures, with rewards)', r0);
    // One credit per signer (in signer order, so compared as a map).
    const credited = Object.fromEntries(eventsOf(certifier, r0, 'RewardCredited').map((e) => [e.args.operator, e.args.amount]));
    expect(credited).toEqual({ [a.operator.address]: 200n, [b.operator.address]: 200n, [d.operator.address]: 600n });
    expect([...eventOf(certifier, r0, 'RewardsDistributed').args]).toEqual([R, 0n, 1000n, 57n]);
    expect(await credits()).toEqual([200n, 200n, 0n, 600n]);
    await invariant();

    const r1 = await certify(1, [b, c, d]); // r = 57 (the pool): 11.4, 11.4, 34.2
    expect([...eventOf(certifier, r1, 'RewardsDistributed').args]).toEqual([R, 1n, 56n, 1n]);
    expect(await credits()).toEqual([200n, 211n, 11n, 634n]);
    await invariant();

    const r2 = await certify(2, rangers); // r = 1 wei over 60 ETH: nobody gets anything, the wei stays
    expect(eventsOf(certifier, r2, 'RewardCredited')).toHaveLength(0);
    expect([...eventOf(certifier, r2, 'RewardsDistributed').args]).toEqual([R, 2n, 0n, 1n]);
    await invariant();

    await expectRevert(as(certifier, admin).claimRewards(), 'NoRewards', [admin.address]);
    const before = await provider.getBalance(d.operator.address);
    const claim = await mined(as(certifier, d.operator).claimRewards());
    expect([...eventOf(certifier, claim, 'RewardsClaimed').args]).toEqual([d.operator.address, 634n]);
    expect(await provider.getBalance(d.operator.address)).toBe(before + 634n - claim.fee);
    expect(await certifier.rewardsOf(d.operator.address)).toBe(0n);
    await invariant();
    await expectRevert(as(certifier, d.operator).claimRewards(), 'NoRewards', [d.operator.address]);
  });
});

