// DacProposals on anvil: reputation-weighted votes at a snapshot, quorum, majority, the delay before execution, and
// each action kind (params, spend, attribute grant/revoke, role grant/revoke, token mint and launch through the
// factory); ETH conserved exactly.
import type { Contract, JsonRpcProvider, TransactionReceipt, Wallet } from 'ethers';
import { id as keccakText, parseEther } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZERO_ADDRESS, eventOf, expectRevert, increaseTime, mined, useAnvil } from './helpers.js';
import {
  DAC_COMMITMENTS,
  DAC_TREASURY,
  EthLedger,
  PARAMS,
  actions,
  as,
  dacWorld,
  passProposal,
  type DacAction,
  type DacWorld,
} from './dac-fixture.js';

const env = useAnvil('dac-proposals', { chainId: 901 });
let provider: JsonRpcProvider;
let w: DacWorld;
let founder: Wallet, alice: Wallet, bob: Wallet, carol: Wallet, outsider: Wallet;
let proposals: Contract;
const INVITER = keccakText('INVITER');

beforeAll(async () => {
  provider = env.provider;
  w = await dacWorld(provider); // founder + 3 members, 100 reputation each: quorum 50% = 200
  ({ founder, outsider, proposals } = w);
  [alice, bob, carol] = w.members as [Wallet, Wallet, Wallet];
});

async function propose(list: DacAction[], by: Wallet = founder): Promise<{ id: bigint; receipt: TransactionReceipt }> {
  const receipt = await mined(as(proposals, by).propose(w.dacId, list, 'bafyproposal'));
  return { id: eventOf(proposals, receipt, 'ProposalCreated').args.id as bigint, receipt };
}

const wait = () => increaseTime(provider, PARAMS.voteWindow + PARAMS.executionDelay + 1n);

describe('voting', () => {
  it('members only, once each, within the vote window; weight = reputation at the snapshot', async () => {
    const list = [actions.grantRole(alice.address, INVITER)];
    await expectRevert(as(proposals, outsider).propose(w.dacId, list, 'cid'), 'NotMember', [w.dacId, outsider.address]);
    await expectRevert(as(proposals, founder).propose(w.dacId, [], 'cid'), 'InvalidActions');
    await expectRevert(as(proposals, founder).propose(w.dacId, [{ kind: 8, data: '0x' }], 'cid'), 'UnknownActionKind', [8n]);
    await expectRevert(as(proposals, founder).propose(w.dacId, list, ''), 'InvalidCid');
    const { id, receipt } = await propose(list);
    const created = eventOf(proposals, receipt, 'ProposalCreated').args;
    expect(created.quorum).toBe(200n);
    await expectRevert(as(proposals, outsider).vote(id, true), 'NotMember', [w.dacId, outsider.address]);
    const v = await mined(as(proposals, alice).vote(id, true));
    expect(eventOf(proposals, v, 'Voted').args.weight).toBe(100n);
    await expectRevert(as(proposals, alice).vote(id, false), 'AlreadyVoted', [id, alice.address]);
    // a member admitted after the snapshot has no weight in this vote
    await mined(as(w.registry, founder).invite(w.dacId, outsider.address));
    await mined(as(w.registry, outsider).join(w.dacId));
    await expectRevert(as(proposals, outsider).vote(id, true), 'NoVotingPower', [id, outsider.address]);
    await increaseTime(provider, PARAMS.voteWindow + 1n);
    await expectRevert(as(proposals, bob).vote(id, true), 'VoteClosed', [created.voteEnd]);
    await expectRevert(as(proposals, bob).vote(99, true), 'UnknownProposal', [99n]);
  });

  it('quorum: too few votes cannot execute', async () => {
    const list = [actions.grantRole(alice.address, INVITER)];
    const { id } = await propose(list);
    await mined(as(proposals, alice).vote(id, true)); // 100 < 200
    await wait();
    await expectRevert(as(proposals, bob).execute(id, list), 'QuorumNotReached', [100n, 200n]);
  });

  it('majority: a tie or more against cannot execute', async () => {
    const list = [actions.grantRole(alice.address, INVITER)];
    const { id } = await propose(list);
    await mined(as(proposals, alice).vote(id, true));
    await mined(as(proposals, bob).vote(id, false));
    await wait();
    await expectRevert(as(proposals, bob).execute(id, list), 'MajorityNotReached', [100n, 100n]);
  });

  it('delay: execution waits for the vote end plus the execution delay; once only; with the proposed actions', async () => {
    const list = [actions.grantRole(alice.address, INVITER)];
    const { id, receipt } = await propose(list);
    const { executableAt, voteEnd } = eventOf(proposals, receipt, 'ProposalCreated').args;
    expect(executableAt - voteEnd).toBe(PARAMS.executionDelay);
    await mined(as(proposals, alice).vote(id, true));
    await mined(as(proposals, bob).vote(id, true));
    await expectRevert(as(proposals, bob).execute(id, list), 'ExecutionTooEarly', [executableAt]);
    await increaseTime(provider, PARAMS.voteWindow + 1n); // vote over, delay not
    await expectRevert(as(proposals, bob).execute(id, list), 'ExecutionTooEarly', [executableAt]);
    await increaseTime(provider, PARAMS.executionDelay);
    await expectRevert(as(proposals, bob).execute(id, [actions.grantRole(bob.address, INVITER)]), 'ActionsMismatch', [id]);
    const ex = await mined(as(proposals, outsider).execute(id, list)); // anyone executes
    eventOf(proposals, ex, 'ProposalExecuted');
    expect(await w.registry.hasRole(w.dacId, alice.address, INVITER)).toBe(true);
    await expectRevert(as(proposals, bob).execute(id, list), 'AlreadyExecuted', [id]);
  });
});

