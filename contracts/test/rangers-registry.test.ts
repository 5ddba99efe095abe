import type { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { TypedDataEncoder, id, parseEther } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ATTESTATION_TYPES,
  ZERO_ADDRESS,
  attestationOf,
  chainConfig,
  deployContract,
  eventOf,
  expectRevert,
  freshAddress,
  fundedWallet,
  increaseTime,
  label,
  mineAt,
  mined,
  nextBlockAt,
  recordGas,
  useAnvil,
} from './helpers.js';
import { MIN_STAKE, ONE, R, STAKE, UNBONDING, as, hR, newKey, setupRangers, timestampOf, type RangersEnv } from './rangers-fixture.js';

const T = 906n; // a chain staking an ERC-20
const SLASHER_ROLE = id('SLASHER_ROLE');

let provider: JsonRpcProvider;
let env: RangersEnv;
let registry: Contract;
let admin: Wallet;
let alice: Wallet;
let bob: Wallet;
let token: Contract;

const anvil = useAnvil('rangers-registry');
const ranger = (operator: string) => registry.getRanger(R, operator);
const ethBalance = (a: string): Promise<bigint> => provider.getBalance(a);

beforeAll(async () => {
  ({ provider } = anvil);
  env = await setupRangers(provider, []);
  ({ registry, admin } = env);
  alice = await fundedWallet(provider, '1000');
  bob = await fundedWallet(provider, '1000');
  token = await deployContract(admin, 'MetisTestToken', ['Stake', 'STK', parseEther('1000000')]);
  await mined(env.chains.registerChain(T, chainConfig({ owner: admin.address, proposer: admin.address }, { genesisStateRoot: label('genesis-t') })));
  await mined(registry.configureChain(T, token.target, 100n, 60));
  for (const w of [alice, bob]) {
    await mined(token.transfer(w.address, parseEther('1000')));
    await mined(as(token, w).approve(registry.target, parseEther('1000')));
  }
  await mined(registry.grantRole(SLASHER_ROLE, admin.address));
});

describe('RangerRegistry: deployment and the EIP-712 domain', () => {
  it('is wired to the chain registry and the treasury, and refuses zero addresses', async () => {
    expect(await registry.chainRegistry()).toBe(env.chains.target);
    expect(await registry.treasury()).toBe(env.treasury);
    expect(await registry.MAX_PEER_ID_LENGTH()).toBe(128n);
    await expectRevert(deployContract(admin, 'RangerRegistry', [ZERO_ADDRESS, env.treasury]), 'ZeroAddress', ['chainRegistry']);
    await expectRevert(deployContract(admin, 'RangerRegistry', [env.chains.target, ZERO_ADDRESS]), 'ZeroAddress', ['treasury']);
  });

  it('signs in the domain "Metis Rangers" / "1" / L1 chain id / the registry, and attestationDigest agrees with ethers', async () => {
    const domain = await registry.eip712Domain();
    expect([domain.name, domain.version, domain.chainId, domain.verifyingContract]).toEqual([
      'Metis Rangers',
      '1',
      (await provider.getNetwork()).chainId,
      registry.target,
    ]);
    const a = attestationOf(hR(3, { withdrawalRoot: label('w') }));
    expect(await registry.attestationDigest(a)).toBe(TypedDataEncoder.hash(env.domain, ATTESTATION_TYPES, a));
    expect(TypedDataEncoder.from(ATTESTATION_TYPES).encodeType('Attestation')).toBe(
      'Attestation(uint256 chainId,uint64 batchIndex,bytes32 prevStateRoot,bytes32 newStateRoot,bytes32 dataHash,bytes32 withdrawalRoot)',
    );
  });
});

