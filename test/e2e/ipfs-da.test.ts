// Batch data on IPFS end to end, with real processes on 127.0.0.1: a dev sequencer publishes its batches on
// its embedded Helia node and only commitments go to a real anvil; a replica fetches every batch over
// bitswap (peers found in the sequencer's L1 registry record) and reaches the same state roots; a
// challenged chunk is answered on L1 by the sequencer at once; with the sequencer gone, a second replica
// fetches everything from the first one; and a challenge nobody answers removes the batch and slashes the
// proposer's bond on L1.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Contract, HDNodeWallet, JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import { startAnvil, type Anvil } from '@metis/testkit';
import { CHAIN_ID, METIS_BIN, call, removeDir, startDevnet, type Devnet, until } from './harness.js';

const run = promisify(execFile);
const MNEMONIC = 'test test test test test test test test test test test junk';
const devWallet = (i: number): HDNodeWallet => HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
/** The challenger: a dev account with ETH on the L1 (anvil funds the dev mnemonic). */
const CHALLENGER = devWallet(3);
/** The devnet's proposer (metis dev: account 9 of the dev mnemonic). */
const PROPOSER = devWallet(9).address;
const CHALLENGE_WINDOW = 20;

/** `metis <args>` with the challenger's key; resolves with stdout (rejects on a non-zero exit). */
async function metis(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [METIS_BIN, ...args], { env: { ...process.env, METIS_KEY: CHALLENGER.privateKey, NO_COLOR: '1' }, timeout: 120_000 });
  return stdout;
}

/** The state root of block `n` on an L2 node. */
const stateRoot = async (url: string, n: number): Promise<string> => (await call(url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])).stateRoot;
const l2Head = async (url: string): Promise<number> => Number(await call(url, 'eth_blockNumber'));
const safeBlock = async (url: string): Promise<number> => Number((await call(url, 'eth_getBlockByNumber', ['safe', false]))?.number ?? 0);
/** The listen multiaddr an embedded IPFS node logged at start. */
const ipfsAddr = (node: Devnet): string => {
  const m = /"listen":\["([^"]+)"/.exec(node.output());
  if (!m) throw new Error('no IPFS listen address in the node output');
  return m[1]!;
};

