// DACs end to end on `metis dev` (its embedded anvil L1, dac() and token() in the devnet): a DAC is created and
// joined; one commitment is kept, one challenged and lost, one slashed after its deadline; a DAC token is launched
// and minted by proposals, vested, and bridged to L1 and back. Every ETH and token move is checked to the wei.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, HDNodeWallet, JsonRpcProvider, Wallet, parseEther, type Signer } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import type { L1Contracts } from '@metis/l1';
import {
  challenge,
  commit,
  commitmentInfo,
  createDac,
  dacActions,
  dacInfo,
  dacTokenInfo,
  deliver,
  executeProposal,
  fundTreasury,
  inviteMember,
  isDacRevert,
  joinDac,
  propose,
  resolveCommitment,
  slashCommitment,
  voteOnCommitment,
  voteOnProposal,
  withdrawOwed,
  releaseVested,
  depositERC20,
  escrowedOf,
  finalizeWithdrawal,
  mirrorTokenFor,
  nativeTokenFor,
  registerL2Token,
  waitForDeposit,
  withdrawalStatus,
  withdrawERC20,
  type DacParams,
} from '@metis/sdk';
import { CHAIN_ID, DEV_KEYS, removeDir, startDevnet, type Devnet, until } from './harness.js';
import { ERC20, EthLedger, TokenLedger, waitForL2Time } from './dac-ledger.js';
import { metisJson, runMetis as metis } from './run-metis.js';

/** Dev-mnemonic account `i` (0-9 are funded on the devnet's L1 and L2; the L1 node uses 8 and 9). */
const devWallet = (i: number, provider: JsonRpcProvider): Wallet =>
  new Wallet(HDNodeWallet.fromPhrase('test test test test test test test test test test test junk', undefined, `m/44'/60'/0'/0/${i}`).privateKey, provider);

const PARAMS: Partial<DacParams> = {
  bondSize: parseEther('1'),
  initialReputation: 100n,
  reputationStep: 10n,
  challengeWindow: 3n,
  voteWindow: 8n,
  executionDelay: 2n,
  quorumBps: 2000n,
};
const TREASURY = PREDEPLOYS.DAC_TREASURY;
const COMMITMENTS = PREDEPLOYS.DAC_COMMITMENTS;