describe('RangerRegistry: configuring a chain', () => {
  it('is done once, by the chain owner, with a non-zero minimum stake and unbonding delay', async () => {
    const C = 907n;
    await expectRevert(registry.configureChain(C, ZERO_ADDRESS, 1, 1), 'UnknownChain', [C]);
    await mined(env.chains.registerChain(C, chainConfig({ owner: alice.address, proposer: alice.address })));
    await expectRevert(registry.configureChain(C, ZERO_ADDRESS, 1, 1), 'NotChainOwner', [C, admin.address]);
    await expectRevert(as(registry, alice).configureChain(C, ZERO_ADDRESS, 0, 1), 'ZeroMinStake', []);
    await expectRevert(as(registry, alice).configureChain(C, ZERO_ADDRESS, 1, 0), 'ZeroUnbondingDelay', []);
    expect(await registry.isConfigured(C)).toBe(false);
    expect([...(await registry.chainConfig(C))]).toEqual([ZERO_ADDRESS, 0n, 0n]);
    await expectRevert(as(registry, bob).register(C, newKey().address, 'p', 1, { value: 1 }), 'ChainNotConfigured', [C]);
    const r = await mined(as(registry, alice).configureChain(C, token.target, 5n, 99));
    expect([...eventOf(registry, r, 'ChainConfigured').args]).toEqual([C, token.target, 5n, 99n]);
    expect(await registry.isConfigured(C)).toBe(true);
    expect([...(await registry.chainConfig(C))]).toEqual([token.target, 5n, 99n]);
    await expectRevert(as(registry, alice).configureChain(C, ZERO_ADDRESS, 1, 1), 'AlreadyConfigured', [C]);
  });
});

describe('RangerRegistry: registration (ETH stake)', () => {
  it('registers an operator with its key, peer id and stake; the snapshots follow', async () => {
    const key = newKey();
    const r = await mined(as(registry, alice).register(R, key.address, 'peer-a', STAKE, { value: STAKE }));
    recordGas('RangerRegistry.register (ETH)', r);
    const at = await timestampOf(provider, r);
    expect([...eventOf(registry, r, 'RangerRegistered').args]).toEqual([R, alice.address, key.address, 'peer-a', STAKE]);
    expect([...eventOf(registry, r, 'EffectiveStakeChanged').args]).toEqual([R, alice.address, STAKE, STAKE, BigInt(at)]);
    expect((await ranger(alice.address)).toObject()).toEqual({ signer: key.address, peerId: 'peer-a', stake: STAKE, unbonding: 0n, availableAt: 0n });
    expect(await registry.operatorOfSigner(R, key.address)).toBe(alice.address);
    expect(await registry.rangers(R)).toEqual([alice.address]);
    expect(await ethBalance(registry.target as string)).toBe(STAKE);
    expect(await registry.stakeAt(R, alice.address, at - 1)).toBe(0n);
    expect(await registry.stakeAt(R, alice.address, at)).toBe(STAKE);
    expect(await registry.totalStakeAt(R, at - 1)).toBe(0n);
    expect(await registry.totalStakeAt(R, at)).toBe(STAKE);

    const key2 = newKey();
    await increaseTime(provider, 10); // anvil may mine consecutive blocks in the same second
    const r2 = await mined(as(registry, bob).register(R, key2.address, 'peer-b', 2n * STAKE, { value: 2n * STAKE }));
    const at2 = await timestampOf(provider, r2);
    expect(await registry.rangers(R)).toEqual([alice.address, bob.address]);
    expect(await registry.totalStakeAt(R, at2)).toBe(3n * STAKE);
    expect(await registry.totalStakeAt(R, at2 - 1)).toBe(STAKE);
    const unknown = newKey().address;
    const q = await registry.quorumAt(R, [key2.address, unknown, key.address], at2);
    expect(q.operators).toEqual([bob.address, ZERO_ADDRESS, alice.address]);
    expect(q.stakes).toEqual([2n * STAKE, 0n, STAKE]);
    expect(q.total).toBe(3n * STAKE);
    const before = await registry.quorumAt(R, [key2.address, key.address], at2 - 1);
    expect(before.stakes).toEqual([0n, STAKE]);
    expect(before.total).toBe(STAKE);
  });

  it('refuses a zero or used key, a bad peer id, a wrong value, too little stake and a second registration', async () => {
    const key = newKey();
    await expectRevert(as(registry, alice).register(R, ZERO_ADDRESS, 'p', STAKE, { value: STAKE }), 'ZeroAddress', ['signer']);
    await expectRevert(as(registry, alice).register(R, key.address, '', STAKE, { value: STAKE }), 'InvalidPeerId', [0n]);
    await expectRevert(as(registry, alice).register(R, key.address, 'x'.repeat(129), STAKE, { value: STAKE }), 'InvalidPeerId', [129n]);
    await expectRevert(as(registry, alice).register(R, key.address, 'p', 0, { value: 0 }), 'ZeroAmount', []);
    await expectRevert(as(registry, alice).register(R, key.address, 'p', STAKE, { value: STAKE - 1n }), 'WrongValue', [STAKE, STAKE - 1n]);
    await expectRevert(as(registry, alice).register(R, key.address, 'p', MIN_STAKE - 1n, { value: MIN_STAKE - 1n }), 'BelowMinStake', [
      R,
      MIN_STAKE - 1n,
      MIN_STAKE,
    ]);
    await mined(as(registry, alice).register(R, key.address, 'x'.repeat(128), MIN_STAKE, { value: MIN_STAKE }));
    await expectRevert(as(registry, alice).register(R, newKey().address, 'p', STAKE, { value: STAKE }), 'AlreadyRegistered', [R, alice.address]);
    await expectRevert(as(registry, bob).register(R, key.address, 'p', STAKE, { value: STAKE }), 'SignerTaken', [R, key.address]);
    // The same key may serve on another chain.
    await mined(as(registry, bob).register(T, key.address, 'p', 100n));
  });

  it('adds stake, changes the peer id and the key; an old key stays mapped but no longer counts', async () => {
    const key = newKey();
    await mined(as(registry, alice).register(R, key.address, 'p1', STAKE, { value: STAKE }));
    await expectRevert(as(registry, bob).addStake(R, ONE, { value: ONE }), 'NotRegistered', [R, bob.address]);
    await expectRevert(as(registry, alice).addStake(R, 0), 'ZeroAmount', []);
    await expectRevert(as(registry, alice).addStake(R, ONE, { value: 2n * ONE }), 'WrongValue', [ONE, 2n * ONE]);
    const r = await mined(as(registry, alice).addStake(R, ONE, { value: ONE }));
    expect([...eventOf(registry, r, 'StakeAdded').args]).toEqual([R, alice.address, ONE, STAKE + ONE]);
    expect((await ranger(alice.address)).stake).toBe(STAKE + ONE);

    await expectRevert(as(registry, bob).setPeerId(R, 'q'), 'NotRegistered', [R, bob.address]);
    await expectRevert(as(registry, alice).setPeerId(R, ''), 'InvalidPeerId', [0n]);
    const rp = await mined(as(registry, alice).setPeerId(R, 'p2'));
    expect([...eventOf(registry, rp, 'PeerIdChanged').args]).toEqual([R, alice.address, 'p2']);
    expect((await ranger(alice.address)).peerId).toBe('p2');

    const key2 = newKey();
    await expectRevert(as(registry, bob).setSigner(R, key2.address), 'NotRegistered', [R, bob.address]);
    await expectRevert(as(registry, alice).setSigner(R, ZERO_ADDRESS), 'ZeroAddress', ['signer']);
    await expectRevert(as(registry, alice).setSigner(R, key.address), 'SignerTaken', [R, key.address]);
    const rs = await mined(as(registry, alice).setSigner(R, key2.address));
    const at = await timestampOf(provider, rs);
    expect([...eventOf(registry, rs, 'SignerChanged').args]).toEqual([R, alice.address, key.address, key2.address]);
    expect((await ranger(alice.address)).signer).toBe(key2.address);
    expect(await registry.operatorOfSigner(R, key.address)).toBe(alice.address);
    expect(await registry.operatorOfSigner(R, key2.address)).toBe(alice.address);
    const q = await registry.quorumAt(R, [key.address, key2.address], at);
    expect(q.operators).toEqual([alice.address, alice.address]);
    expect(q.stakes).toEqual([0n, STAKE + ONE]);
    // Nobody, not even its operator, may take an old key again.
    await expectRevert(as(registry, alice).setSigner(R, key.address), 'SignerTaken', [R, key.address]);
    await expectRevert(as(registry, bob).register(R, key.address, 'p', STAKE, { value: STAKE }), 'SignerTaken', [R, key.address]);
  });
});

