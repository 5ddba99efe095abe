// Rangers end to end, with real processes on 127.0.0.1: a dev sequencer on a real anvil and four rangers
// (`metis dev --role ranger`, each its own process with its own key and stake) gossiping attestations over
// libp2p. Batches finalize by quorum certificate in seconds and a withdrawal is paid on L1 right after; with
// one ranger down the other three still finalize; with two down nothing finalizes early and the challenge
// window applies; a byzantine ranger can neither certify nor win a dispute alone, and its equivocation on the
// gossip gets it slashed; a sequencer that posts a forged state root is challenged by the rangers, loses the
// vote and its bond, its batches are removed, and the chain goes on from the last good root.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, HDNodeWallet, JsonRpcProvider, Wallet, parseEther, type EventLog, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { BatchLog, proveWithdrawal, type L1Contracts } from '@metis/l1';
import { L1RangerView, RangerGossip, RangerL1, encodeAttestation, rangerDomain, signAttestation, type Attestation } from '@metis/rangers';
import { startAdversary, type Adversary } from '../../plugins/rangers/test/fixtures/adversary.js';
import { startAnvil, type Anvil } from '@metis/testkit';
import { CHAIN_ID, call, removeDir, startDevnet, type Devnet, until } from './harness.js';

const MNEMONIC = 'test test test test test test test test test test test junk';
const devWallet = (i: number): HDNodeWallet => HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
/** Dev accounts 4..7 are the rangers, 2 the byzantine one, 3 the forger's beneficiary (all funded on anvil). */
const RANGER_KEYS = [4, 5, 6, 7].map((i) => devWallet(i));
const BYZANTINE = devWallet(2);
const ATTACKER = devWallet(3).address;
const WINDOW = 30;
const FIXTURE = fileURLToPath(new URL('./fixtures/forging-poster.mjs', import.meta.url));

async function revertName(p: Promise<unknown>, contract: Contract): Promise<string> {
  try {
    await p;
  } catch (e) {
    const data = (e as { data?: string }).data ?? (e as { info?: { error?: { data?: string } } }).info?.error?.data;
    return contract.interface.parseError(data!)?.name ?? `unparsed ${data}`;
  }
  throw new Error('expected a revert');
}

