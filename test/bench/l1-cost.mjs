#!/usr/bin/env node
// `npm run bench:l1`: what settling on L1 costs. Runs `metis dev` with its embedded anvil L1 (calldata DA),
// sends pre-signed ERC-20 transfers, waits until every block holding them is in an appended batch, and
// reports L1 gas (DataInbox.publish + BatchInbox.appendBatch) and batch data bytes per L2 transaction.
import { readFileSync } from 'node:fs';
import { Contract, Interface, JsonRpcProvider } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import { startMetis } from './processes.mjs';
import { call, collectReceipts, sendRawBatches, sleep } from './rpc.mjs';
import { CHAIN_ID, deriveAccounts, runSetup, signSetup, signWorkload } from './workload.mjs';

const SENDERS = Number(process.env.BENCH_SENDERS ?? 1000);
const NONCES = Number(process.env.BENCH_NONCES ?? 2);
const log = (msg) => process.stderr.write(`[bench:l1] ${msg}\n`);

const node = await startMetis({ chainId: CHAIN_ID, l1: true });
try {
  const contracts = JSON.parse(readFileSync(node.l1Contracts, 'utf8'));
  const l1 = new JsonRpcProvider(node.l1Url, undefined, { batchMaxCount: 1, cacheTimeout: -1 });
  const inbox = new Contract(contracts.batchInbox, loadArtifact('BatchInbox').abi, l1);
  const dataInbox = new Interface(loadArtifact('DataInbox').abi);

  const accounts = deriveAccounts(SENDERS);
  const setup = await signSetup(accounts.senders);
  log(`setup: ${setup.count} transactions`);
  await runSetup(node, setup);
  const txs = await signWorkload('erc20', { ...accounts, tokenAddress: setup.tokenAddress, nonces: NONCES, firstNonce: 0 });
  const firstBlock = Number(await call(node.url, 'eth_blockNumber', [])) + 1;
  log(`sending ${txs.length} ERC-20 transfers from block ${firstBlock}`);
  await sendRawBatches(node.url, txs);
  const { receipts } = await collectReceipts(node.url, txs.map((t) => t.hash));
  const lastBlock = Math.max(...[...receipts.values()].map((r) => Number(r.blockNumber)));

  log(`waiting for the batches of blocks ${firstBlock}..${lastBlock} on L1`);
  for (;;) {
    const next = await inbox.nextBatchIndex(CHAIN_ID);
    if (next > 0n && (await inbox.getBatch(CHAIN_ID, next - 1n)).lastBlock >= BigInt(lastBlock)) break;
    await sleep(500);
  }

  // Every batch that holds a workload block: its data publish transactions and its append.
  const events = await inbox.queryFilter(inbox.filters.BatchAppended(CHAIN_ID), contracts.startBlock, 'latest');
  let gas = 0n;
  let bytes = 0;
  let l2Txs = 0;
  let batches = 0;
  let publishes = 0;
  for (const e of events) {
    const h = e.args.header;
    if (Number(h.lastBlock) < firstBlock || Number(h.firstBlock) > lastBlock) continue;
    batches++;
    gas += (await l1.getTransactionReceipt(e.transactionHash)).gasUsed;
    const commitment = h.daCommitment.slice(4); // version byte, then 32-byte tx hashes
    for (let i = 0; i < commitment.length; i += 64) {
      const hash = `0x${commitment.slice(i, i + 64)}`;
      const [receipt, tx] = await Promise.all([l1.getTransactionReceipt(hash), l1.getTransaction(hash)]);
      gas += receipt.gasUsed;
      bytes += dataInbox.decodeFunctionData('publish', tx.data)[1].length / 2 - 1;
      publishes++;
    }
    for (let n = Number(h.firstBlock); n <= Number(h.lastBlock); n++) {
      l2Txs += (await call(node.url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])).transactions.length;
    }
  }
  l1.destroy();
  const perTx = Number(gas) / l2Txs;
  console.log(`\nL1 settlement cost (calldata DA), ${batches} batches, ${publishes} publish transactions, ${l2Txs} L2 transactions (mostly ERC-20 transfers):`);
  console.log(`  L1 gas per L2 transaction: ${perTx.toFixed(0)} (publish + append, total ${gas})`);
  console.log(`  batch data per L2 transaction: ${(bytes / l2Txs).toFixed(1)} bytes (total ${bytes})`);
} finally {
  await node.stop();
}