describe('RangerRegistry: unstaking', () => {
  it('moves stake into unbonding (0 or >= minStake must remain), pays it after the delay, restarting on each request', async () => {
    await mined(as(registry, alice).register(R, newKey().address, 'p', STAKE, { value: STAKE }));
    await increaseTime(provider, 10); // anvil may mine consecutive blocks in the same second
    await expectRevert(as(registry, bob).requestUnstake(R, ONE), 'NotRegistered', [R, bob.address]);
    await expectRevert(as(registry, alice).requestUnstake(R, 0), 'ZeroAmount', []);
    await expectRevert(as(registry, alice).requestUnstake(R, STAKE + 1n), 'InsufficientStake', [R, alice.address, STAKE, STAKE + 1n]);
    await expectRevert(as(registry, alice).requestUnstake(R, STAKE - MIN_STAKE + 1n), 'BelowMinStake', [R, MIN_STAKE - 1n, MIN_STAKE]);

    const r1 = await mined(as(registry, alice).requestUnstake(R, 4n * ONE));
    const t1 = await timestampOf(provider, r1);
    expect([...eventOf(registry, r1, 'UnstakeRequested').args]).toEqual([R, alice.address, 4n * ONE, 6n * ONE, 4n * ONE, BigInt(t1 + UNBONDING)]);
    expect(await registry.stakeAt(R, alice.address, t1 - 1)).toBe(STAKE);
    expect(await registry.stakeAt(R, alice.address, t1)).toBe(6n * ONE);
    await expectRevert(as(registry, alice).withdrawUnstaked(R), 'WithdrawalNotReady', [R, alice.address, BigInt(t1 + UNBONDING)]);

    await mineAt(provider, t1 + 100);
    const r2 = await mined(as(registry, alice).requestUnstake(R, 6n * ONE)); // all of it: allowed
    const t2 = await timestampOf(provider, r2);
    const availableAt = BigInt(t2 + UNBONDING);
    expect((await ranger(alice.address)).toObject()).toMatchObject({ stake: 0n, unbonding: STAKE, availableAt });
    expect(await registry.totalStakeAt(R, t2)).toBe(0n);

    // A margin, not `- 1`: the revert is checked by estimating against anvil's pending block, whose
    // timestamp follows the wall clock, so on a loaded machine one second may already have passed.
    await mineAt(provider, t2 + UNBONDING - 60);
    await expectRevert(as(registry, alice).withdrawUnstaked(R), 'WithdrawalNotReady', [R, alice.address, availableAt]);
    const before = await ethBalance(alice.address);
    await nextBlockAt(provider, availableAt);
    const r3 = await mined(as(registry, alice).withdrawUnstaked(R));
    expect(await timestampOf(provider, r3)).toBe(t2 + UNBONDING);
    expect([...eventOf(registry, r3, 'StakeWithdrawn').args]).toEqual([R, alice.address, STAKE]);
    expect(await ethBalance(alice.address)).toBe(before + STAKE - r3.fee);
    expect(await ethBalance(registry.target as string)).toBe(0n);
    await expectRevert(as(registry, alice).withdrawUnstaked(R), 'NothingToWithdraw', [R, alice.address]);
    // Still registered: it can stake again.
    await mined(as(registry, alice).addStake(R, MIN_STAKE, { value: MIN_STAKE }));
    expect((await ranger(alice.address)).stake).toBe(MIN_STAKE);
  });
});

