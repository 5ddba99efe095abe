#!/usr/bin/env node
// `npm run bench`: anvil vs `metis dev` on the same pre-signed ERC-20 and ETH transfers. See README.md.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { anvilVersion, ROOT, startAnvil, startMetis } from './processes.mjs';
import { call, collectReceipts, MAX_BATCH, sendRawBatches } from './rpc.mjs';
import { CHAIN_ID, deriveAccounts, runSetup, signSetup, signWorkload, verifyState } from './workload.mjs';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 1000);
const NONCES = Number(process.env.BENCH_NONCES ?? 5);
const CHAINS = (process.env.BENCH_CHAINS ?? 'anvil,metis').split(',').map((s) => s.trim()).filter(Boolean);
const INFLIGHT = Number(process.env.BENCH_INFLIGHT ?? 1);
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench-results.json');
const WORKLOADS = ['erc20', 'eth'];
const STARTERS = { anvil: startAnvil, metis: startMetis };

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const secs = (ms) => (ms / 1000).toFixed(2);

for (const c of CHAINS) if (!STARTERS[c]) throw new Error(`BENCH_CHAINS: unknown chain "${c}" (anvil, metis)`);
if (!(SENDERS > 0 && NONCES > 0)) throw new Error('BENCH_SENDERS and BENCH_NONCES must be positive');
if (!(Number.isInteger(INFLIGHT) && INFLIGHT > 0)) throw new Error('BENCH_INFLIGHT must be a positive integer');

/** Sends one workload, waits for all its receipts, and returns the figures. */
async function measure(node, kind, txs) {
  const hashes = txs.map((t) => t.hash);
  const headBefore = Number(await call(node.url, 'eth_blockNumber', []));
  const t0 = performance.now();
  await sendRawBatches(node.url, txs, { inflight: INFLIGHT });
  const tSent = performance.now();
  const { receipts, lastSeenAt, polls, mined } = await collectReceipts(node.url, hashes, { mine: node.mine });
  const t1 = lastSeenAt;
  const blocks = new Set();
  let gasUsed = 0n;
  for (const r of receipts.values()) {
    blocks.add(Number(r.blockNumber));
    gasUsed += BigInt(r.gasUsed);
  }
  const nums = [...blocks].sort((a, b) => a - b);
  const durationMs = t1 - t0;
  return {
    workload: kind,
    txs: txs.length,
    receipts: receipts.size,
    sendMs: Math.round(tSent - t0),
    durationMs: Math.round(durationMs),
    tps: Math.round((txs.length / (durationMs / 1000)) * 10) / 10,
    blocks: blocks.size,
    firstBlock: nums[0],
    lastBlock: nums[nums.length - 1],
    headBefore,
    maxTxsPerBlock: Math.max(...nums.map((n) => [...receipts.values()].filter((r) => Number(r.blockNumber) === n).length)),
    gasUsed: gasUsed.toString(),
    receiptPolls: polls,
    ...(node.mine ? { evmMineCalls: mined } : {}),
  };
}

