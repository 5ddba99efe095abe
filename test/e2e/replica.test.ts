// The replica role end to end: a dev sequencer with its embedded anvil L1 makes blocks (ETH transfers, an
// ERC-20, an L1 deposit, an L2 withdrawal) and posts them to L1; a replica started from scratch rebuilds the
// same chain from the L1 contracts and the batch data alone, forwards transactions to the sequencer, and
// survives kill -9 in the middle of derivation.
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, ContractFactory, HDNodeWallet, JsonRpcProvider, Wallet, parseEther, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { CHAIN_ID, call, removeDir, rpc, startDevnet, type Devnet, until } from './harness.js';

const MNEMONIC = 'test test test test test test test test test test test junk';
const devWallet = (i: number): HDNodeWallet => HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);
/** Load senders: dev accounts the other steps do not use (2 deposits on L1, 3 withdraws on L2). */
const SENDERS = [0, 1, 4, 5, 6, 7, 8, 9].map(devWallet);
const WAVES = 4;
const PER_WAVE = 60;

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;


const tagNumber = async (url: string, tag: string): Promise<number> => Number((await call(url, 'eth_getBlockByNumber', [tag, false]))?.number ?? 0);
interface SyncStatus {
  role: string;
  head: number;
  safe: number;
  finalized: number;
  l1BatchesSeen: number;
  mismatch?: unknown;
  invalid?: unknown;
}
/** metis_syncStatus, its hex quantities as numbers. */
async function syncStatus(url: string): Promise<SyncStatus> {
  const s = await call(url, 'metis_syncStatus');
  return { ...s, head: Number(s.head), safe: Number(s.safe), finalized: Number(s.finalized), l1BatchesSeen: Number(s.l1BatchesSeen) };
}

