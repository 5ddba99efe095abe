/**
 * Micro-benchmark of the mempool: ingest senders × nonces signed transactions in concurrent batches of
 * 1,000 (like JSON-RPC batches; journal on a temp dir), then select, restart and onBlock. Informative
 * only; nothing asserts on time. Runs twice: the second round has a warm JIT.
 *
 *   npx tsx plugins/mempool/bench/ingest.ts [senders=1000] [nonces=5]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTxFromRLP } from '@ethereumjs/tx';
import type { Hex, IngestContext, SealedBlock } from '@metis/core';
import { Mempool } from '../src/pool.js';
import { resolveMempoolOptions } from '../src/options.js';
import { FakeEvmState, testCommon } from '../src/testing/fake-state.js';
import { ETH, Wallet } from '../src/testing/wallets.js';
import { nativeCrypto } from '../src/testing/crypto.js';

const senders = Number(process.argv[2] ?? 1000);
const nonces = Number(process.argv[3] ?? 5);
const BATCH = 1000;

const since = (t: number): number => performance.now() - t;
const cpuSince = (c: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
};
const f = (x: number): string => `${x.toFixed(1)} ms`;

async function round(label: string, raws: Uint8Array[], state: FakeEvmState, recovery: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mempool-bench-'));
  try {
    for (const [address] of state.accounts) state.set(address as Hex, { nonce: 0n });
    state.reads = 0;
    const pool = new Mempool(resolveMempoolOptions({}));
    await pool.start(state, dir);

    const c = process.cpuUsage();
    let t = performance.now();
    for (let i = 0; i < raws.length; i += BATCH) {
      await Promise.all(raws.slice(i, i + BATCH).map((raw) => pool.ingest({ raw, source: 'rpc', meta: {} } as IngestContext)));
    }
    const wall = since(t);
    const cpu = cpuSince(c);
    console.log(
      `[${label}] ingest ${raws.length}: ${f(wall)} wall, ${f(cpu)} CPU (≈ ${f(cpu - recovery)} CPU without recovery); ` +
        `pool ${pool.size}, executable ${pool.executableCount}, account reads ${state.reads}`,
    );

    const template = { number: 1n, parentHash: '0x' as Hex, timestamp: 0n, gasLimit: 10n ** 12n };
    t = performance.now();
    const picked = pool.select(template, 100_000);
    console.log(`[${label}] select: ${picked.length} txs in ${f(since(t))}`);
    await pool.stop();

    t = performance.now();
    const reopened = new Mempool(resolveMempoolOptions({}));
    await reopened.start(state, dir);
    console.log(`[${label}] restart: re-validated ${reopened.size} journaled txs in ${f(since(t))} (recovery included)`);

    for (const p of picked) state.set(p.sender, { nonce: BigInt(nonces) });
    const block: SealedBlock = {
      number: 1n,
      hash: '0x' as Hex,
      parentHash: '0x' as Hex,
      timestamp: 0n,
      stateRoot: '0x' as Hex,
      gasUsed: 0n,
      txHashes: picked.map((p) => p.hash),
    };
    t = performance.now();
    await reopened.onBlock(block, []);
    console.log(`[${label}] onBlock removing ${picked.length}: ${f(since(t))}; left ${reopened.size}`);
    await reopened.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const common = testCommon();
  console.log(`native secp256k1: ${nativeCrypto().ecrecover ? 'yes' : 'no (pure JS)'}; ${senders} senders × ${nonces} nonces`);
  const state = new FakeEvmState(common);
  let t = performance.now();
  const wallets = Array.from({ length: senders }, (_, i) => new Wallet(i + 1));
  for (const w of wallets) state.set(w.address, { balance: 100n * ETH });
  const raws: Uint8Array[] = [];
  // Interleaved like independent clients: nonce 0 of every sender, then nonce 1, ...
  for (let n = 0; n < nonces; n++) for (const w of wallets) raws.push(w.eip1559(common, { nonce: BigInt(n) }));
  console.log(`signed ${raws.length} txs in ${f(since(t))}`);

  // Recovery alone (to subtract): decode + verifySignature vs decode only, on fresh objects.
  const measureRecovery = (): number => {
    t = performance.now();
    for (const raw of raws) createTxFromRLP(raw, { common });
    const decodeOnly = since(t);
    t = performance.now();
    for (const raw of raws) createTxFromRLP(raw, { common }).verifySignature();
    return since(t) - decodeOnly;
  };
  measureRecovery();
  const recovery = measureRecovery();
  console.log(`signature recovery alone: ≈ ${f(recovery)} for ${raws.length}`);

  await round('cold', raws, state, recovery);
  await round('warm', raws, state, recovery);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