function printTable(results) {
  const rows = [['workload', 'chain', 'txs', 'send s', 'total s', 'tps', 'blocks']];
  for (const w of WORKLOADS) {
    for (const c of CHAINS) {
      const r = results.chains[c]?.workloads?.[w];
      if (r) rows.push([w, c, String(r.txs), secs(r.sendMs), secs(r.durationMs), r.tps.toFixed(1), String(r.blocks)]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log('');
  console.log(`Metis benchmark: ${SENDERS} senders x ${NONCES} pre-signed transfers per workload, batches of ${MAX_BATCH} (${INFLIGHT} in flight), ${results.machine.cpus} CPUs, Node ${results.machine.node}`);
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  for (const w of WORKLOADS) {
    const ratio = results.ratios[w];
    if (ratio != null) console.log(`${w}: Metis/anvil = ${ratio.toFixed(3)} (${(ratio * 100).toFixed(1)}% of anvil's tps)`);
  }
  if (results.error) console.log(`FAILED (${results.error.chain ?? 'setup'}${results.error.workload ? ` ${results.error.workload}` : ''}): ${results.error.message}`);
  console.log(`Results written to ${OUT}`);
}

/** The node currently running (stopped in `finally`, or on SIGINT/SIGTERM). */
let node;

async function main() {
  const cpus = os.cpus();
  const results = {
    startedAt: new Date().toISOString(),
    ok: false,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
    },
    config: {
      chainId: CHAIN_ID,
      senders: SENDERS,
      transfersPerSender: NONCES,
      txsPerWorkload: SENDERS * NONCES,
      maxBatch: MAX_BATCH,
      batchesInFlight: INFLIGHT,
      workloads: WORKLOADS,
      state: 'one fresh node per chain; setup once, then the erc20 workload (nonces 0..n-1), then the eth workload (nonces n..2n-1)',
      fees: { maxFeePerGas: '100 gwei', maxPriorityFeePerGas: '1 gwei' },
      gasLimits: { eth: 21000, erc20: 60000 },
    },
    chains: {},
    ratios: {},
  };
  let current = {};
  let exitCode = 0;
  try {
    log(`deriving ${SENDERS} senders and signing the setup`);
    let t = performance.now();
    const accounts = deriveAccounts(SENDERS);
    const setup = await signSetup(accounts.senders);
    const signed = {};
    for (const [i, kind] of WORKLOADS.entries()) {
      log(`signing ${SENDERS * NONCES} ${kind} transfers`);
      signed[kind] = await signWorkload(kind, { ...accounts, tokenAddress: setup.tokenAddress, nonces: NONCES, firstNonce: i * NONCES });
    }
    results.signingMs = Math.round(performance.now() - t);
    log(`signed ${setup.count} setup + ${WORKLOADS.length * SENDERS * NONCES} measured transactions in ${secs(results.signingMs)} s; token at ${setup.tokenAddress}`);

    for (const chain of CHAINS) {
      current = { chain };
      log(`${chain}: starting`);
      node = await STARTERS[chain]({ chainId: CHAIN_ID });
      const entry = (results.chains[chain] = { command: node.command, workloads: {} });
      if (chain === 'anvil') entry.version = anvilVersion();
      log(`${chain}: listening on ${node.url} (pid ${node.pid}); setup: ${setup.count} transactions`);
      t = performance.now();
      await runSetup(node, setup);
      entry.setupMs = Math.round(performance.now() - t);
      entry.setupBlocks = Number(await call(node.url, 'eth_blockNumber', []));
      log(`${chain}: setup done in ${secs(entry.setupMs)} s (head ${entry.setupBlocks})`);
      for (const kind of WORKLOADS) {
        current = { chain, workload: kind };
        log(`${chain}: ${kind}: sending ${signed[kind].length} transactions`);
        const r = await measure(node, kind, signed[kind]);
        entry.workloads[kind] = r;
        log(`${chain}: ${kind}: ${r.txs} receipts in ${secs(r.durationMs)} s (send ${secs(r.sendMs)} s) = ${r.tps} tps over ${r.blocks} blocks`);
      }
      current = { chain, workload: 'verify' };
      entry.verified = await verifyState(node, { ...accounts, tokenAddress: setup.tokenAddress, nonces: NONCES, done: WORKLOADS });
      log(`${chain}: balances and nonces verified; stopping`);
      const { code, signal } = await node.stop();
      entry.exit = { code, signal };
      node = undefined;
    }
    for (const w of WORKLOADS) {
      const a = results.chains.anvil?.workloads[w]?.tps;
      const m = results.chains.metis?.workloads[w]?.tps;
      results.ratios[w] = a && m ? Math.round((m / a) * 1000) / 1000 : null;
    }
    results.ok = true;
  } catch (e) {
    exitCode = 1;
    results.error = { ...current, message: e?.message ?? String(e), ...(e?.receiptsArrived != null ? { receiptsArrived: e.receiptsArrived } : {}) };
    console.error(`\n[bench] FAILED${current.chain ? ` on ${current.chain}` : ''}${current.workload ? ` (${current.workload})` : ''}: ${e?.stack ?? e}`);
    if (node) {
      const tail = node.output(60);
      results.error.nodeOutputTail = tail.split('\n');
      console.error(`\n[bench] last lines printed by ${node.name}:\n${tail}\n`);
    }
  } finally {
    if (node) {
      const { code, signal } = await node.stop();
      log(`${node.name} stopped (code ${code}, signal ${signal})`);
    }
    results.finishedAt = new Date().toISOString();
    writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
  }
  process.exitCode = exitCode;
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${sig}: stopping ${node ? node.name : 'nothing'} and exiting`);
    Promise.resolve(node?.stop(5_000)).finally(() => process.exit(130));
  });
}

await main();
