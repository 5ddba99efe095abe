import type { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { hexlify, toUtf8Bytes } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployL1, type ChainConfig } from '@metis/testkit';
import {
  ZERO_ADDRESS,
  ZERO_HASH,
  chainConfig,
  devWallets,
  eventOf,
  expectRevert,
  label,
  mined,
  useAnvil,
} from './helpers.js';

let provider: JsonRpcProvider;
let owner: Wallet;
let sequencer: Wallet;
let proposer: Wallet;
let stranger: Wallet;
let registry: Contract;

const CHAIN = 901n;

const env = useAnvil();

beforeAll(async () => {
  ({ provider } = env);
  [owner, sequencer, proposer, stranger] = devWallets(provider, 4) as [Wallet, Wallet, Wallet, Wallet];
  ({ chainRegistry: registry } = await deployL1(owner, { unbondingDelay: 3600 }));
});

const cfgOf = (overrides: Partial<ChainConfig> = {}): ChainConfig =>
  chainConfig({ owner: owner.address, sequencer: sequencer.address, proposer: proposer.address }, overrides);

const asObject = (c: ChainConfig) => ({
  owner: c.owner,
  sequencer: c.sequencer,
  proposer: c.proposer,
  challengeWindow: BigInt(c.challengeWindow),
  minBond: c.minBond,
  daKind: BigInt(c.daKind),
  genesisStateRoot: c.genesisStateRoot,
  inclusionWindow: BigInt(c.inclusionWindow),
});

const readChain = async (chainId: bigint) => {
  const c = await registry.getChain(chainId);
  return {
    owner: c.owner,
    sequencer: c.sequencer,
    proposer: c.proposer,
    challengeWindow: c.challengeWindow,
    minBond: c.minBond,
    daKind: c.daKind,
    genesisStateRoot: c.genesisStateRoot,
    inclusionWindow: c.inclusionWindow,
  };
};