describe('RangerRegistry: ERC-20 stake', () => {
  it('pulls the token (no ETH), pays it back after unbonding', async () => {
    const key = newKey();
    await expectRevert(as(registry, alice).register(T, key.address, 'p', 500n, { value: 1n }), 'WrongValue', [0n, 1n]);
    const poor = await fundedWallet(provider);
    await expectRevert(as(registry, poor).register(T, key.address, 'p', 500n), 'ERC20InsufficientAllowance', [registry.target, 0n, 500n]);
    const r = await mined(as(registry, alice).register(T, key.address, 'p', 500n));
    recordGas('RangerRegistry.register (ERC-20)', r);
    expect(await token.balanceOf(registry.target)).toBe(500n);
    await expectRevert(as(registry, alice).addStake(T, 5n, { value: 5n }), 'WrongValue', [0n, 5n]);
    await mined(as(registry, alice).addStake(T, 50n));
    expect((await registry.getRanger(T, alice.address)).stake).toBe(550n);
    await mined(as(registry, alice).requestUnstake(T, 550n));
    await increaseTime(provider, 60);
    const before = await token.balanceOf(alice.address);
    await mined(as(registry, alice).withdrawUnstaked(T));
    expect(await token.balanceOf(alice.address)).toBe(before + 550n);
    expect(await token.balanceOf(registry.target)).toBe(0n);
  });

  it('counts what arrives of a fee-on-transfer token', async () => {
    const F = 908n;
    const fee = await deployContract(admin, 'FeeOnTransferToken', [100, 10_000_000n]); // 1 %
    await mined(env.chains.registerChain(F, chainConfig({ owner: admin.address, proposer: admin.address }, { genesisStateRoot: label('genesis-f') })));
    await mined(registry.configureChain(F, fee.target, 990n, 60));
    await mined(fee.approve(registry.target, 1000n));
    await expectRevert(registry.register(F, newKey().address, 'p', 998n), 'BelowMinStake', [F, 989n, 990n]);
    const r = await mined(registry.register(F, newKey().address, 'p', 1000n));
    expect(eventOf(registry, r, 'RangerRegistered').args.stake).toBe(990n);
    expect((await registry.getRanger(F, admin.address)).stake).toBe(990n);
  });
});