describe('replica: the chain rebuilt from L1 alone', () => {
  let seq: Devnet;
  let l1: JsonRpcProvider;
  let l2: JsonRpcProvider;
  let token: Contract;
  const replicas: Devnet[] = [];
  const dirs: string[] = [];
  /** The sequencer's safe block once the activity is batched: what every replica must reach. */
  let target = 0;
  const watched = new Set<string>(SENDERS.map((w) => w.address));

  const startReplica = async (dataDir?: string): Promise<Devnet> => {
    const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'metis-replica-')));
    if (!dataDir) dirs.push(dir);
    const node = await startDevnet({ role: 'replica', l1: seq.l1Url!, l1Contracts: seq.l1Contracts!, sequencerRpc: seq.url, dataDir: dir });
    replicas.push(node);
    return node;
  };

  beforeAll(async () => {
    seq = await startDevnet({ l1: true, blockTime: '200', args: ['--challenge-window', '4'] });
    dirs.push(seq.dataDir);
    l1 = new JsonRpcProvider(seq.l1Url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    l2 = new JsonRpcProvider(seq.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
  });

  afterAll(async () => {
    l1?.destroy();
    l2?.destroy();
    for (const r of replicas) await r.stop();
    if (seq) expect(await seq.stop()).toBe(0);
    for (const d of dirs) await removeDir(d);
  });

  it('the sequencer makes L2 activity and batches it to L1', async () => {
    // An ERC-20: deployed, spread with batchTransfer, then moved between holders.
    const owner = SENDERS[0]!.connect(l2);
    const { abi, bytecode } = loadArtifact('MetisTestToken');
    token = (await new ContractFactory(abi as never, bytecode, owner).deploy('Replica Token', 'RPL', parseEther('1000000'))) as Contract;
    await token.waitForDeployment();
    const holders = Array.from({ length: 12 }, () => Wallet.createRandom().address);
    holders.forEach((h) => watched.add(h));
    expect((await (await token.getFunction('batchTransfer')(holders, parseEther('10'))).wait()).status).toBe(1);
    const second = new Contract(await token.getAddress(), abi as never, SENDERS[1]!.connect(l2));
    expect((await (await token.getFunction('transfer')(SENDERS[1]!.address, parseEther('5'))).wait()).status).toBe(1);
    expect((await (await second.getFunction('transfer')(holders[0], parseEther('1'))).wait()).status).toBe(1);

    // An L1 deposit, credited on L2.
    const contracts = JSON.parse(readFileSync(seq.l1Contracts!, 'utf8')) as { bridge: string };
    const depositor = new Contract(contracts.bridge, loadArtifact('Bridge').abi as never, new Wallet(devWallet(2).privateKey, l1));
    const depositee = Wallet.createRandom().address;
    watched.add(depositee);
    expect((await (await depositor.getFunction('depositETH')(CHAIN_ID, depositee, { value: parseEther('1.5') })).wait()).status).toBe(1);
    await until('the deposit on L2', async () => (await l2.getBalance(depositee)) === parseEther('1.5'));

    // An L2 withdrawal.
    const bridge = new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi as never, devWallet(3).connect(l2));
    const withdrawal = (await (await bridge.getFunction('withdrawETH')(Wallet.createRandom().address, { value: parseEther('0.25') })).wait()) as TransactionReceipt;
    expect(withdrawal.status).toBe(1);
    watched.add(devWallet(3).address);

    // ETH transfers, signed beforehand, sent in waves (the pool takes 64 nonces ahead per sender).
    const fees = { maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
    const nonces = await Promise.all(SENDERS.map(async (w) => Number(await call(seq.url, 'eth_getTransactionCount', [w.address, 'latest']))));
    const waves: string[][] = [];
    for (let wave = 0; wave < WAVES; wave++) {
      const raws: string[] = [];
      for (const [s, w] of SENDERS.entries()) {
        for (let i = 0; i < PER_WAVE; i++) {
          const to = SENDERS[(s + 1 + (i % 7)) % SENDERS.length]!.address;
          raws.push(await w.signTransaction({ type: 2, chainId: CHAIN_ID, nonce: nonces[s]! + wave * PER_WAVE + i, to, value: BigInt(1 + i), gasLimit: 21_000n, ...fees }));
        }
      }
      waves.push(raws);
    }
    const headBefore = Number(await call(seq.url, 'eth_blockNumber'));
    const started = performance.now();
    for (const [wave, raws] of waves.entries()) {
      const { body } = await rpc(seq.url, raws.map((raw, id) => ({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [raw] })));
      const refused = (body as { error?: unknown }[]).filter((r) => r.error);
      expect(refused, JSON.stringify(refused[0])).toEqual([]);
      await until(`wave ${wave} mined`, async () => {
        const mined = await Promise.all(SENDERS.map((w) => call(seq.url, 'eth_getTransactionCount', [w.address, 'latest'])));
        return mined.every((n, s) => Number(n) === nonces[s]! + (wave + 1) * PER_WAVE);
      }, 60_000, 20);
    }
    const seconds = (performance.now() - started) / 1000;
    const blocks = Number(await call(seq.url, 'eth_blockNumber')) - headBefore;
    const txs = WAVES * PER_WAVE * SENDERS.length;
    console.log(`[figure] sequencer: ${txs} transfers in ${blocks} blocks in ${seconds.toFixed(2)} s (${(blocks / seconds).toFixed(1)} blocks/s, ${(txs / seconds).toFixed(0)} txs/s, ingest included)`);

    // Everything is in batches on L1: the sequencer's `safe` covers its head.
    const head = Number(await call(seq.url, 'eth_blockNumber'));
    target = await until('the sequencer batches to cover its head', async () => {
      const safe = await tagNumber(seq.url, 'safe');
      return safe >= head ? safe : undefined;
    });
    const status = await syncStatus(seq.url);
    expect(status).toMatchObject({ role: 'sequencer', safe: target });
    expect(status.l1BatchesSeen).toBeGreaterThan(1);
  });

  it('a replica started from scratch derives the same chain, block by block, and serves it', async () => {
    expect(target).toBeGreaterThan(0);
    const replica = await startReplica();
    const started = performance.now();
    await until('the replica to reach the sequencer', async () => (await syncStatus(replica.url)).safe >= target, 90_000, 20);
    const seconds = (performance.now() - started) / 1000;

    let txs = 0;
    for (let n = 0; n <= target; n++) {
      const [a, b] = await Promise.all([call(seq.url, 'eth_getBlockByNumber', [hex(n), false]), call(replica.url, 'eth_getBlockByNumber', [hex(n), false])]);
      expect(b.hash, `block ${n}`).toBe(a.hash);
      expect(b.stateRoot, `block ${n}`).toBe(a.stateRoot);
      expect(b.transactions).toEqual(a.transactions);
      txs += a.transactions.length;
    }
    console.log(`[figure] replica derivation from L1: ${target} blocks, ${txs} txs in ${seconds.toFixed(2)} s (${(target / seconds).toFixed(1)} blocks/s, ${(txs / seconds).toFixed(0)} txs/s, L1 reads and checks included)`);

    const at = hex(target);
    for (const address of watched) {
      expect(await call(replica.url, 'eth_getBalance', [address, at]), address).toBe(await call(seq.url, 'eth_getBalance', [address, at]));
      const data = token.interface.encodeFunctionData('balanceOf', [address]);
      const req = { to: await token.getAddress(), data };
      expect(await call(replica.url, 'eth_call', [req, at])).toBe(await call(seq.url, 'eth_call', [req, at]));
    }
    const status = await syncStatus(replica.url);
    expect(status).toMatchObject({ role: 'replica' });
    expect(status.mismatch).toBeUndefined();
    expect(status.invalid).toBeUndefined();
    expect(status.safe).toBeGreaterThanOrEqual(target);
    // `finalized` follows L1, and never runs ahead of what the replica verified.
    const final = await until('a finalized block on the replica', async () => {
      const s = await syncStatus(replica.url);
      return s.finalized > 0 ? s : undefined;
    }, 30_000);
    expect(final.finalized).toBeLessThanOrEqual(final.safe);
    expect(await tagNumber(replica.url, 'finalized')).toBeGreaterThan(0);
  });

  it('forwards eth_sendRawTransaction to the sequencer and passes its errors through', async () => {
    const replica = replicas[0]!;
    const sender = devWallet(1);
    const nonce = Number(await call(seq.url, 'eth_getTransactionCount', [sender.address, 'pending']));
    const raw = await sender.signTransaction({ type: 2, chainId: CHAIN_ID, nonce, to: devWallet(2).address, value: 7n, gasLimit: 21_000n, maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n });
    const hash = await call(replica.url, 'eth_sendRawTransaction', [raw]);
    const receipt = await until('the forwarded transaction on the sequencer', () => call(seq.url, 'eth_getTransactionReceipt', [hash]));
    expect(receipt.status).toBe('0x1');
    // ...and it reaches the replica the L1 way.
    const derived = await until('the forwarded transaction on the replica', () => call(replica.url, 'eth_getTransactionReceipt', [hash]), 60_000);
    expect(derived.blockHash).toBe(receipt.blockHash);

    // The same transaction again: the sequencer's refusal, code and message unchanged.
    const again = await rpc(replica.url, { jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [raw] });
    const direct = await rpc(seq.url, { jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [raw] });
    expect(again.body.error).toEqual(direct.body.error);
    expect(again.body.error.data.metisCode).toMatch(/^METIS-40\d$/);
  });

  it('after kill -9 in the middle of derivation, restarts on its data dir and reaches the same roots', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metis-replica-kill-'));
    dirs.push(dir);
    const first = await startReplica(dir);
    // Killed while it imports: some blocks are in, the target is not reached.
    const atKill = await until('the replica importing', async () => {
      const head = Number(await call(first.url, 'eth_blockNumber'));
      return head > 0 ? head : undefined;
    }, 60_000, 5);
    await first.kill9();
    expect(atKill).toBeLessThan(target);

    const second = await startReplica(dir);
    const head = Number(await call(second.url, 'eth_blockNumber'));
    expect(head).toBeGreaterThanOrEqual(atKill);
    await until('the restarted replica to reach the sequencer', async () => (await syncStatus(second.url)).safe >= target, 90_000);
    for (let n = 0; n <= target; n++) {
      const [a, b] = await Promise.all([call(seq.url, 'eth_getBlockByNumber', [hex(n), false]), call(second.url, 'eth_getBlockByNumber', [hex(n), false])]);
      expect(b.stateRoot, `block ${n}`).toBe(a.stateRoot);
      expect(b.hash, `block ${n}`).toBe(a.hash);
    }
    const status = await syncStatus(second.url);
    expect(status.mismatch).toBeUndefined();
    expect(status.invalid).toBeUndefined();
    console.log(`[figure] replica kill -9 at block ${atKill} of ${target}; restarted at head ${head}, caught up with identical roots`);
  });
});
