// Proposals through the sdk against a real anvil with the DAC predeploys and the token factory placed by
// anvil_setCode (as contracts/test/dac-fixture.ts and dac-governance-token.test.ts do): a token launched and
// minted by proposals, attributes, roles and treasury spending, then read back through the views.
import { JsonRpcProvider, Wallet, ZeroAddress, parseEther, toBeHex } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSdkError } from '../errors.js';
import { commit, withdrawOwed } from './commitments.js';
import { assertDacTokenFactory } from './contracts.js';
import { DAC_ROLES } from './inputs.js';
import type { DacParams } from './params.js';
import { dacActions, decodeDacAction, executeProposal, propose, voteOnProposal } from './proposals.js';
import { isDacRevert } from './send.js';
import { fundTreasury } from './treasury.js';
import { failure, startDacChain, TEST_PARAMS, type DacChain } from './testing/dac-chain.js';
import { commitmentInfo, dacInfo, dacTokenInfo, proposalInfo } from './views.js';

const PARAMS: DacParams = TEST_PARAMS;
const CAP = parseEther('1000');
const ALLOC = parseEther('100');

let chain: DacChain;
let provider: JsonRpcProvider;
let founder: Wallet, alice: Wallet, bob: Wallet, outsider: Wallet;
let dacId: bigint;

const funded = (): Promise<Wallet> => chain.funded();
const advance = (seconds: bigint): Promise<void> => chain.advance(seconds);
const now = (): Promise<bigint> => chain.now();

/** Every member votes for proposal `id`; the vote and the delay are waited out. */
async function passVotes(id: bigint): Promise<void> {
  for (const v of [founder, alice, bob]) await voteOnProposal(v, { proposalId: id, support: true });
  await advance(PARAMS.voteWindow + PARAMS.executionDelay + 1n);
}

beforeAll(async () => {
  chain = await startDacChain({ chainId: 903, members: 2, tokenFactory: true });
  ({ provider, founder, outsider, dacId } = chain);
  [alice, bob] = chain.members as [Wallet, Wallet];
});

afterAll(async () => {
  await chain?.stop();
});

describe('action builders', () => {
  it('encode what they decode, and refuse bad input', () => {
    const launch = { name: 'Acme', symbol: 'ACME', cap: CAP, holders: [alice.address], amounts: [ALLOC], vesting: [{ beneficiary: bob.address, amount: ALLOC, start: 1n, duration: 10n }] };
    expect(decodeDacAction(dacActions.launchToken(launch))).toEqual({ name: 'launchToken', tokenName: 'Acme', symbol: 'ACME', cap: CAP, holders: [alice.address], amounts: [ALLOC], vesting: launch.vesting });
    expect(decodeDacAction(dacActions.setParams(PARAMS))).toEqual({ name: 'setParams', params: PARAMS });
    expect(decodeDacAction(dacActions.spend({ to: bob.address, amount: 5n }))).toEqual({ name: 'spend', token: ZeroAddress, to: bob.address, amount: 5n });
    expect(decodeDacAction(dacActions.grantRole({ account: bob.address, role: 'inviter' }))).toEqual({ name: 'grantRole', account: bob.address, role: 'INVITER' });
    expect(decodeDacAction(dacActions.revokeRole({ account: bob.address, role: DAC_ROLES.FOUNDER }))).toMatchObject({ name: 'revokeRole', role: 'FOUNDER' });
    expect(decodeDacAction(dacActions.revokeAttribute({ tokenId: 3n }))).toEqual({ name: 'revokeAttribute', tokenId: 3n });
    expect(decodeDacAction({ kind: 9, data: '0x' })).toEqual({ name: 'unknown', kind: 9, data: '0x' });
    const bad = [
      () => dacActions.launchToken({ ...launch, amounts: [] }),
      () => dacActions.launchToken({ ...launch, cap: ALLOC }),
      () => dacActions.launchToken({ ...launch, symbol: '' }),
      () => dacActions.mintToken({ to: alice.address, amount: 0n }),
      () => dacActions.grantRole({ account: alice.address, role: 'ADMIN' }),
      () => dacActions.grantAttribute({ member: 'alice', cid: 'bafy' }),
      () => dacActions.setParams({ ...PARAMS, quorumBps: undefined } as never),
    ];
    for (const f of bad) expect(f).toThrow(expect.objectContaining({ name: 'SdkError', kind: 'INVALID_ARGUMENT' }));
  });
});

