// Execution throughput of the EVM plugin alone (no RPC, no pool): `node plugins/evm/bench/execute.mjs [eth|erc20]`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeeMarket1559Tx } from '@ethereumjs/tx';
import { bytesToHex, createAddressFromPrivateKey } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createLogger } from '@metis/core';
import { EvmChain } from '../dist/chain.js';
import { executeBlock } from '../dist/execute/execute-block.js';

const SENDERS = 1000;
const NONCES = 5;
const dir = await mkdtemp(join(tmpdir(), 'metis-exec-bench-'));
const keys = Array.from({ length: SENDERS }, (_, i) => keccak_256(new TextEncoder().encode(`bench-${i}`)));
const addrs = keys.map((k) => createAddressFromPrivateKey(k).toString());
const alloc = Object.fromEntries(addrs.map((a) => [a, { balance: 10n ** 22n }]));
const chain = await EvmChain.open({ dir, chainId: 1337n, genesis: { alloc, timestamp: 0n, gasLimit: 30_000_000n, baseFeePerGas: 1_000_000_000n, extraData: '0x' }, coinbase: `0x${'00'.repeat(20)}`, logger: createLogger({ level: 'silent' }) });
const txs = [];
for (let n = 0n; n < BigInt(NONCES); n++) {
  for (let i = 0; i < SENDERS; i++) {
    const tx = createFeeMarket1559Tx({ chainId: 1337n, nonce: n, to: addrs[(i + 1) % SENDERS], value: 1n, gasLimit: 21000n, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1n }, { common: chain.common }).sign(keys[i]);
    const sender = tx.getSenderAddress().toString();
    txs.push({ hash: bytesToHex(tx.hash()), sender, nonce: tx.nonce, gasLimit: tx.gasLimit, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas, raw: tx.serialize(), source: 'rpc', decoded: tx });
  }
}
const t = performance.now();
let rest = txs;
let blocks = 0;
while (rest.length) {
  const { block } = await executeBlock(chain, chain.nextTemplate(BigInt(blocks + 1)), rest);
  const done = new Set(block.txHashes);
  rest = rest.filter((x) => !done.has(x.hash));
  blocks++;
}
const ms = performance.now() - t;
console.log(`executed ${txs.length} ETH transfers in ${blocks} blocks: ${ms.toFixed(0)} ms, ${Math.round((txs.length / ms) * 1000)} tx/s`);
await chain.close();
await rm(dir, { recursive: true, force: true });