describe('rangers: fast finality by quorum certificate, challenges and slashing', () => {
  let anvil: Anvil;
  let seq: Devnet;
  const rangers: (Devnet | undefined)[] = [];
  const rangerDirs: string[] = [];
  const dirs: string[] = [];
  let l1: JsonRpcProvider;
  let l2: JsonRpcProvider;
  let contracts: L1Contracts & { rangerRegistry: string; rangerCertifier: string; rangerDisputes: string };
  let inbox: Contract;
  let registry: Contract;
  let certifier: Contract;
  let disputes: Contract;
  let bonds: Contract;
  let bridge: Contract;
  let trigger: string;
  const gossips: RangerGossip[] = [];
  const adversaries: Adversary[] = [];

  const startRanger = async (i: number): Promise<Devnet> => {
    const node = await startDevnet({
      l1: anvil.url,
      role: 'ranger',
      l1Contracts: seq.l1Contracts!,
      sequencerRpc: seq.url,
      dataDir: rangerDirs[i]!,
      args: ['--ranger-stake', '1'],
      env: { METIS_RANGER_KEY: RANGER_KEYS[i]!.privateKey },
    });
    rangers[i] = node;
    return node;
  };
  const certifiedEvents = async (): Promise<EventLog[]> => (await certifier.queryFilter(certifier.filters.BatchCertified!(CHAIN_ID))) as EventLog[];
  const certifiedAt = async (index: bigint): Promise<EventLog | undefined> => (await certifiedEvents()).find((e) => e.args.batchIndex === index);
  const nextIndex = async (): Promise<bigint> => (await inbox.getFunction('nextBatchIndex')(CHAIN_ID)) as bigint;
  const blockTime = async (n: number): Promise<number> => (await l1.getBlock(n))!.timestamp;

  beforeAll(async () => {
    anvil = await startAnvil();
    const work = await mkdtemp(join(tmpdir(), 'metis-rangers-'));
    dirs.push(work);
    trigger = join(work, 'forge');
    for (let i = 0; i < 4; i++) rangerDirs.push(join(work, `ranger-${i}`));
    seq = await startDevnet({
      l1: anvil.url,
      blockTime: '500',
      args: ['--challenge-window', String(WINDOW), '--plugin', FIXTURE],
      env: { FORGE_TRIGGER: trigger, FORGE_ATTACKER: ATTACKER },
    });
    dirs.push(seq.dataDir);
    l1 = new JsonRpcProvider(anvil.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    l2 = new JsonRpcProvider(seq.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    contracts = JSON.parse(readFileSync(seq.l1Contracts!, 'utf8'));
    const at = (address: string, name: string): Contract => new Contract(address, loadArtifact(name).abi as never, l1);
    inbox = at(contracts.batchInbox, 'BatchInbox');
    registry = at(contracts.rangerRegistry, 'RangerRegistry');
    certifier = at(contracts.rangerCertifier, 'RangerCertifier');
    disputes = at(contracts.rangerDisputes, 'RangerDisputes');
    bonds = at(contracts.bondManager, 'BondManager');
    bridge = at(contracts.bridge, 'Bridge');
    await Promise.all([0, 1, 2, 3].map((i) => startRanger(i)));
  });

  afterAll(async () => {
    for (const g of gossips) await g.stop();
    for (const x of adversaries) await x.stop();
    l1?.destroy();
    l2?.destroy();
    for (const node of [...rangers, seq]) if (node && node.process.exitCode === null && node.process.signalCode === null) await node.stop();
    await anvil?.stop();
    for (const d of dirs) await removeDir(d);
  });

  it('four rangers with equal stake finalize every batch by certificate, and a withdrawal is paid on L1 within seconds', async () => {
    await until('four registered rangers', async () => ((await registry.getFunction('rangers')(CHAIN_ID)) as string[]).length === 4, 60_000);
    // Batches appended before all four were staked have less stake behind them (none at first): those can
    // only wait out their window, and certificates go in order. Start after the last of them is final,
    // else a batch right behind it can reach its own window before its certificate lands.
    const unstaked = await nextIndex(); // being appended now: its snapshot may predate the last stake
    await until(`batch ${unstaked} final`, async () => (await inbox.getFunction('isFinalized')(CHAIN_ID, unstaked)) as boolean, 60_000);
    // Batches appended from now on, with all four staked (the snapshot is the second before the append).
    const from = (await nextIndex()) + 1n;
    await until(`batch ${from + 2n} certified`, async () => (await certifiedAt(from + 2n)) !== undefined, 60_000);
    for (let i = from; i <= from + 2n; i++) {
      const event = (await certifiedAt(i))!;
      expect(Number(event.args.signerCount)).toBeGreaterThanOrEqual(3);
      expect(event.args.totalStake).toBe(parseEther('4'));
      const stored = await inbox.getFunction('getBatch')(CHAIN_ID, i);
      const seconds = (await blockTime(event.blockNumber)) - Number(stored.appendedAt);
      expect(seconds).toBeLessThan(WINDOW);
      expect(await inbox.getFunction('isFinalized')(CHAIN_ID, i)).toBe(true);
    }
    // The sequencer submits a certificate as soon as it sees a quorum; a ranger does after certifyDelayMs
    // (3 s) if nobody did. Until the sequencer has dialled the rangers (it reads them from the registry every
    // few seconds), a ranger can be first: wait for the sequencer to win one.
    const status = await until('a certificate submitted by the sequencer', async () => {
      const s = await call(seq.url, 'metis_rangerStatus');
      return s.certified.length > 0 ? s : undefined;
    }, 60_000);
    expect(status.role).toBe('sequencer');
    expect(status.certified[0].signers).toBeGreaterThanOrEqual(3);
    const rangerStatus = await call(rangers[0]!.url, 'metis_rangerStatus');
    expect(rangerStatus).toMatchObject({ role: 'ranger', signer: RANGER_KEYS[0]!.address.toLowerCase() });

    // A withdrawal: L2 transaction to ETH on L1 while the challenge window is far from over. (The bridge pays
    // withdrawals from deposited ETH: one deposit first.)
    const depositor = new Wallet(devWallet(1).privateKey, l1);
    await (await (bridge.connect(depositor) as Contract).getFunction('depositETH')(CHAIN_ID, depositor.address, { value: parseEther('2') })).wait();
    const user = new Wallet(devWallet(1).privateKey, l2);
    const recipient = Wallet.createRandom().address;
    const l2Bridge = new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi as never, user);
    const started = Date.now();
    const receipt = (await (await l2Bridge.getFunction('withdrawETH')(recipient, { value: parseEther('0.5') })).wait()) as TransactionReceipt;
    const input = { chainId: BigInt(CHAIN_ID), l1, l2, batchInbox: contracts.batchInbox, l2TxHash: receipt.hash, fromL1Block: contracts.startBlock };
    const proof = await until('the withdrawal batch final', async () => {
      const p = await proveWithdrawal(input);
      return p.finalized ? p : undefined;
    }, 60_000, 200);
    const w = proof.withdrawal;
    const payer = new Wallet(devWallet(1).privateKey, l1);
    await (await (bridge.connect(payer) as Contract).getFunction('finalizeWithdrawal')(CHAIN_ID, proof.batchIndex, [w.nonce, w.sender, w.to, w.l1Token, w.amount], proof.proof)).wait();
    const seconds = (Date.now() - started) / 1000;
    expect(await l1.getBalance(recipient)).toBe(parseEther('0.5'));
    expect(seconds).toBeLessThan(WINDOW);
    expect(await certifiedAt(proof.batchIndex)).toBeDefined();
    console.log(`[figure] L2 withdrawal to ETH on L1 with 4 rangers: ${seconds.toFixed(1)} s (challenge window ${WINDOW} s)`);
  });

  it('with one ranger offline the other three still finalize (3 of 4 >= 2/3)', async () => {
    await rangers[3]!.stop();
    const from = (await nextIndex()) + 1n;
    await until(`batch ${from + 1n} certified`, async () => (await certifiedAt(from + 1n)) !== undefined, 60_000);
    for (const i of [from, from + 1n]) expect(Number((await certifiedAt(i))!.args.signerCount)).toBe(3);
  });

  it('with two offline nothing finalizes early, and a byzantine ranger alone can neither certify nor win a dispute', async () => {
    await rangers[2]!.stop();
    // The byzantine ranger stakes now: 1 of 5 ETH, with the 2 honest rangers online 3 of 5 (< 2/3).
    const byz = new Wallet(BYZANTINE.privateKey, l1);
    await (await (registry.connect(byz) as Contract).getFunction('register')(CHAIN_ID, byz.address, '12D3KooWByzantine', parseEther('1'), { value: parseEther('1') })).wait();
    const registeredAt = await l1.getBlockNumber();
    const target = await until('a batch appended after the byzantine stake', async () => {
      const n = await nextIndex();
      if (n === 0n) return undefined;
      const b = await inbox.getFunction('getBatch')(CHAIN_ID, n - 1n);
      return Number(b.appendedAt) > (await blockTime(registeredAt)) ? n - 1n : undefined;
    }, 30_000);
    const header = await headerOf(target);
    const domain = rangerDomain((await l1.getNetwork()).chainId, contracts.rangerRegistry);
    const honest: Attestation = { chainId: BigInt(CHAIN_ID), batchIndex: target, prevStateRoot: header.prevStateRoot, newStateRoot: header.newStateRoot, dataHash: header.dataHash, withdrawalRoot: header.withdrawalRoot };
    const lie: Attestation = { ...honest, newStateRoot: `0x${'ba'.repeat(32)}` };
    const sigHonest = await signAttestation(BYZANTINE, domain, honest);
    const sigLie = await signAttestation(BYZANTINE, domain, lie);

    // Alone, its signature is 1 of 5 ETH.
    expect(await revertName((certifier.connect(byz) as Contract).getFunction('submitCertificate').staticCall(header, [sigHonest]), certifier)).toBe('InsufficientQuorum');
    // It challenges the (correct) batch and votes for its lie alone: no quorum.
    await (await (disputes.connect(byz) as Contract).getFunction('challenge')(header, { value: parseEther('0.1') })).wait();
    expect(await revertName((disputes.connect(byz) as Contract).getFunction('resolve').staticCall(header, lie, [sigLie]), disputes)).toBe('InsufficientQuorum');

    // Its equivocation on the gossip (two outputs for one batch, each sent by another peer) gets it slashed.
    const sequencerPeer = ((await call(seq.url, 'metis_rangerStatus')).multiaddrs as string[])[0]!;
    for (const [i, signed] of [{ attestation: honest, signature: sigHonest }, { attestation: lie, signature: sigLie }].entries()) {
      const l1Reader = new RangerL1(l1, { registry: contracts.rangerRegistry as never, certifier: contracts.rangerCertifier as never, disputes: contracts.rangerDisputes as never, inbox: contracts.batchInbox as never }, BigInt(CHAIN_ID));
      const view = new L1RangerView(l1Reader, new BatchLog(l1, { chainId: BigInt(CHAIN_ID), inbox: contracts.batchInbox as never, startBlock: contracts.startBlock, confirmations: 0, maxLogRange: 2_000 }, silent));
      const gossip = await RangerGossip.start({ l2ChainId: BigInt(CHAIN_ID), domain, view, keyDir: join(dirs[0]!, `byzantine-${i}`), peers: [sequencerPeer] });
      gossips.push(gossip);
      await gossip.publish(signed);
    }
    await until('the equivocation reported and the byzantine stake slashed', async () => (await registry.getFunction('getRanger')(CHAIN_ID, byz.address)).stake === 0n, 60_000);
    const reported = (await disputes.queryFilter(disputes.filters.EquivocationReported!(CHAIN_ID, byz.address))) as EventLog[];
    expect(reported).toHaveLength(1);

    // Nothing appended while only 2 of 4 honest rangers were up finalized early: the window applied.
    await until(`batch ${target} final by its window`, async () => (await inbox.getFunction('isFinalized')(CHAIN_ID, target)) as boolean, 3 * WINDOW * 1_000);
    expect(await certifiedAt(target)).toBeUndefined();
    const stored = await inbox.getFunction('getBatch')(CHAIN_ID, target);
    expect((await l1.getBlock('latest'))!.timestamp).toBeGreaterThanOrEqual(Number(stored.appendedAt) + WINDOW);
    // The byzantine challenge lost to the honest votes once enough rangers were back, or expired: either way it did not win.
    const resolved = (await disputes.queryFilter(disputes.filters.DisputeResolved!(CHAIN_ID, target))) as EventLog[];
    for (const e of resolved) expect(e.args.batchValid).toBe(true);

    await Promise.all([startRanger(2), startRanger(3)]);
    const back = (await nextIndex()) + 1n;
    await until(`batch ${back} certified again`, async () => (await certifiedAt(back)) !== undefined, 90_000);
  });

  it('garbage, replayed and forged gossip from another process is dropped, and the sequencer scores its sender below 0', async () => {
    const topic = `/metis/rangers/1/${CHAIN_ID}/attestations`;
    const x = await startAdversary(topic);
    adversaries.push(x);
    const sequencerPeer = ((await call(seq.url, 'metis_rangerStatus')).multiaddrs as string[])[0]!;
    await x.dial(sequencerPeer);
    await until('the adversary subscribed at the sequencer', async () => x.subscribers().length > 0, 20_000, 100);
    // A real attestation it overheard, once its batch is final: replayed later, it is stale.
    const heard = await until('an attestation overheard', async () => x.received.find((m) => m.length === 234), 30_000, 100);
    const heardIndex = BigInt(`0x${Buffer.from(heard.subarray(33, 41)).toString('hex')}`);
    await until(`batch ${heardIndex} final`, async () => (await inbox.getFunction('isFinalized')(CHAIN_ID, heardIndex)) as boolean, 60_000);
    const domain = rangerDomain((await l1.getNetwork()).chainId, contracts.rangerRegistry);
    const open = (await nextIndex()) - 1n;
    const header = await headerOf(open);
    const forger = Wallet.createRandom();
    const forgedAtt: Attestation = { chainId: BigInt(CHAIN_ID), batchIndex: open, prevStateRoot: header.prevStateRoot, newStateRoot: header.newStateRoot, dataHash: header.dataHash, withdrawalRoot: header.withdrawalRoot };
    const forged = encodeAttestation({ attestation: forgedAtt, signature: await signAttestation(forger, domain, forgedAtt) });
    const tampered = Uint8Array.from(heard);
    tampered[100] ^= 0xff; // inside newStateRoot: the signature no longer recovers a ranger
    const garbage = Uint8Array.from({ length: 234 }, (_, i) => (i === 0 ? 1 : (i * 37) & 0xff));
    // Another adversary process-side node sends it all (the one that overheard would drop its own repeat).
    const y = await startAdversary(topic);
    adversaries.push(y);
    await y.dial(sequencerPeer);
    await until('the second adversary subscribed at the sequencer', async () => y.subscribers().length > 0, 20_000, 100);

    for (const bytes of [garbage, heard, forged, tampered]) await y.publish(bytes);
    const scored = await until(
      'the sequencer to score the adversary below 0',
      async () => {
        const status = (await call(seq.url, 'metis_rangerStatus')) as { peers: { peerId: string; score: number }[] };
        const me = status.peers.find((p) => p.peerId === y.peerId);
        return me && me.score < 0 ? me.score : undefined;
      },
      20_000,
      200,
    );
    expect(scored).toBeLessThan(0);
    // None of it was counted: only the four staked rangers' attestations are collected for the open batch.
    const after = (await call(seq.url, 'metis_rangerStatus')) as { attestations: { batch: string; count: number }[] };
    expect(after.attestations.find((a) => BigInt(a.batch) === open)?.count ?? 0).toBeLessThanOrEqual(4);
    console.log(`[figure] adversary score at the sequencer after garbage, a stale replay, a forgery and a tampered attestation: ${scored}`);
  });

  it('a sequencer posting a forged state root is challenged, loses the vote and its bond; its batches go and the chain continues from the last good root', async () => {
    const proposer = devWallet(9).address;
    const bondBefore = (await bonds.getFunction('bondOf')(CHAIN_ID, proposer)) as bigint;
    writeFileSync(trigger, 'forge the next batch');
    await until('the forged batch', async () => existsSync(`${trigger}.done`), 30_000);
    const forged = JSON.parse(readFileSync(`${trigger}.done`, 'utf8')) as { batchIndex: string; real: string; stateRoot: string; withdrawalRoot: string; fake: { nonce: string; sender: string; to: string; l1Token: string; amount: string } };
    const index = BigInt(forged.batchIndex);
    const fake = [forged.fake.nonce, forged.fake.sender, forged.fake.to, forged.fake.l1Token, forged.fake.amount];
    expect(await revertName(bridge.getFunction('finalizeWithdrawal').staticCall(CHAIN_ID, index, fake, []), bridge)).toBe('BatchNotFinalized');

    const opened = await until('the rangers challenge the forged batch', async () => ((await disputes.queryFilter(disputes.filters.DisputeOpened!(CHAIN_ID, index))) as EventLog[]).at(-1), 60_000);
    expect(RANGER_KEYS.map((k) => k.address.toLowerCase())).toContain((opened.args.challenger as string).toLowerCase());
    const resolved = await until('the vote settles', async () => ((await disputes.queryFilter(disputes.filters.DisputeResolved!(CHAIN_ID, index))) as EventLog[]).find((e) => e.args.batchValid === false), 60_000);
    expect(resolved.args.newStateRoot).toBe(forged.real);
    const removed = (await inbox.queryFilter(inbox.filters.BatchesRemoved!(CHAIN_ID, index))) as EventLog[];
    expect(removed).toHaveLength(1);
    const slashed = ((await bonds.queryFilter(bonds.filters.Slashed!(CHAIN_ID, proposer))) as EventLog[]).at(-1)!;
    const minBond = parseEther('1');
    expect(slashed.args.amount).toBe(bondBefore < minBond ? bondBefore : minBond);
    // The forged header was never final, by certificate or otherwise.
    const forgedHeader = opened.args.headerHash as string;
    expect((await certifiedEvents()).some((e) => e.args.headerHash === forgedHeader)).toBe(false);

    // The chain goes on: batch `index` posted again from the last good root, with the real one, and certified.
    const again = await until(`batch ${index} certified again`, async () => (await certifiedEvents()).find((e) => e.args.batchIndex === index && e.args.headerHash !== forgedHeader), 90_000);
    const reposted = await inbox.getFunction('getBatch')(CHAIN_ID, index);
    expect(reposted.newStateRoot).toBe(forged.real);
    expect(again.args.headerHash).toBe(reposted.headerHash);
    // The fake withdrawal of the forged batch can never be paid: the batch now final at that index has the real
    // withdrawal root (none, here, or one without it).
    expect(['NoWithdrawalRoot', 'InvalidProof']).toContain(await revertName(bridge.getFunction('finalizeWithdrawal').staticCall(CHAIN_ID, index, fake, []), bridge));
    // Every ranger is at the sequencer's state.
    const head = Number(reposted.lastBlock);
    const root = (await call(seq.url, 'eth_getBlockByNumber', [`0x${head.toString(16)}`, false])).stateRoot;
    for (const r of rangers) {
      await until('the ranger at the reposted batch', async () => Number(await call(r!.url, 'eth_blockNumber')) >= head, 60_000);
      expect((await call(r!.url, 'eth_getBlockByNumber', [`0x${head.toString(16)}`, false])).stateRoot).toBe(root);
    }
  });

  /** The header of batch `index` as appended (from its BatchAppended log). */
  async function headerOf(index: bigint) {
    const logs = (await inbox.queryFilter(inbox.filters.BatchAppended!(CHAIN_ID, index))) as EventLog[];
    const h = logs.at(-1)!.args.header;
    return { chainId: h.chainId, batchIndex: h.batchIndex, firstBlock: h.firstBlock, lastBlock: h.lastBlock, prevStateRoot: h.prevStateRoot, newStateRoot: h.newStateRoot, dataHash: h.dataHash, daCommitment: h.daCommitment, withdrawalRoot: h.withdrawalRoot, depositCount: h.depositCount };
  }
});

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, trace: () => undefined, fatal: () => undefined, child: () => silent } as never;