describe('IPFS data availability with L1 commitments and DA challenges', () => {
  let anvil: Anvil;
  let seq: Devnet;
  let replica1: Devnet;
  let replica2: Devnet | undefined;
  /** The replica started without a reachable peer (stopped by its test, and here if that test failed). */
  let stranded: Devnet | undefined;
  let l1: JsonRpcProvider;
  let contracts: { batchInbox: string; bondManager: string; daChallenge: string; chainRegistry: string };
  let inbox: Contract;
  let challenges: Contract;
  const dirs: string[] = [];
  const common = () => ['--l1', seq.l1Url!, '--contracts', seq.l1Contracts!, '--chain-id', String(CHAIN_ID)];

  beforeAll(async () => {
    anvil = await startAnvil();
    seq = await startDevnet({ l1: anvil.url, blockTime: '200', args: ['--challenge-window', String(CHALLENGE_WINDOW)] });
    dirs.push(seq.dataDir);
    l1 = new JsonRpcProvider(anvil.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    contracts = JSON.parse(readFileSync(seq.l1Contracts!, 'utf8'));
    inbox = new Contract(contracts.batchInbox, loadArtifact('BatchInbox').abi as never, l1);
    challenges = new Contract(contracts.daChallenge, loadArtifact('DaChallenge').abi as never, l1);
  });

  afterAll(async () => {
    l1?.destroy();
    for (const node of [replica2, stranded, replica1, seq]) if (node?.process.exitCode === null && node.process.signalCode === null) await node.stop();
    await anvil?.stop();
    for (const d of dirs) await removeDir(d);
  });

  it('registers the chain with DA kind 2 and publishes its IPFS peers in the registry record', async () => {
    const registry = new Contract(contracts.chainRegistry, loadArtifact('ChainRegistry').abi as never, l1);
    expect(Number((await registry.getFunction('getChain')(CHAIN_ID)).daKind)).toBe(2);
    await until('the IPFS peer record', async () => (await registry.getFunction('sequencerInfo')(CHAIN_ID)) !== '0x', 30_000);
    const info = JSON.parse(Buffer.from(((await registry.getFunction('sequencerInfo')(CHAIN_ID)) as string).slice(2), 'hex').toString('utf8'));
    expect(info.ipfs.multiaddrs).toEqual([ipfsAddr(seq)]);
    expect(info.ipfs.multiaddrs[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
  });

  it('a replica with another DA plugin than the chain registered is refused at start', async () => {
    const error = await startDevnet({ role: 'replica', l1: anvil.url, l1Contracts: seq.l1Contracts!, args: ['--da', 'calldata'] }).then(
      async (node) => {
        await node.stop();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/METIS-806.*DA kind/s);
  });

  it('a replica fetches every batch over bitswap and reaches the same state roots', async () => {
    const l2 = new JsonRpcProvider(seq.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    try {
      const sender = new Wallet(devWallet(0).privateKey, l2);
      let nonce = await sender.getNonce();
      for (let i = 0; i < 40; i++) await sender.sendTransaction({ to: Wallet.createRandom().address, value: parseEther('0.01') * BigInt(i + 1), nonce: nonce++ });
      await until('the transfers mined', async () => (await l2.getTransactionCount(sender.address)) === nonce, 30_000);
    } finally {
      l2.destroy();
    }
    const mined = await l2Head(seq.url);
    const target = await until('the transfers batched on L1', async () => {
      const safe = await safeBlock(seq.url);
      return safe >= mined ? safe : undefined;
    }, 60_000);
    replica1 = await startDevnet({ role: 'replica', l1: anvil.url, l1Contracts: seq.l1Contracts!, sequencerRpc: seq.url });
    dirs.push(replica1.dataDir);
    await until('replica 1 at the target', async () => (await safeBlock(replica1.url)) >= target, 90_000);
    expect(await stateRoot(replica1.url, target)).toBe(await stateRoot(seq.url, target));
    expect(replica1.output()).toMatch(/dialling the sequencer's IPFS peers from its L1 registry record/);
  });

  it('a challenged chunk is answered on L1 by the sequencer; the batch stays', async () => {
    const index = Number(await inbox.getFunction('nextBatchIndex')(CHAIN_ID)) - 1;
    const out = await metis(['da', 'challenge', String(index), '--chunk', '0', ...common()]);
    expect(out).toMatch(new RegExp(`challenged chunk 0 of batch ${index}`));
    const answered = await until('the answer on L1', async () => {
      const logs = await challenges.queryFilter(challenges.filters.ChallengeAnswered!(CHAIN_ID, index, 0));
      return logs.length > 0 ? logs : undefined;
    }, 30_000);
    expect(answered).toHaveLength(1);
    expect(Number((await inbox.getFunction('getBatch')(CHAIN_ID, index)).locks)).toBe(0);
    expect(Number(await inbox.getFunction('nextBatchIndex')(CHAIN_ID))).toBeGreaterThan(index);
    // The challenger's bond went to the proposer, credited in the DaChallenge contract.
    expect(await challenges.getFunction('balanceOf')(PROPOSER)).toBeGreaterThan(0n);
    // Intact: once its challenge window has passed, the batch is final like any other.
    await until('the answered batch final on L1', async () => (await inbox.getFunction('isFinalized')(CHAIN_ID, index)) as boolean, 60_000);
  });

  it('`metis da get` fetches and verifies a batch from the command line', async () => {
    const out = JSON.parse(await metis(['da', 'get', '1', '--json', ...common()]));
    expect(out).toMatchObject({ batch: '1', verified: true });
    expect(out.source).toMatch(/^IPFS baf/);
    expect(out.blocks).toBeGreaterThan(0);
  });

  it('unanswered: with the sequencer gone, its last batch is challenged, removed, and the proposer slashed', async () => {
    // Replica 1 first holds every batch the sequencer has posted so far: once the sequencer is gone, only
    // the last batch (challenged below) may be one that no running node has the data of.
    await until('replica 1 caught up with the sequencer', async () => (await safeBlock(replica1.url)) >= (await safeBlock(seq.url)), 60_000);
    await seq.stop();
    const index = Number(await inbox.getFunction('nextBatchIndex')(CHAIN_ID)) - 1;
    const bonds = new Contract(contracts.bondManager, loadArtifact('BondManager').abi as never, l1);
    const bondBefore = (await bonds.getFunction('bondOf')(CHAIN_ID, PROPOSER)) as bigint;
    await metis(['da', 'challenge', String(index), '--chunk', '0', ...common()]);
    // Nobody answers: past the response window (anvil's clock moved forward), anyone resolves.
    const { deadline } = (await challenges.getFunction('getChallenge')(CHAIN_ID, index, 0)) as { deadline: bigint };
    const now = (await l1.getBlock('latest'))!.timestamp;
    await l1.send('evm_increaseTime', [Number(deadline) - now + 1]);
    await l1.send('evm_mine', []);
    const result = JSON.parse(await metis(['da', 'resolve', String(index), '--chunk', '0', '--json', ...common()]));
    const minBond = ((await new Contract(contracts.chainRegistry, loadArtifact('ChainRegistry').abi as never, l1).getFunction('getChain')(CHAIN_ID)) as { minBond: bigint }).minBond;
    const slashed = bondBefore < minBond ? bondBefore : minBond;
    expect(BigInt(result.slashed)).toBe(slashed);
    expect(BigInt(result.reward)).toBe(slashed / 2n);
    expect(await bonds.getFunction('bondOf')(CHAIN_ID, PROPOSER)).toBe(bondBefore - slashed);
    expect(Number(await inbox.getFunction('nextBatchIndex')(CHAIN_ID))).toBe(index);
  });

  it('a second replica waits for unavailable data, saying which batch, then fetches it from the first one', async () => {
    const head = await safeBlock(replica1.url);
    // The only peer the registry record names is the stopped sequencer: nothing can be fetched.
    stranded = await startDevnet({ role: 'replica', l1: anvil.url, l1Contracts: seq.l1Contracts! });
    dirs.push(stranded.dataDir);
    const status = await until('the replica reporting what it waits for', async () => (await call(stranded!.url, 'metis_syncStatus')).waitingFor, 120_000).catch(
      async (e) => {
        console.log(JSON.stringify(await call(stranded!.url, 'metis_syncStatus').catch((x: unknown) => String(x))));
        console.log(stranded!.output().slice(-6000));
        throw e;
      },
    );
    expect(status.batch).toBe('0x0');
    expect(await safeBlock(stranded.url)).toBe(0); // never skips ahead
    await stranded.stop();
    // The same data directory, now told where replica 1 is.
    replica2 = await startDevnet({ role: 'replica', l1: anvil.url, l1Contracts: seq.l1Contracts!, dataDir: stranded.dataDir, args: ['--ipfs-peer', ipfsAddr(replica1)] });
    // Everything still on L1 (the removed batch is gone from it) is served by replica 1.
    const onL1 = Number(await inbox.getFunction('nextBatchIndex')(CHAIN_ID));
    const last = Number(((await inbox.getFunction('getBatch')(CHAIN_ID, onL1 - 1)) as { lastBlock: bigint }).lastBlock);
    await until('replica 2 at the last batch on L1', async () => (await safeBlock(replica2!.url)) >= last, 150_000).catch((e) => {
      console.log(replica2!.output().slice(-6000));
      throw e;
    });
    const reached = await safeBlock(replica2.url);
    expect(reached).toBeGreaterThan(10);
    expect(reached).toBeLessThanOrEqual(head);
    expect(await stateRoot(replica2.url, reached)).toBe(await stateRoot(replica1.url, reached));
  }, 300_000);
});