describe('DACs on metis dev', () => {
  let node: Devnet;
  let l1: JsonRpcProvider;
  let l2: JsonRpcProvider;
  let contracts: L1Contracts;
  let founder: Wallet;
  let members: Wallet[];
  let outsider: Wallet;
  let dacId: bigint;
  let everyone: string[];
  let token: string;

  const signer = (w: Wallet): Signer => w;
  const reputation = async (address: string): Promise<bigint> =>
    (await dacInfo(l2, dacId)).members.find((m) => m.address.toLowerCase() === address.toLowerCase())?.reputation ?? -1n;

  beforeAll(async () => {
    node = await startDevnet({ l1: true, blockTime: '250', args: ['--challenge-window', '6'] });
    contracts = JSON.parse(readFileSync(node.l1Contracts!, 'utf8')) as L1Contracts;
    l1 = new JsonRpcProvider(node.l1Url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    l2 = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    [founder, ...members] = [4, 5, 6, 7].map((i) => devWallet(i, l2));
    outsider = new Wallet(DEV_KEYS[3]!, l2);
    everyone = [founder, ...members, outsider].map((w) => w.address);
  });

  afterAll(async () => {
    l1?.destroy();
    l2?.destroy();
    if (node) {
      expect(await node.stop()).toBe(0);
      await removeDir(node.dataDir);
    }
  });

  it('creates a DAC, invites and admits members, and funds its treasury', async () => {
    const created = await createDac(signer(founder), { name: 'Acme Works', charterCid: 'bafyacmecharter', params: PARAMS });
    dacId = created.dacId;
    for (const m of members) {
      await inviteMember(signer(founder), { dacId, account: m.address });
      await joinDac(signer(m), { dacId });
    }
    // Only an invited account may join.
    await expect(joinDac(signer(outsider), { dacId })).rejects.toSatisfy((e) => isDacRevert(e, 'NotInvited'));

    const ledger = await new EthLedger(l2, [...everyone, TREASURY, COMMITMENTS]).begin();
    ledger.track(await fundTreasury(signer(founder), { dacId, amount: parseEther('5') }));
    await ledger.check();

    const info = await dacInfo(l2, 'Acme Works');
    expect(info.id).toBe(dacId);
    expect(info.founder).toBe(founder.address);
    expect(info.memberCount).toBe(4n);
    expect(info.members.map((m) => m.reputation)).toEqual([100n, 100n, 100n, 100n]);
    expect(info.totalReputation).toBe(400n);
    expect(info.treasury.eth).toBe(parseEther('5'));
  });

  it('a kept commitment: the bond comes back with the reward, reputation rises', async () => {
    const [alice, bob] = members as [Wallet, Wallet, Wallet];
    const ledger = await new EthLedger(l2, [...everyone, TREASURY, COMMITMENTS]).begin();
    const before = { alice: await l2.getBalance(alice.address), treasury: await l2.getBalance(TREASURY), escrow: await l2.getBalance(COMMITMENTS) };
    const deadline = BigInt((await l2.getBlock('latest'))!.timestamp + 120);
    const c = ledger.track(await commit(signer(alice), { dacId, descriptionCid: 'bafyspec-kept', deadline, reward: parseEther('0.5') }));
    expect(c.bond).toBe(parseEther('1'));
    expect(await l2.getBalance(COMMITMENTS)).toBe(before.escrow + parseEther('1'));
    const d = ledger.track(await deliver(signer(alice), { commitmentId: c.commitmentId, deliverableCid: 'bafydelivered-kept' }));
    // Resolving inside the challenge window is refused.
    await expect(resolveCommitment(signer(bob), { commitmentId: c.commitmentId })).rejects.toSatisfy((e) => isDacRevert(e, 'TooEarly'));
    await waitForL2Time(l2, d.challengeEnd + 1n);
    const r = ledger.track(await resolveCommitment(signer(bob), { commitmentId: c.commitmentId }));
    expect({ kept: r.kept, winner: r.winner, toWinner: r.toWinner, toTreasury: r.toTreasury, reward: r.reward }).toEqual({
      kept: true,
      winner: alice.address,
      toWinner: parseEther('1'),
      toTreasury: 0n,
      reward: parseEther('0.5'),
    });
    const w = await withdrawOwed(signer(alice));
    for (const x of w.withdrawals) ledger.fees += await ledger.feeOf(x.txHash);
    expect(w.total).toBe(parseEther('1.5'));
    await ledger.check();
    // Alice: -1 bond +1 bond +0.5 reward, less her fees; the treasury paid exactly the reward; nothing stays escrowed.
    expect(await l2.getBalance(alice.address)).toBe(before.alice + parseEther('0.5') - ledger.feesOf(alice.address));
    expect(await l2.getBalance(TREASURY)).toBe(before.treasury - parseEther('0.5'));
    expect(await l2.getBalance(COMMITMENTS)).toBe(before.escrow);
    expect((await commitmentInfo(l2, c.commitmentId)).status).toBe('Kept');
    expect(await reputation(alice.address)).toBe(110n);
  });

  it('a challenged commitment that loses the vote: the bond moves exactly, reputations move', async () => {
    const [alice, bob, carol] = members as [Wallet, Wallet, Wallet];
    const ledger = await new EthLedger(l2, [...everyone, TREASURY, COMMITMENTS]).begin();
    const before = {
      bob: await l2.getBalance(bob.address),
      carol: await l2.getBalance(carol.address),
      treasury: await l2.getBalance(TREASURY),
      escrow: await l2.getBalance(COMMITMENTS),
    };
    const deadline = BigInt((await l2.getBlock('latest'))!.timestamp + 120);
    const c = ledger.track(await commit(signer(bob), { dacId, descriptionCid: 'bafyspec-lost', deadline }));
    const d = ledger.track(await deliver(signer(bob), { commitmentId: c.commitmentId, deliverableCid: 'bafyhalfdone' }));
    const ch = ledger.track(await challenge(signer(carol), { commitmentId: c.commitmentId }));
    expect(ch.bond).toBe(parseEther('1'));
    expect(d.challengeEnd).toBeGreaterThan(0n);
    // Votes weighted by reputation: the founder (100) and Alice (110) say failed, Bob (100) says kept.
    expect((ledger.track(await voteOnCommitment(signer(founder), { commitmentId: c.commitmentId, kept: false }))).weight).toBe(100n);
    expect((ledger.track(await voteOnCommitment(signer(alice), { commitmentId: c.commitmentId, kept: false }))).weight).toBe(110n);
    ledger.track(await voteOnCommitment(signer(bob), { commitmentId: c.commitmentId, kept: true }));
    // Twice, or by a non-member: refused.
    await expect(voteOnCommitment(signer(alice), { commitmentId: c.commitmentId, kept: false })).rejects.toSatisfy((e) => isDacRevert(e, 'AlreadyVoted'));
    await expect(voteOnCommitment(signer(outsider), { commitmentId: c.commitmentId, kept: true })).rejects.toSatisfy((e) => isDacRevert(e, 'NotMember'));
    await waitForL2Time(l2, ch.voteEnd + 1n);
    const r = ledger.track(await resolveCommitment(signer(outsider), { commitmentId: c.commitmentId }));
    expect({ kept: r.kept, winner: r.winner, toWinner: r.toWinner, toTreasury: r.toTreasury }).toEqual({
      kept: false,
      winner: carol.address,
      toWinner: parseEther('1.5'),
      toTreasury: parseEther('0.5'),
    });
    const w = await withdrawOwed(signer(carol));
    for (const x of w.withdrawals) ledger.fees += await ledger.feeOf(x.txHash);
    await ledger.check();
    expect(await l2.getBalance(bob.address)).toBe(before.bob - parseEther('1') - ledger.feesOf(bob.address));
    expect(await l2.getBalance(carol.address)).toBe(before.carol + parseEther('0.5') - ledger.feesOf(carol.address));
    expect(await l2.getBalance(TREASURY)).toBe(before.treasury + parseEther('0.5'));
    expect(await l2.getBalance(COMMITMENTS)).toBe(before.escrow);
    expect(await reputation(bob.address)).toBe(90n);
    expect(await reputation(carol.address)).toBe(110n);
  });

  it('a commitment past its deadline is slashed by a third party', async () => {
    const carol = members[2]!;
    const ledger = await new EthLedger(l2, [...everyone, TREASURY, COMMITMENTS]).begin();
    const before = { carol: await l2.getBalance(carol.address), treasury: await l2.getBalance(TREASURY), escrow: await l2.getBalance(COMMITMENTS) };
    // Far enough ahead that the commit and the early slash attempt both land before it on a busy machine.
    const deadline = BigInt((await l2.getBlock('latest'))!.timestamp + 12);
    const c = ledger.track(await commit(signer(carol), { dacId, descriptionCid: 'bafyspec-missed', deadline }));
    await expect(slashCommitment(signer(outsider), { commitmentId: c.commitmentId })).rejects.toSatisfy((e) => isDacRevert(e, 'DeadlineNotPassed'));
    await waitForL2Time(l2, deadline + 1n);
    await expect(deliver(signer(carol), { commitmentId: c.commitmentId, deliverableCid: 'bafytoolate' })).rejects.toSatisfy((e) => isDacRevert(e, 'DeadlinePassed'));
    const s = ledger.track(await slashCommitment(signer(outsider), { commitmentId: c.commitmentId }));
    expect(s.bond).toBe(parseEther('1'));
    await ledger.check();
    expect(await l2.getBalance(carol.address)).toBe(before.carol - parseEther('1') - ledger.feesOf(carol.address));
    expect(await l2.getBalance(TREASURY)).toBe(before.treasury + parseEther('1'));
    expect(await l2.getBalance(COMMITMENTS)).toBe(before.escrow);
    expect((await commitmentInfo(l2, c.commitmentId)).status).toBe('Slashed');
    expect(await reputation(carol.address)).toBe(100n);
  });

  /** Proposes `actions`, votes yes with the founder and every member, waits out the vote and the delay, executes. */
  async function pass(actions: Parameters<typeof propose>[1]['actions'], descriptionCid: string): Promise<void> {
    const p = await propose(signer(founder), { dacId, actions, descriptionCid });
    for (const v of [founder, ...members]) await voteOnProposal(signer(v), { proposalId: p.proposalId, support: true });
    await waitForL2Time(l2, p.executableAt + 1n);
    await executeProposal(signer(outsider), { proposalId: p.proposalId });
  }

  it('launches a DAC token and mints it only through proposals; a vesting wallet releases over time', async () => {
    const [alice, bob] = members as [Wallet, Wallet, Wallet];
    const now = BigInt((await l2.getBlock('latest'))!.timestamp);
    await pass(
      [
        dacActions.launchToken({
          name: 'Acme Works Token',
          symbol: 'ACME',
          cap: parseEther('1000000'),
          holders: [founder.address],
          amounts: [parseEther('1000')],
          vesting: [{ beneficiary: alice.address, amount: parseEther('500'), start: now, duration: 8n }],
        }),
      ],
      'bafylaunch',
    );
    const info = (await dacTokenInfo(l2, dacId))!;
    expect(info).not.toBeNull();
    token = info.address;
    expect({ name: info.name, symbol: info.symbol, cap: info.cap, totalSupply: info.totalSupply }).toEqual({
      name: 'Acme Works Token',
      symbol: 'ACME',
      cap: parseEther('1000000'),
      totalSupply: parseEther('1500'),
    });
    expect(info.vestingWallets).toHaveLength(1);
    const vesting = info.vestingWallets[0]!;
    expect(vesting.beneficiary).toBe(alice.address);

    // Minting outside governance is refused, by the factory and by the token.
    const factory = new Contract(PREDEPLOYS.DAC_TOKEN_FACTORY, loadArtifact('DacTokenFactory').abi as never, founder);
    await expect(factory.getFunction('mint')(dacId, founder.address, 1n)).rejects.toThrow();
    const erc20 = new Contract(token, loadArtifact('DacToken').abi as never, l2);
    await expect(erc20.connect(founder).getFunction('mint')(founder.address, 1n)).rejects.toThrow();

    await pass([dacActions.mintToken({ to: bob.address, amount: parseEther('250') })], 'bafymint');
    const ledger = new TokenLedger(l2, token, [founder.address, alice.address, bob.address, vesting.address]);
    expect(await ledger.balances()).toEqual([parseEther('1000'), 0n, parseEther('250'), parseEther('500')]);
    expect(await ledger.sum()).toBe(await ledger.totalSupply());

    // Linear vesting: after the duration, Alice releases all 500 from her wallet.
    await waitForL2Time(l2, vesting.start + vesting.duration + 1n);
    const released = await releaseVested(signer(outsider), { wallet: vesting.address, token });
    expect(released.released).toBe(parseEther('500'));
    expect(await ledger.balances()).toEqual([parseEther('1000'), parseEther('500'), parseEther('250'), 0n]);
    expect(await ledger.sum()).toBe(parseEther('1750'));
    expect(await ledger.totalSupply()).toBe(parseEther('1750'));
  });

  it('bridges the DAC token to L1 and back: L2 escrow always equals the L1 mirror supply', async () => {
    const l1Founder = devWallet(4, l1);
    const l1Holder = new Wallet(Wallet.createRandom().privateKey, l1);
    const l1Recipient = l1Holder.address;
    const escrow = (): Promise<bigint> => escrowedOf(l2, token);
    const mirrorSupply = async (mirror: string): Promise<bigint> => (await new Contract(mirror, ERC20, l1).getFunction('totalSupply')()) as bigint;

    // Registration starts on L1 and is applied on L2 like a deposit.
    const reg = await registerL2Token(l1Founder, { chainId: CHAIN_ID, l2Token: token, l2Provider: l2, deployment: contracts });
    expect({ name: reg.name, symbol: reg.symbol, decimals: reg.decimals }).toEqual({ name: 'Acme Works Token', symbol: 'ACME', decimals: 18 });
    const applied = await waitForDeposit({ l2Provider: l2, index: reg.depositIndex });
    expect(applied.kind).toBe('registration');
    expect(await mirrorTokenFor(l2, token)).toBe(reg.mirror);
    expect(await nativeTokenFor(l2, reg.mirror)).toBe(token);
    expect(await escrow()).toBe(0n);

    // L2 -> L1: 100 ACME leave the founder into the L2Bridge's escrow; once the batch is final they are minted on L1.
    const tokens = new TokenLedger(l2, token, [founder.address, PREDEPLOYS.L2_BRIDGE]);
    const [founderBefore] = await tokens.balances();
    const w = await withdrawERC20({ l2Signer: founder, l2Token: token, amount: parseEther('100'), to: l1Recipient });
    expect(w.withdrawal.l1Token.toLowerCase()).toBe(reg.mirror.toLowerCase());
    expect(await tokens.balances()).toEqual([founderBefore! - parseEther('100'), parseEther('100')]);
    expect(await escrow()).toBe(parseEther('100'));
    expect(await mirrorSupply(reg.mirror)).toBe(0n); // in flight
    const settlement = { contracts, chainId: CHAIN_ID, l2Provider: l2 };
    await until('the withdrawal to be finalizable', async () => {
      const st = await withdrawalStatus({ ...settlement, l1Provider: l1, withdrawal: w });
      return st.status === 'finalizable';
    }, 90_000, 500);
    await finalizeWithdrawal({ ...settlement, l1Signer: l1Founder, withdrawal: w });
    const mirror = new Contract(reg.mirror, ERC20, l1);
    expect(await mirror.getFunction('balanceOf')(l1Recipient)).toBe(parseEther('100'));
    expect(await mirrorSupply(reg.mirror)).toBe(await escrow());
    // The same withdrawal cannot mint twice.
    await expect(finalizeWithdrawal({ ...settlement, l1Signer: l1Founder, withdrawal: w })).rejects.toThrow(/finalized/);

    // L1 -> L2: the L1 holder deposits 40 back to Bob; the mirror is burned and 40 leave the escrow.
    await (await l1Founder.sendTransaction({ to: l1Holder.address, value: parseEther('1') })).wait();
    const bob = members[1]!;
    const bobBefore = (await new TokenLedger(l2, token, [bob.address]).balances())[0]!;
    const dep = await depositERC20({ l1Signer: l1Holder, contracts, chainId: CHAIN_ID, l1Token: reg.mirror, amount: parseEther('40'), to: bob.address });
    expect(await mirrorSupply(reg.mirror)).toBe(parseEther('60'));
    expect(await mirror.getFunction('balanceOf')(l1Holder.address)).toBe(parseEther('60'));
    const back = await waitForDeposit({ l2Provider: l2, index: dep.index });
    expect(back.kind).toBe('native');
    expect((await new TokenLedger(l2, token, [bob.address]).balances())[0]).toBe(bobBefore + parseEther('40'));
    expect(await escrow()).toBe(parseEther('60'));
    expect(await mirrorSupply(reg.mirror)).toBe(await escrow());
    // `metis withdraw --token` takes the native token too: 5 more go into escrow, withdrawn to the mirror.
    const cli = await metisJson<{ l2Token: string; withdrawal: { l1Token: string; amount: string } }>(
      ['withdraw', '--token', token, '--amount', '5', '--to', l1Holder.address, '--rpc', node.url],
      { METIS_KEY: founder.privateKey },
    );
    expect(cli.withdrawal.l1Token.toLowerCase()).toBe(reg.mirror.toLowerCase());
    expect(BigInt(cli.withdrawal.amount)).toBe(parseEther('5'));
    expect(await escrow()).toBe(parseEther('65'));
    // Nothing was created or lost on L2: the supply is what the two proposals minted.
    expect((await dacTokenInfo(l2, dacId))!.totalSupply).toBe(parseEther('1750'));
  });

  it('the metis dac and token commands work against the node, with keys from the environment or a keystore', async () => {
    const [alice] = members as [Wallet];
    const dir = await mkdtemp(join(tmpdir(), 'metis-dac-cli-'));
    try {
      const rpcArgs = ['--rpc', node.url];
      const founderEnv = { METIS_KEY: founder.privateKey };
      const created = await metisJson<{ dacId: string; name: string }>(
        ['dac', 'create', 'CLI Guild', '--charter', 'bafyclicharter', '--bond', '0.5', '--challenge-window', '3s', '--vote-window', '10m', '--quorum', '25%', ...rpcArgs],
        founderEnv,
      );
      const id = created.dacId;
      await metisJson(['dac', 'invite', 'CLI Guild', alice.address, ...rpcArgs], founderEnv);
      // Alice signs from an encrypted keystore.
      const keystore = join(dir, 'alice.json');
      await writeFile(keystore, await new Wallet(alice.privateKey).encrypt('correct horse'));
      await metisJson(['dac', 'join', id, '--keystore', keystore, ...rpcArgs], { METIS_KEYSTORE_PASSWORD: 'correct horse' });
      const wrong = await metis(['dac', 'join', id, '--keystore', keystore, ...rpcArgs], { METIS_KEYSTORE_PASSWORD: 'wrong' });
      expect(wrong.code).toBe(2);

      const info = await metisJson<{ id: string; members: { address: string; reputation: string }[]; params: { bondSize: string } }>(['dac', 'info', 'CLI Guild', ...rpcArgs]);
      expect(info.members.map((m) => m.address.toLowerCase()).sort()).toEqual([founder.address, alice.address].map((a) => a.toLowerCase()).sort());
      // The same facts through the node's metis_ views and the sdk.
      const viaRpc = (await l2.send('metis_dacInfo', ['CLI Guild'])) as { dacId: string; memberCount: string; params: { bondSize: string; quorumBps: number } };
      expect(BigInt(viaRpc.dacId)).toBe(BigInt(id));
      expect(BigInt(viaRpc.memberCount)).toBe(2n);
      expect(BigInt(viaRpc.params.bondSize)).toBe(parseEther('0.5'));
      expect(viaRpc.params.quorumBps).toBe(2500);
      const sdkInfo = await dacInfo(l2, BigInt(id));
      expect(sdkInfo.params.challengeWindow).toBe(3n);
      const list = (await l2.send('metis_dacList', [{ limit: 10 }])) as { total: number; dacs: { name: string }[] };
      expect(list.dacs.map((d) => d.name)).toEqual(['Acme Works', 'CLI Guild']);

      // A commitment through the CLI, seen by the views.
      const c = await metisJson<{ commitmentId: string; bond: string }>(['dac', 'commit', id, '--description', 'bafyclispec', '--deadline', '+1h', ...rpcArgs], founderEnv);
      expect(BigInt(c.bond)).toBe(parseEther('0.5'));
      const open = (await l2.send('metis_dacCommitments', [id, { status: 'open' }])) as { commitments: { id: string; member: string }[] };
      expect(open.commitments.map((x) => BigInt(x.id))).toEqual([BigInt(c.commitmentId)]);
      expect(open.commitments[0]!.member).toBe(founder.address.toLowerCase());

      // No token yet; a launch is a proposal, printed with the next steps.
      expect(await metisJson<{ token: unknown }>(['token', 'info', id, ...rpcArgs])).toMatchObject({ token: null });
      const launch = await metisJson<{ proposalId: string }>(['token', 'launch', id, '--name', 'Guild Coin', '--symbol', 'GLD', '--cap', '1000', '--holder', `${founder.address}:10`, ...rpcArgs], founderEnv);
      expect(BigInt(launch.proposalId)).toBeGreaterThan(0n);

      // Bad input: no key (usage, 2), an unknown DAC (1), a non-member's vote (1, named).
      expect((await metis(['dac', 'join', id, ...rpcArgs])).code).toBe(2);
      const unknown = await metis(['dac', 'info', '999', ...rpcArgs]);
      expect(unknown.code).toBe(1);
      const vote = await metis(['dac', 'vote', '--proposal', launch.proposalId, '--for', ...rpcArgs], { METIS_KEY: outsider.privateKey });
      expect(vote.code).toBe(1);
      expect(vote.stderr + vote.stdout).toMatch(/NoVotingPower|NotMember/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

