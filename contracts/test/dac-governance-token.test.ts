// The DAC governance contracts with the real token factory predeploy: a token launched and minted by proposals
// (mint outside governance reverts), and commitments bonded in the DAC's token (SafeERC20), challenged, slashed
// and rewarded from the treasury's token balance, with the token supply and balances conserved exactly.
import type { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { AbiCoder, parseEther } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import { at, eventOf, expectRevert, increaseTime, mined, useAnvil } from './helpers.js';
import { ACTION, DAC_COMMITMENTS, DAC_TOKEN_FACTORY, DAC_TREASURY, PARAMS, actions, as, dacWorld, passProposal, type DacWorld } from './dac-fixture.js';

const env = useAnvil('dac-governance-token', { chainId: 901 });
let provider: JsonRpcProvider;
let w: DacWorld;
let founder: Wallet, alice: Wallet, bob: Wallet, carol: Wallet, outsider: Wallet;
let factory: Contract;
let token: Contract;
const ALLOC = parseEther('100');
const CAP = parseEther('1000');
const BOND = PARAMS.bondSize;
const VESTING_TUPLE = 'tuple(address beneficiary,uint256 amount,uint64 start,uint64 duration)[]';

function launchAction(holders: string[], amounts: bigint[], vesting: { beneficiary: string; amount: bigint; start: bigint; duration: bigint }[] = []) {
  const data = AbiCoder.defaultAbiCoder().encode(
    ['string', 'string', 'uint256', 'address[]', 'uint256[]', VESTING_TUPLE],
    ['Acme', 'ACME', CAP, holders, amounts, vesting],
  );
  return { kind: ACTION.LAUNCH_TOKEN, data };
}

beforeAll(async () => {
  provider = env.provider;
  w = await dacWorld(provider);
  ({ founder, outsider } = w);
  [alice, bob, carol] = w.members as [Wallet, Wallet, Wallet];
  await provider.send('anvil_setCode', [DAC_TOKEN_FACTORY, loadArtifact('DacTokenFactory').deployedBytecode]);
  factory = at('DacTokenFactory', DAC_TOKEN_FACTORY, provider);
  expect(await w.commitments.dacToken(w.dacId)).toBe('0x0000000000000000000000000000000000000000');
  const members = [founder, alice, bob, carol].map((m) => m.address);
  const now = BigInt((await provider.getBlock('latest'))!.timestamp);
  await passProposal(w, [launchAction(members, members.map(() => ALLOC), [{ beneficiary: carol.address, amount: ALLOC, start: now, duration: 86_400n }])]);
  token = at('DacToken', await factory.tokenOf(w.dacId), provider);
});

const tokenSum = async (addresses: string[]) => {
  let s = 0n;
  for (const a of addresses) s += (await token.balanceOf(a)) as bigint;
  return s;
};

describe('token actions', () => {
  it('LAUNCH_TOKEN deployed the DAC token with the allocations and vesting; a second launch reverts', async () => {
    expect(await w.commitments.dacToken(w.dacId)).toBe(await token.getAddress());
    expect(await token.balanceOf(alice.address)).toBe(ALLOC);
    expect(await token.totalSupply()).toBe(5n * ALLOC);
    expect(await factory.vestingWalletsOf(w.dacId)).toHaveLength(1);
    await expectRevert(passProposal(w, [launchAction([], [])]), 'TokenAlreadyLaunched', [w.dacId, await token.getAddress()]);
  });

  it('MINT_TOKEN mints through the factory; mint outside governance reverts', async () => {
    await expectRevert(as(factory, founder).mint(w.dacId, founder.address, 1n), 'NotDacProposals', [founder.address]);
    const rc = await passProposal(w, [actions.mintToken(outsider.address, parseEther('7'))]);
    expect(rc.status).toBe(1);
    expect(await token.balanceOf(outsider.address)).toBe(parseEther('7'));
    expect(await token.totalSupply()).toBe(5n * ALLOC + parseEther('7'));
  });
});

describe('token bonds', () => {
  const holders = () => [founder.address, alice.address, bob.address, carol.address, outsider.address, DAC_COMMITMENTS, DAC_TREASURY];

  it('a token-bonded commitment challenged and lost: half to the winner, half to the treasury, exactly; then a kept one paid in tokens', async () => {
    const supply = (await token.totalSupply()) as bigint;
    const start = await tokenSum(holders());
    await mined(as(token, founder).approve(DAC_TREASURY, parseEther('10')));
    await mined(as(w.treasury, founder).fundToken(w.dacId, await token.getAddress(), parseEther('10')));
    expect(await w.treasury.balanceOf(w.dacId, await token.getAddress())).toBe(parseEther('10'));
    const deadline = BigInt((await provider.getBlock('latest'))!.timestamp) + 86_400n;
    await expectRevert(as(w.commitments, alice).commitToken(w.dacId, 'bafyt', deadline, 0, BOND), 'ERC20InsufficientAllowance', [DAC_COMMITMENTS, 0n, BOND]);
    await mined(as(token, alice).approve(DAC_COMMITMENTS, BOND));
    await expectRevert(as(w.commitments, alice).commitToken(w.dacId, 'bafyt', deadline, 0, BOND - 1n), 'BondTooSmall', [BOND - 1n, BOND]);
    const r = await mined(as(w.commitments, alice).commitToken(w.dacId, 'bafyt', deadline, parseEther('1'), BOND));
    const id = eventOf(w.commitments, r, 'Committed').args.id as bigint;
    await mined(as(w.commitments, alice).deliver(id, 'bafyout'));
    await expectRevert(as(w.commitments, bob).challenge(id, { value: 1n }), 'UnexpectedValue');
    await mined(as(token, bob).approve(DAC_COMMITMENTS, BOND));
    await mined(as(w.commitments, bob).challenge(id));
    expect(await token.balanceOf(DAC_COMMITMENTS)).toBe(2n * BOND);
    await mined(as(w.commitments, carol).vote(id, false));
    await increaseTime(provider, PARAMS.voteWindow + 1n);
    await mined(as(w.commitments, outsider).resolve(id));
    expect(await w.treasury.balanceOf(w.dacId, await token.getAddress())).toBe(parseEther('10') + BOND / 2n);
    expect(await w.commitments.owed(bob.address, await token.getAddress())).toBe(BOND + BOND / 2n);
    const bobBefore = (await token.balanceOf(bob.address)) as bigint;
    await mined(as(w.commitments, bob).withdraw(await token.getAddress()));
    expect(await token.balanceOf(bob.address)).toBe(bobBefore + BOND + BOND / 2n);
    expect(await token.balanceOf(DAC_COMMITMENTS)).toBe(0n);

    // kept, rewarded in tokens from the treasury
    await mined(as(token, alice).approve(DAC_COMMITMENTS, BOND));
    const r2 = await mined(as(w.commitments, alice).commitToken(w.dacId, 'bafyt', deadline, parseEther('1'), BOND));
    const id2 = eventOf(w.commitments, r2, 'Committed').args.id as bigint;
    await mined(as(w.commitments, alice).deliver(id2, 'bafyout'));
    await increaseTime(provider, PARAMS.challengeWindow + 1n);
    await mined(as(w.commitments, alice).resolve(id2));
    const aliceBefore = (await token.balanceOf(alice.address)) as bigint;
    await mined(as(w.commitments, alice).withdraw(await token.getAddress()));
    expect(await token.balanceOf(alice.address)).toBe(aliceBefore + BOND + parseEther('1'));
    expect(await tokenSum(holders())).toBe(start);
    expect(await token.totalSupply()).toBe(supply);
  });

  it('a token-bonded commitment that misses its deadline is slashed into the treasury', async () => {
    const start = await tokenSum(holders());
    const deadline = BigInt((await provider.getBlock('latest'))!.timestamp) + 100n;
    await mined(as(token, alice).approve(DAC_COMMITMENTS, BOND));
    const r = await mined(as(w.commitments, alice).commitToken(w.dacId, 'bafyt', deadline, 0, BOND));
    const id = eventOf(w.commitments, r, 'Committed').args.id as bigint;
    await increaseTime(provider, 101);
    await mined(as(w.commitments, outsider).slash(id));
    expect(await w.treasury.balanceOf(w.dacId, await token.getAddress())).toBe(BOND);
    expect(await token.balanceOf(DAC_TREASURY)).toBe(BOND);
    expect(await tokenSum(holders())).toBe(start);
    // and a proposal spends it
    await passProposal(w, [actions.spend(await token.getAddress(), carol.address, BOND)]);
    await mined(as(w.treasury, carol).withdraw(await token.getAddress()));
    expect(await token.balanceOf(DAC_TREASURY)).toBe(0n);
    expect(await tokenSum(holders())).toBe(start);
  });
});
