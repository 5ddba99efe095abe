// DacRegistry, DacReputation and DacAttributes on anvil: creation, invitations, joining and leaving, roles and
// parameters only through DacProposals, reputation and attributes that cannot be transferred.
import type { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { id as keccakText } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventOf, expectRevert, mined, useAnvil } from './helpers.js';
import { PARAMS, actions, as, dacWorld, passProposal, type DacWorld } from './dac-fixture.js';

const env = useAnvil('dac-registry', { chainId: 901 });
let provider: JsonRpcProvider;
let w: DacWorld;
let founder: Wallet, alice: Wallet, bob: Wallet, outsider: Wallet;
let registry: Contract;
const FOUNDER = keccakText('FOUNDER');
const INVITER = keccakText('INVITER');

beforeAll(async () => {
  provider = env.provider;
  w = await dacWorld(provider, PARAMS, 2);
  ({ founder, outsider, registry } = w);
  [alice, bob] = w.members as [Wallet, Wallet];
});

describe('DacRegistry', () => {
  it('creates a DAC: founder is the first member with role FOUNDER and the initial reputation; views', async () => {
    expect(await registry.dacOf('acme')).toBe(w.dacId);
    expect(await registry.dacOf('Acme')).toBe(0n); // case-sensitive
    const info = await registry.info(w.dacId);
    expect([info.name, info.charterCid, info.founder]).toEqual(['acme', 'bafycharter', founder.address]);
    expect(await registry.hasRole(w.dacId, founder.address, FOUNDER)).toBe(true);
    expect([...(await registry.members(w.dacId))]).toEqual([founder.address, alice.address, bob.address]);
    expect((await registry.params(w.dacId)).bondSize).toBe(PARAMS.bondSize);
    for (const m of [founder, alice, bob]) expect(await w.reputation.reputationOf(w.dacId, m.address)).toBe(PARAMS.initialReputation);
    expect(await w.reputation.totalReputation(w.dacId)).toBe(3n * PARAMS.initialReputation);
  });

  it('rejects a taken name, bad names, CIDs and parameters, unknown DACs', async () => {
    const r = as(registry, outsider);
    await expectRevert(r.createDac('acme', 'cid', PARAMS), 'NameTaken', ['acme']);
    await expectRevert(r.createDac('', 'cid', PARAMS), 'InvalidName');
    await expectRevert(r.createDac('x'.repeat(129), 'cid', PARAMS), 'InvalidName');
    await expectRevert(r.createDac('other', '', PARAMS), 'InvalidCid');
    await expectRevert(r.createDac('other', 'c'.repeat(129), PARAMS), 'InvalidCid');
    await expectRevert(r.createDac('other', 'cid', { ...PARAMS, quorumBps: 10_001n }), 'InvalidParams');
    await expectRevert(r.createDac('other', 'cid', { ...PARAMS, bondSize: 0n }), 'InvalidParams');
    await expectRevert(r.params(99), 'UnknownDac', [99n]);
    await expectRevert(r.join(99), 'UnknownDac', [99n]);
    const rc = await mined(r.createDac('Acme', 'cid', PARAMS));
    expect(eventOf(registry, rc, 'DacCreated').args.dacId).toBe(w.dacId + 1n);
  });

  it('invite and join: only inviters invite, only invitees join, no double membership; leave drops reputation and roles', async () => {
    await expectRevert(as(registry, alice).invite(w.dacId, outsider.address), 'NotInviter', [w.dacId, alice.address]);
    await expectRevert(as(registry, outsider).join(w.dacId), 'NotInvited', [w.dacId, outsider.address]);
    await expectRevert(as(registry, founder).invite(w.dacId, alice.address), 'AlreadyMember', [w.dacId, alice.address]);
    await mined(as(registry, founder).invite(w.dacId, outsider.address));
    await expectRevert(as(registry, founder).invite(w.dacId, outsider.address), 'AlreadyInvited', [w.dacId, outsider.address]);
    expect(await registry.isInvited(w.dacId, outsider.address)).toBe(true);
    await mined(as(registry, outsider).join(w.dacId));
    expect(await registry.isMember(w.dacId, outsider.address)).toBe(true);
    await expectRevert(as(registry, outsider).join(w.dacId), 'NotInvited', [w.dacId, outsider.address]);
    const total = (await w.reputation.totalReputation(w.dacId)) as bigint;
    const rc = await mined(as(registry, outsider).leave(w.dacId));
    eventOf(registry, rc, 'MemberLeft');
    expect(await registry.isMember(w.dacId, outsider.address)).toBe(false);
    expect(await w.reputation.reputationOf(w.dacId, outsider.address)).toBe(0n);
    expect(await w.reputation.totalReputation(w.dacId)).toBe(total - PARAMS.initialReputation);
    await expectRevert(as(registry, outsider).leave(w.dacId), 'NotMember', [w.dacId, outsider.address]);
    // the founder leaving drops the FOUNDER role
    await mined(as(registry, founder).leave(w.dacId));
    expect(await registry.hasRole(w.dacId, founder.address, FOUNDER)).toBe(false);
  });

  it('roles and parameters change only through DacProposals', async () => {
    await expectRevert(as(registry, founder).grantRole(w.dacId, alice.address, INVITER), 'OnlyProposals', [founder.address]);
    await expectRevert(as(registry, founder).revokeRole(w.dacId, founder.address, FOUNDER), 'OnlyProposals', [founder.address]);
    await expectRevert(as(registry, founder).setParams(w.dacId, { ...PARAMS, bondSize: 1n }), 'OnlyProposals', [founder.address]);
    await passProposal(w, [actions.grantRole(alice.address, INVITER)]);
    expect(await registry.hasRole(w.dacId, alice.address, INVITER)).toBe(true);
    await mined(as(registry, alice).invite(w.dacId, outsider.address));
  });
});

