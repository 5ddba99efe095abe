#!/usr/bin/env node
// `npm run bench:finality`: how fast rangers finalize. Runs `metis dev --rangers 4` (embedded anvil L1 with
// 1-second blocks, 4 ranger processes staking 1 ETH each, challenge window 120 s, far longer than any
// certificate takes). The batches appended before the rangers staked can only finalize by that window; once
// the first batch after it is certified, it measures, for at least BENCH_FINALITY_BATCHES batches, the time from the batch's L1 inclusion
// to its finality (L1 block timestamps, and wall clock as seen by polling the L1 every 50 ms), and for
// BENCH_WITHDRAWALS withdrawals, the time from sending the L2 transaction to the ETH arriving on L1 (the
// benchmark finalizes each on the Bridge as soon as its batch is final). Prints median and worst and writes
// bench-finality.json at the repo root.
import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Contract, HDNodeWallet, JsonRpcProvider, Wallet, parseEther } from 'ethers';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { proveWithdrawal } from '@metis/l1';
import { ROOT, startMetis } from './processes.mjs';
import { sleep } from './rpc.mjs';

const CHAIN_ID = 1337;
const RANGERS = Number(process.env.BENCH_RANGERS ?? 4);
const WITHDRAWALS = Number(process.env.BENCH_WITHDRAWALS ?? 20);
const BATCHES = Number(process.env.BENCH_FINALITY_BATCHES ?? 20);
const WINDOW = Number(process.env.BENCH_CHALLENGE_WINDOW ?? 120);
const OUT = process.env.BENCH_OUT ?? join(ROOT, 'bench-finality.json');
const MNEMONIC = 'test test test test test test test test test test test junk';
const log = (msg) => process.stderr.write(`[bench:finality] ${msg}\n`);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { n: s.length, median: Math.round(median * 100) / 100, worst: Math.round(s[s.length - 1] * 100) / 100, best: Math.round(s[0] * 100) / 100 };
};