describe('actions', () => {
  it('SET_PARAMS changes the parameters (and invalid ones revert the whole proposal)', async () => {
    const next = { ...PARAMS, bondSize: parseEther('2'), quorumBps: 7500n };
    const rc = await passProposal(w, [actions.setParams(next)]);
    eventOf(w.registry, rc, 'ParamsChanged');
    const p = await w.registry.params(w.dacId);
    expect([p.bondSize, p.quorumBps]).toEqual([parseEther('2'), 7500n]);
    await expectRevert(passProposal(w, [actions.setParams({ ...next, voteWindow: 0n })]), 'InvalidParams');
  });

  it('SPEND credits the recipient from the treasury (pull payment), exactly', async () => {
    const ledger = await new EthLedger(provider, [founder.address, alice.address, bob.address, carol.address, outsider.address, DAC_TREASURY, DAC_COMMITMENTS]).begin();
    await ledger.send(as(w.treasury, outsider).fund(w.dacId, { value: parseEther('3') }));
    await expectRevert(as(w.treasury, founder).spend(w.dacId, ZERO_ADDRESS, founder.address, 1), 'Unauthorized', [founder.address]);
    await expectRevert(as(w.treasury, founder).release(w.dacId, ZERO_ADDRESS, 1), 'Unauthorized', [founder.address]);
    const list = [actions.spend(ZERO_ADDRESS, carol.address, parseEther('1'))];
    const pr = await ledger.send(as(proposals, founder).propose(w.dacId, list, 'bafyspend'));
    const id = eventOf(proposals, pr, 'ProposalCreated').args.id as bigint;
    for (const v of [founder, alice, bob]) await ledger.send(as(proposals, v).vote(id, true));
    await wait();
    await ledger.send(as(proposals, outsider).execute(id, list));
    expect(await w.treasury.balanceOf(w.dacId, ZERO_ADDRESS)).toBe(parseEther('2'));
    expect(await w.treasury.owed(carol.address, ZERO_ADDRESS)).toBe(parseEther('1'));
    const before = await provider.getBalance(carol.address);
    const wd = await ledger.send(as(w.treasury, carol).withdraw(ZERO_ADDRESS));
    expect(await provider.getBalance(carol.address)).toBe(before + parseEther('1') - wd.fee);
    await expectRevert(as(w.treasury, carol).withdraw(ZERO_ADDRESS), 'NothingOwed', [carol.address, ZERO_ADDRESS]);
    expect(await provider.getBalance(DAC_TREASURY)).toBe(parseEther('2'));
    await ledger.check();
    // more than the balance reverts the execution
    await expectRevert(passProposal(w, [actions.spend(ZERO_ADDRESS, carol.address, parseEther('5'))]), 'InsufficientTreasury', [
      w.dacId,
      ZERO_ADDRESS,
      parseEther('2'),
      parseEther('5'),
    ]);
  });

  it('GRANT_ATTRIBUTE and REVOKE_ATTRIBUTE in one proposal each', async () => {
    const rc = await passProposal(w, [actions.grantAttribute(bob.address, 'bafya'), actions.grantAttribute(bob.address, 'bafyb')]);
    const ids = [...(await w.attributes.attributesOf(w.dacId, bob.address))] as bigint[];
    expect(ids).toHaveLength(2);
    expect(rc.status).toBe(1);
    await passProposal(w, [actions.revokeAttribute(ids[0]!)]);
    expect([...(await w.attributes.attributesOf(w.dacId, bob.address))]).toEqual([ids[1]]);
  });

  it('GRANT_ROLE and REVOKE_ROLE', async () => {
    await passProposal(w, [actions.grantRole(bob.address, INVITER)]);
    expect(await w.registry.hasRole(w.dacId, bob.address, INVITER)).toBe(true);
    await mined(as(w.registry, bob).invite(w.dacId, outsider.address));
    await passProposal(w, [actions.revokeRole(bob.address, INVITER)]);
    expect(await w.registry.hasRole(w.dacId, bob.address, INVITER)).toBe(false);
    await expectRevert(as(w.registry, bob).invite(w.dacId, carol.address), 'NotInviter', [w.dacId, bob.address]);
  });
});