describe('RangerRegistry: slashing', () => {
  it('is for SLASHER_ROLE only and needs an amount', async () => {
    await expectRevert(as(registry, alice).slash(R, bob.address, 1, alice.address, 0), 'AccessControlUnauthorizedAccount', [alice.address, SLASHER_ROLE]);
    await expectRevert(registry.slash(R, bob.address, 0, alice.address, 0), 'ZeroAmount', []);
  });

  it('takes active stake first, then unbonding, at most what exists; pays the reward and the treasury in ETH', async () => {
    await mined(as(registry, alice).register(R, newKey().address, 'p', STAKE, { value: STAKE }));
    await mined(as(registry, alice).requestUnstake(R, 4n * ONE)); // 6 active, 4 unbonding
    const to = freshAddress();
    const t0 = await ethBalance(env.treasury);
    await expectRevert(registry.slash(R, alice.address, ONE, ZERO_ADDRESS, 1n), 'ZeroAddress', ['rewardTo']);

    // 5 from the active stake: 1 left, still minStake.
    const r1 = await mined(registry.slash(R, alice.address, 5n * ONE, to, 2n * ONE));
    const at1 = await timestampOf(provider, r1);
    expect([...eventOf(registry, r1, 'RangerSlashed').args]).toEqual([R, alice.address, 5n * ONE, to, 2n * ONE, 3n * ONE]);
    expect(await ethBalance(to)).toBe(2n * ONE);
    expect(await ethBalance(env.treasury)).toBe(t0 + 3n * ONE);
    expect((await ranger(alice.address)).toObject()).toMatchObject({ stake: ONE, unbonding: 4n * ONE });
    expect(await registry.stakeAt(R, alice.address, at1)).toBe(ONE);

    // 1 active + 2 unbonding; the active stake is gone.
    const r2 = await mined(registry.slash(R, alice.address, 3n * ONE, to, 0));
    expect(eventOf(registry, r2, 'RangerSlashed').args.amount).toBe(3n * ONE);
    expect((await ranger(alice.address)).toObject()).toMatchObject({ stake: 0n, unbonding: 2n * ONE });
    expect(await registry.totalStakeAt(R, await timestampOf(provider, r2))).toBe(0n);

    // Asks for 10, only 2 exist; the reward is capped at what was taken.
    const r3 = await mined(registry.slash(R, alice.address, 10n * ONE, to, 5n * ONE));
    expect([...eventOf(registry, r3, 'RangerSlashed').args]).toEqual([R, alice.address, 2n * ONE, to, 2n * ONE, 0n]);
    expect(await ethBalance(to)).toBe(4n * ONE);
    expect(await ethBalance(env.treasury)).toBe(t0 + 6n * ONE);
    expect(await ethBalance(registry.target as string)).toBe(0n);
    // Nothing left: nothing taken.
    const r4 = await mined(registry.slash(R, alice.address, ONE, to, ONE));
    expect(eventOf(registry, r4, 'RangerSlashed').args.amount).toBe(0n);
  });

  it('a stake slashed below minStake counts as 0 until topped up', async () => {
    await mined(as(registry, alice).register(R, newKey().address, 'p', 2n * ONE, { value: 2n * ONE }));
    const r = await mined(registry.slash(R, alice.address, ONE + 1n, freshAddress(), 0));
    const at = await timestampOf(provider, r);
    expect((await ranger(alice.address)).stake).toBe(ONE - 1n);
    expect(await registry.stakeAt(R, alice.address, at)).toBe(0n);
    expect(await registry.totalStakeAt(R, at)).toBe(0n);
    const r2 = await mined(as(registry, alice).addStake(R, 1n, { value: 1n }));
    expect(await registry.stakeAt(R, alice.address, await timestampOf(provider, r2))).toBe(ONE);
  });

  it('pays ERC-20 stake to the reward account and the treasury', async () => {
    await mined(as(registry, bob).register(T, newKey().address, 'p', 1000n));
    const to = freshAddress();
    await mined(registry.slash(T, bob.address, 1000n, to, 500n));
    expect(await token.balanceOf(to)).toBe(500n);
    expect(await token.balanceOf(env.treasury)).toBe(500n);
    expect(await token.balanceOf(registry.target)).toBe(0n);
  });
});