const node = await startMetis({ chainId: CHAIN_ID, l1: true, blockTime: '500', extraArgs: ['--challenge-window', String(WINDOW), '--rangers', String(RANGERS)] });
const results = { startedAt: new Date().toISOString(), rangers: RANGERS, challengeWindowSeconds: WINDOW, l1BlockSeconds: 1, l2BlockMs: 500 };
let watcher;
try {
  const contracts = JSON.parse(readFileSync(node.l1Contracts, 'utf8'));
  const l1 = new JsonRpcProvider(node.l1Url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
  const l2 = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
  const inbox = new Contract(contracts.batchInbox, loadArtifact('BatchInbox').abi, l1);
  const certifier = new Contract(contracts.rangerCertifier, loadArtifact('RangerCertifier').abi, l1);
  const registry = new Contract(contracts.rangerRegistry, loadArtifact('RangerRegistry').abi, l1);
  const bridge = new Contract(contracts.bridge, loadArtifact('Bridge').abi, l1);

  log(`waiting for ${RANGERS} registered rangers`);
  for (;;) {
    const ops = await registry.getFunction('rangers')(CHAIN_ID);
    if (ops.length >= RANGERS) break;
    await sleep(250);
  }
  // Batches appended before the rangers staked finalize by the window only (and later ones wait for them):
  // measure from the first batch appended once certificates keep up.
  const firstStaked = (await inbox.getFunction('nextBatchIndex')(CHAIN_ID)) + 1n;
  log(`waiting for batch ${firstStaked} (the first after the rangers staked) to be final; earlier ones finalize by the ${WINDOW} s window`);
  for (;;) {
    const [found, last] = await inbox.getFunction('lastFinalizedBatch')(CHAIN_ID);
    if (found && last >= firstStaked) break;
    await sleep(250);
  }
  const firstMeasured = (await inbox.getFunction('nextBatchIndex')(CHAIN_ID)) + 1n;
  log(`measuring from batch ${firstMeasured}`);

  // Wall clock: the moment each BatchAppended / BatchCertified log is first seen (L1 polled every 50 ms).
  const seen = { appended: new Map(), certified: new Map() };
  let cursor = await l1.getBlockNumber();
  let watching = true;
  let watchError;
  const watched = () => {
    if (watchError) throw watchError;
  };
  watcher = (async () => {
    while (watching) {
      try {
      const head = await l1.getBlockNumber();
      if (head > cursor) {
        const now = performance.now();
        for (const log of await inbox.queryFilter(inbox.filters.BatchAppended(CHAIN_ID), cursor + 1, head)) if (!seen.appended.has(log.args.batchIndex)) seen.appended.set(log.args.batchIndex, { at: now, block: log.blockNumber });
        for (const log of await certifier.queryFilter(certifier.filters.BatchCertified(CHAIN_ID), cursor + 1, head)) seen.certified.set(log.args.batchIndex, { at: now, block: log.blockNumber, signers: Number(log.args.signerCount) });
        cursor = head;
      }
      } catch (e) {
        watchError = e;
        return;
      }
      await sleep(50);
    }
  })();


  // Withdrawals, one after the other.
  const user = HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0/1");
  const l1User = new Wallet(user.privateKey, l1);
  const l2User = new Wallet(user.privateKey, l2);
  await (await bridge.connect(l1User).getFunction('depositETH')(CHAIN_ID, user.address, { value: parseEther('10') })).wait();
  const l2Bridge = new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi, l2User);
  const withdrawals = [];
  for (let i = 0; i < WITHDRAWALS; i++) {
    const recipient = Wallet.createRandom().address;
    const t0 = performance.now();
    const receipt = await (await l2Bridge.getFunction('withdrawETH')(recipient, { value: parseEther('0.01') })).wait();
    const input = { chainId: BigInt(CHAIN_ID), l1, l2, batchInbox: contracts.batchInbox, l2TxHash: receipt.hash, fromL1Block: contracts.startBlock };
    let proof;
    for (;;) {
      proof = await proveWithdrawal(input);
      if (proof.finalized) break;
      if (performance.now() - t0 > 60_000) throw new Error(`withdrawal ${i} not final after 60 s: L2 block ${proof.l2Block}, batch ${proof.batchIndex}, L1 batches ${await inbox.getFunction('nextBatchIndex')(CHAIN_ID)}, last final ${(await inbox.getFunction('lastFinalizedBatch')(CHAIN_ID))[1]}`);
      await sleep(100);
    }
    const w = proof.withdrawal;
    await (await bridge.connect(l1User).getFunction('finalizeWithdrawal')(CHAIN_ID, proof.batchIndex, [w.nonce, w.sender, w.to, w.l1Token, w.amount], proof.proof)).wait();
    if ((await l1.getBalance(recipient)) !== parseEther('0.01')) throw new Error(`withdrawal ${i}: the ETH did not arrive`);
    const seconds = (performance.now() - t0) / 1000;
    withdrawals.push(seconds);
    log(`withdrawal ${i + 1}/${WITHDRAWALS}: ${seconds.toFixed(2)} s (batch ${proof.batchIndex})`);
  }

  // Enough batches measured.
  const lastNeeded = firstMeasured + BigInt(BATCHES) - 1n;
  while (!seen.certified.has(lastNeeded)) {
    watched();
    await sleep(200);
  }
  watching = false;
  await watcher;
  const l1Seconds = [];
  const wallSeconds = [];
  const signers = [];
  for (let i = firstMeasured; i <= lastNeeded; i++) {
    const a = seen.appended.get(i);
    const c = seen.certified.get(i);
    if (!a || !c) throw new Error(`batch ${i}: not seen appended and certified`);
    const ta = (await l1.getBlock(a.block)).timestamp;
    const tc = (await l1.getBlock(c.block)).timestamp;
    l1Seconds.push(tc - ta);
    wallSeconds.push((c.at - a.at) / 1000);
    signers.push(c.signers);
  }
  results.batches = { first: String(firstMeasured), last: String(lastNeeded), l1InclusionToFinalitySeconds: stats(l1Seconds), wallClockSeconds: stats(wallSeconds), signersPerCertificate: stats(signers) };
  results.withdrawals = { l2TxToEthOnL1Seconds: stats(withdrawals), all: withdrawals.map((s) => Math.round(s * 100) / 100) };
  results.ok = true;
  console.log(`\nRangers: ${RANGERS}, L1 blocks 1 s, L2 blocks 500 ms, batches every ~2 s, challenge window ${WINDOW} s`);
  console.log(`batch L1 inclusion -> finality (L1 timestamps): median ${results.batches.l1InclusionToFinalitySeconds.median} s, worst ${results.batches.l1InclusionToFinalitySeconds.worst} s (${l1Seconds.length} batches)`);
  console.log(`batch L1 inclusion -> finality (wall clock):    median ${results.batches.wallClockSeconds.median} s, worst ${results.batches.wallClockSeconds.worst} s`);
  console.log(`L2 withdrawal tx -> ETH on L1:                  median ${results.withdrawals.l2TxToEthOnL1Seconds.median} s, worst ${results.withdrawals.l2TxToEthOnL1Seconds.worst} s (${withdrawals.length} withdrawals)`);
  l1.destroy();
  l2.destroy();
} catch (e) {
  results.ok = false;
  results.error = String(e?.stack ?? e);
  console.error(`[bench:finality] FAILED: ${e?.stack ?? e}\n${node.output?.() ?? ''}`);
  process.exitCode = 1;
} finally {
  await node.stop();
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`Results written to ${OUT}`);
  process.exit();
}