describe('proposals', () => {
  it('launches the DAC token by proposal, then mints, grants an attribute and a role, and spends the treasury', async () => {
    await expect(assertDacTokenFactory(provider)).resolves.toBeUndefined();
    expect(await dacTokenInfo(provider, dacId)).toBeNull();
    const start = await now();
    const launch = dacActions.launchToken({
      name: 'Acme',
      symbol: 'ACME',
      cap: CAP,
      holders: [founder.address, alice.address],
      amounts: [ALLOC, ALLOC],
      vesting: [{ beneficiary: bob.address, amount: ALLOC / 2n, start, duration: 86_400n }],
    });
    const p = await propose(alice, { dacId, actions: [launch], descriptionCid: 'bafylaunch' });
    expect(p.proposalId).toBe(1n);
    expect(p.quorum).toBe(150n);
    const info = await proposalInfo(provider, p.proposalId);
    expect(info).toMatchObject({ id: 1n, dacId, proposer: alice.address, state: 'Active', executed: false, descriptionCid: 'bafylaunch', voteEnd: p.voteEnd, executableAt: p.executableAt });
    expect(info.actions).toEqual([expect.objectContaining({ name: 'launchToken', tokenName: 'Acme', symbol: 'ACME', cap: CAP })]);

    const stranger = await failure(voteOnProposal(outsider, { proposalId: p.proposalId, support: true }));
    expect(isDacRevert(stranger, 'NotMember')).toBe(true);
    expect(stranger.message).toMatch(/DacProposals\.vote failed: NotMember\(1, 0x[0-9a-fA-F]{40}\): the account is not a member of this DAC/);
    for (const v of [founder, alice, bob]) expect((await voteOnProposal(v, { proposalId: p.proposalId, support: true })).weight).toBe(100n);
    const early = await failure(executeProposal(outsider, { proposalId: p.proposalId }));
    expect(isDacRevert(early, 'ExecutionTooEarly')).toBe(true);
    await advance(PARAMS.voteWindow + 1n);
    expect((await proposalInfo(provider, p.proposalId)).state).toBe('Queued');
    await advance(PARAMS.executionDelay);
    expect((await proposalInfo(provider, p.proposalId)).state).toBe('Executable');

    const executed = await executeProposal(outsider, { proposalId: p.proposalId });
    expect(executed.actions).toEqual([launch]);
    expect((await proposalInfo(provider, p.proposalId)).state).toBe('Executed');
    expect(isDacRevert(await failure(executeProposal(outsider, { proposalId: p.proposalId })), 'AlreadyExecuted')).toBe(true);

    const token = (await dacTokenInfo(provider, dacId))!;
    expect(token).toMatchObject({ dacId, name: 'Acme', symbol: 'ACME', decimals: 18, cap: CAP, totalSupply: 2n * ALLOC + ALLOC / 2n });
    expect(token.vestingWallets).toHaveLength(1);
    const vw = token.vestingWallets[0]!;
    expect(vw).toMatchObject({ beneficiary: bob.address, amount: ALLOC / 2n, released: 0n, start, duration: 86_400n });
    expect(vw.releasable > 0n && vw.releasable < ALLOC / 2n).toBe(true);

    // A second proposal: mint, attribute, role and spending, all applied together.
    await fundTreasury(outsider, { dacId, amount: parseEther('2') });
    const second = await propose(founder, {
      dacId,
      actions: [
        dacActions.mintToken({ to: outsider.address, amount: parseEther('7') }),
        dacActions.grantAttribute({ member: alice.address, cid: 'bafyskill' }),
        dacActions.grantRole({ account: alice.address, role: 'INVITER' }),
        dacActions.spend({ to: outsider.address, amount: parseEther('0.5') }),
      ],
      descriptionCid: 'bafymint',
    });
    await passVotes(second.proposalId);
    await executeProposal(bob, { proposalId: second.proposalId });
    expect((await dacTokenInfo(provider, dacId))!.totalSupply).toBe(2n * ALLOC + ALLOC / 2n + parseEther('7'));
    const dac = await dacInfo(provider, 'acme');
    expect(dac.token).toBe(token.address);
    expect(dac.treasury).toEqual({ eth: parseEther('1.5'), token: 0n });
    expect(dac.members.find((m) => m.address === alice.address)).toMatchObject({ roles: ['INVITER'], attributes: [{ tokenId: 1n, cid: 'bafyskill' }] });
    const paid = await withdrawOwed(outsider);
    expect(paid.withdrawals).toEqual([{ source: 'treasury', token: ZeroAddress, amount: parseEther('0.5'), txHash: expect.any(String) }]);

    // A third: launching again fails in the factory, and the error is named through the proposal.
    const again = await propose(founder, { dacId, actions: [dacActions.launchToken({ name: 'X', symbol: 'X', cap: 1n })], descriptionCid: 'bafyagain' });
    await passVotes(again.proposalId);
    const twice = await failure(executeProposal(bob, { proposalId: again.proposalId }));
    expect(isDacRevert(twice, 'TokenAlreadyLaunched')).toBe(true);
    expect(twice.message).toContain('the DAC has launched its token already');
  });

  it('bonds a commitment in the DAC token (approval first)', async () => {
    const c = await commit(alice, { dacId, descriptionCid: 'bafytoken', deadline: (await now()) + 86_400n, token: true });
    const token = (await dacTokenInfo(provider, dacId))!.address;
    expect(c.token).toBe(token);
    expect(c.approveTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await commitmentInfo(provider, c.commitmentId)).toMatchObject({ status: 'Open', token, bond: PARAMS.bondSize });
    const poor = await failure(commit(bob, { dacId, descriptionCid: 'bafytoken', deadline: (await now()) + 86_400n, token: true }));
    expect(isSdkError(poor, 'INSUFFICIENT_FUNDS')).toBe(true);
  });

  it('a defeated proposal cannot be executed; an unknown one is not found', async () => {
    const p = await propose(bob, { dacId, actions: [dacActions.mintToken({ to: bob.address, amount: 1n })], descriptionCid: 'bafygreedy' });
    await voteOnProposal(founder, { proposalId: p.proposalId, support: false });
    await voteOnProposal(alice, { proposalId: p.proposalId, support: false });
    await voteOnProposal(bob, { proposalId: p.proposalId, support: true });
    await advance(PARAMS.voteWindow + PARAMS.executionDelay + 1n);
    expect((await proposalInfo(provider, p.proposalId)).state).toBe('Defeated');
    expect(isDacRevert(await failure(executeProposal(bob, { proposalId: p.proposalId })), 'MajorityNotReached')).toBe(true);
    await expect(proposalInfo(provider, 99n)).rejects.toSatisfy((e) => isSdkError(e, 'NOT_FOUND'));
    await expect(executeProposal(bob, { proposalId: 99n })).rejects.toSatisfy((e) => isSdkError(e, 'NOT_FOUND'));
  });
});