describe('DacReputation', () => {
  it('cannot be transferred, approved, seeded or changed by anyone but the DAC contracts', async () => {
    const rep = as(w.reputation, alice);
    await expectRevert(rep.transfer(w.dacId, bob.address, 1), 'NonTransferable');
    await expectRevert(rep.transferFrom(w.dacId, alice.address, bob.address, 1), 'NonTransferable');
    await expectRevert(rep.approve(w.dacId, bob.address, 1), 'NonTransferable');
    await expectRevert(rep.seed(w.dacId, alice.address, 1000), 'Unauthorized', [alice.address]);
    await expectRevert(rep.clear(w.dacId, bob.address), 'Unauthorized', [alice.address]);
    await expectRevert(rep.increase(w.dacId, alice.address, 1000), 'Unauthorized', [alice.address]);
    await expectRevert(rep.decrease(w.dacId, bob.address, 1000), 'Unauthorized', [alice.address]);
  });

  it('keeps checkpoints by block number', async () => {
    const before = await provider.getBlockNumber();
    await mined(as(registry, founder).invite(w.dacId, outsider.address));
    await mined(as(registry, outsider).join(w.dacId));
    const joined = await provider.getBlockNumber();
    await provider.send('evm_mine', []);
    expect(await w.reputation.reputationAt(w.dacId, outsider.address, before)).toBe(0n);
    expect(await w.reputation.reputationAt(w.dacId, outsider.address, joined)).toBe(PARAMS.initialReputation);
    expect(await w.reputation.totalReputationAt(w.dacId, before)).toBe(3n * PARAMS.initialReputation);
    expect(await w.reputation.totalReputationAt(w.dacId, joined)).toBe(4n * PARAMS.initialReputation);
    const current = await provider.getBlockNumber();
    await expectRevert(w.reputation.reputationAt(w.dacId, alice.address, current + 1), 'FutureBlock', [BigInt(current + 1)]);
  });
});

describe('DacAttributes', () => {
  it('are granted and revoked by proposals only, with an IPFS tokenURI, and every transfer or approval reverts', async () => {
    expect(await w.attributes.name()).toBe('Metis DAC Attributes');
    expect(await w.attributes.symbol()).toBe('DACATTR');
    const attr = as(w.attributes, alice);
    await expectRevert(attr.grant(w.dacId, alice.address, 'bafyskill'), 'OnlyProposals', [alice.address]);
    const rc = await passProposal(w, [actions.grantAttribute(alice.address, 'bafyskill')]);
    const tokenId = eventOf(w.attributes, rc, 'AttributeGranted').args.tokenId as bigint;
    expect(await w.attributes.ownerOf(tokenId)).toBe(alice.address);
    expect(await w.attributes.tokenURI(tokenId)).toBe('ipfs://bafyskill');
    expect([...(await w.attributes.attributesOf(w.dacId, alice.address))]).toEqual([tokenId]);
    await expectRevert(attr.transferFrom(alice.address, bob.address, tokenId), 'Soulbound');
    await expectRevert(attr['safeTransferFrom(address,address,uint256)'](alice.address, bob.address, tokenId), 'Soulbound');
    await expectRevert(attr['safeTransferFrom(address,address,uint256,bytes)'](alice.address, bob.address, tokenId, '0x'), 'Soulbound');
    await expectRevert(attr.approve(bob.address, tokenId), 'Soulbound');
    await expectRevert(attr.setApprovalForAll(bob.address, true), 'Soulbound');
    await expectRevert(attr.revoke(w.dacId, tokenId), 'OnlyProposals', [alice.address]);
    const rv = await passProposal(w, [actions.revokeAttribute(tokenId)]);
    eventOf(w.attributes, rv, 'AttributeRevoked');
    expect(await w.attributes.balanceOf(alice.address)).toBe(0n);
    expect([...(await w.attributes.attributesOf(w.dacId, alice.address))]).toEqual([]);
  });

  it('are granted to members only', async () => {
    const list = [actions.grantAttribute(outsider.address, 'bafyskill')];
    await expectRevert(passProposal(w, list), 'NotMember', [w.dacId, outsider.address]);
  });
});