describe('ChainRegistry', () => {
  it('registers a chain: event, getChain, isRegistered', async () => {
    const cfg = cfgOf({ challengeWindow: 7200, minBond: 5n, daKind: 2, inclusionWindow: 30 });
    expect(await registry.isRegistered(CHAIN)).toBe(false);
    // Anyone may register (here a stranger registers a chain owned by `owner`).
    const receipt = await mined((registry.connect(stranger) as Contract).registerChain(CHAIN, cfg));
    const ev = eventOf(registry, receipt, 'ChainRegistered');
    expect(ev.args.chainId).toBe(CHAIN);
    expect(ev.args.owner).toBe(owner.address);
    expect(ev.args.config.toObject()).toEqual(asObject(cfg));
    expect(await registry.isRegistered(CHAIN)).toBe(true);
    expect(await readChain(CHAIN)).toEqual(asObject(cfg));
    expect(await registry.sequencerInfo(CHAIN)).toBe('0x');
  });

  it('registers a chain id once only', async () => {
    await mined(registry.registerChain(CHAIN, cfgOf()));
    await expectRevert(registry.registerChain(CHAIN, cfgOf()), 'ChainAlreadyRegistered', [CHAIN]);
    await expectRevert((registry.connect(stranger) as Contract).registerChain(CHAIN, cfgOf({ owner: stranger.address })), 'ChainAlreadyRegistered', [CHAIN]);
    // The original config is untouched.
    expect((await readChain(CHAIN)).owner).toBe(owner.address);
  });

  it('rejects invalid configs with a named error', async () => {
    await expectRevert(registry.registerChain(0, cfgOf()), 'InvalidChainId', [0]);
    await expectRevert(registry.registerChain(CHAIN, cfgOf({ owner: ZERO_ADDRESS })), 'ZeroAddress', ['owner']);
    await expectRevert(registry.registerChain(CHAIN, cfgOf({ sequencer: ZERO_ADDRESS })), 'ZeroAddress', ['sequencer']);
    await expectRevert(registry.registerChain(CHAIN, cfgOf({ proposer: ZERO_ADDRESS })), 'ZeroAddress', ['proposer']);
    await expectRevert(registry.registerChain(CHAIN, cfgOf({ daKind: 0 })), 'InvalidDaKind', [0]);
    await expectRevert(registry.registerChain(CHAIN, cfgOf({ genesisStateRoot: ZERO_HASH })), 'ZeroGenesisStateRoot', []);
    await expectRevert(registry.registerChain(CHAIN, cfgOf({ inclusionWindow: 0 })), 'ZeroInclusionWindow', []);
    expect(await registry.isRegistered(CHAIN)).toBe(false);
  });

  it('accepts later DA kinds, a zero challenge window and a zero minimum bond', async () => {
    await mined(registry.registerChain(CHAIN, cfgOf({ daKind: 7, challengeWindow: 0, minBond: 0n })));
    const c = await readChain(CHAIN);
    expect(c.daKind).toBe(7n);
    expect(c.challengeWindow).toBe(0n);
    expect(c.minBond).toBe(0n);
  });

  it('getChain and sequencerInfo revert UnknownChain for an unregistered chain', async () => {
    await expectRevert(registry.getChain(12345), 'UnknownChain', [12345]);
    await expectRevert(registry.sequencerInfo(12345), 'UnknownChain', [12345]);
    expect(await registry.isRegistered(12345)).toBe(false);
  });

  it('the chain owner updates the sequencer, the proposer and the sequencer info', async () => {
    await mined(registry.registerChain(CHAIN, cfgOf()));
    const [, , , , newSeq, newProp] = devWallets(provider, 6);

    let receipt = await mined(registry.setSequencer(CHAIN, newSeq!.address));
    let ev = eventOf(registry, receipt, 'SequencerUpdated');
    expect([ev.args.chainId, ev.args.previous, ev.args.current]).toEqual([CHAIN, sequencer.address, newSeq!.address]);

    receipt = await mined(registry.setProposer(CHAIN, newProp!.address));
    ev = eventOf(registry, receipt, 'ProposerUpdated');
    expect([ev.args.chainId, ev.args.previous, ev.args.current]).toEqual([CHAIN, proposer.address, newProp!.address]);

    const info = hexlify(toUtf8Bytes('/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWExample'));
    receipt = await mined(registry.setSequencerInfo(CHAIN, info));
    ev = eventOf(registry, receipt, 'SequencerInfoUpdated');
    expect([ev.args.chainId, ev.args.info]).toEqual([CHAIN, info]);
    expect(await registry.sequencerInfo(CHAIN)).toBe(info);

    const c = await readChain(CHAIN);
    expect(c.sequencer).toBe(newSeq!.address);
    expect(c.proposer).toBe(newProp!.address);
    // The fixed fields did not move.
    expect(c).toMatchObject({ challengeWindow: 3600n, genesisStateRoot: label('genesis'), minBond: 10n ** 18n, daKind: 1n, inclusionWindow: 100n });
  });

  it('only the chain owner may update; zero addresses are refused; unknown chains revert', async () => {
    await mined(registry.registerChain(CHAIN, cfgOf()));
    const asStranger = registry.connect(stranger) as Contract;
    await expectRevert(asStranger.setSequencer(CHAIN, stranger.address), 'NotChainOwner', [CHAIN, stranger.address]);
    await expectRevert(asStranger.setProposer(CHAIN, stranger.address), 'NotChainOwner', [CHAIN, stranger.address]);
    await expectRevert(asStranger.setSequencerInfo(CHAIN, '0x1234'), 'NotChainOwner', [CHAIN, stranger.address]);
    await expectRevert(asStranger.transferChainOwnership(CHAIN, stranger.address), 'NotChainOwner', [CHAIN, stranger.address]);
    // The sequencer and the proposer are not owners either.
    await expectRevert((registry.connect(proposer) as Contract).setProposer(CHAIN, proposer.address), 'NotChainOwner', [CHAIN, proposer.address]);
    await expectRevert(registry.setSequencer(CHAIN, ZERO_ADDRESS), 'ZeroAddress', ['sequencer']);
    await expectRevert(registry.setProposer(CHAIN, ZERO_ADDRESS), 'ZeroAddress', ['proposer']);
    await expectRevert(registry.transferChainOwnership(CHAIN, ZERO_ADDRESS), 'ZeroAddress', ['owner']);
    await expectRevert(registry.setSequencer(777, stranger.address), 'UnknownChain', [777]);
    await expectRevert(registry.setSequencerInfo(777, '0x12'), 'UnknownChain', [777]);
  });

  it('hands a chain over to a new owner', async () => {
    await mined(registry.registerChain(CHAIN, cfgOf()));
    const receipt = await mined(registry.transferChainOwnership(CHAIN, stranger.address));
    const ev = eventOf(registry, receipt, 'ChainOwnershipTransferred');
    expect([ev.args.chainId, ev.args.previousOwner, ev.args.newOwner]).toEqual([CHAIN, owner.address, stranger.address]);
    expect((await readChain(CHAIN)).owner).toBe(stranger.address);
    await expectRevert(registry.setSequencer(CHAIN, owner.address), 'NotChainOwner', [CHAIN, owner.address]);
    await mined((registry.connect(stranger) as Contract).setSequencer(CHAIN, stranger.address));
    expect((await readChain(CHAIN)).sequencer).toBe(stranger.address);
  });

  it('has no way to change the challenge window, the bond, the DA kind, the genesis root or the inclusion window', () => {
    const writers = registry.interface.fragments
      .filter((f) => f.type === 'function' && !['view', 'pure'].includes((f as unknown as { stateMutability: string }).stateMutability))
      .map((f) => (f as unknown as { name: string }).name)
      .sort();
    expect(writers).toEqual(['registerChain', 'setProposer', 'setSequencer', 'setSequencerInfo', 'transferChainOwnership']);
  });

  it('keeps chains independent', async () => {
    await mined(registry.registerChain(901, cfgOf()));
    await mined(registry.registerChain(902, cfgOf({ owner: stranger.address, challengeWindow: 60, genesisStateRoot: label('other') })));
    await mined(registry.setProposer(901, stranger.address));
    expect((await readChain(902n)).proposer).toBe(proposer.address);
    expect((await readChain(902n)).challengeWindow).toBe(60n);
    expect((await readChain(901n)).genesisStateRoot).toBe(label('genesis'));
    await expectRevert(registry.setProposer(902, owner.address), 'NotChainOwner', [902, owner.address]);
  });
});
