// Execution throughput of the EVM plugin alone (no RPC, no pool): `node plugins/evm/bench/execute.mjs [eth|erc20]`.
import { readFileSync } from 'node:fs';
import { setLengthLeft, hexToBytes as h2b, bytesToHex as b2h } from '@ethereumjs/util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeeMarket1559Tx } from '@ethereumjs/tx';
import { bytesToHex, createAddressFromPrivateKey } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createLogger } from '@metis/core';
import { EvmChain } from '../dist/chain.js';
import { executeBlock } from '../dist/execute/execute-block.js';
import { decodeSignedTx } from '../dist/execute/decode-tx.js';

const SENDERS = 1000;
const NONCES = 5;
const dir = await mkdtemp(join(tmpdir(), 'metis-exec-bench-'));
const keys = Array.from({ length: SENDERS }, (_, i) => keccak_256(new TextEncoder().encode(`bench-${i}`)));
const addrs = keys.map((k) => createAddressFromPrivateKey(k).toString());
const MODE = process.argv[2] === 'erc20' ? 'erc20' : 'eth';
const alloc = Object.fromEntries(addrs.map((a) => [a, { balance: 10n ** 22n }]));
// erc20: MetisTestToken's runtime code in the genesis, every sender holding tokens (OZ ERC20: balances at slot 0).
const TOKEN = '0x00000000000000000000000000000000000c0de0';
if (MODE === 'erc20') {
  const artifact = JSON.parse(readFileSync(new URL('../../../contracts/artifacts/MetisTestToken.json', import.meta.url), 'utf8'));
  const storage = {};
  for (const a of addrs) storage[b2h(keccak_256(new Uint8Array([...setLengthLeft(h2b(a), 32), ...new Uint8Array(32)])))] = '0x' + (10n ** 24n).toString(16);
  alloc[TOKEN] = { balance: 0n, code: artifact.deployedBytecode, storage };
}
const transferData = (to) => '0xa9059cbb' + to.slice(2).padStart(64, '0') + '1'.padStart(64, '0');
const chain = await EvmChain.open({ dir, chainId: 1337n, genesis: { alloc, timestamp: 0n, gasLimit: 30_000_000n, baseFeePerGas: 1_000_000_000n, extraData: '0x' }, coinbase: `0x${'00'.repeat(20)}`, logger: createLogger({ level: 'silent' }) });
const txs = [];
for (let n = 0n; n < BigInt(NONCES); n++) {
  for (let i = 0; i < SENDERS; i++) {
    const to = addrs[(i + 1) % SENDERS];
    const fields = MODE === 'erc20' ? { to: TOKEN, value: 0n, gasLimit: 60000n, data: transferData(to) } : { to, value: 1n, gasLimit: 21000n };
    const signed = createFeeMarket1559Tx({ chainId: 1337n, nonce: n, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1n, ...fields }, { common: chain.common }).sign(keys[i]);
    // decoded as the pool does at intake: sender recovered once and pinned on the transaction
    const { tx, sender: senderAddress } = decodeSignedTx(chain.common, signed.serialize());
    const sender = senderAddress.toString();
    txs.push({ hash: bytesToHex(tx.hash()), sender, nonce: tx.nonce, gasLimit: tx.gasLimit, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas, raw: tx.serialize(), source: 'rpc', decoded: tx });
  }
}
// EXEC_PROFILE=file.cpuprofile profiles the execution loop only (not the set-up's signing).
const profile = process.env.EXEC_PROFILE ? await startProfile() : undefined;
const t = performance.now();
const cpu0 = process.cpuUsage();
let rest = txs;
let blocks = 0;
while (rest.length) {
  const { block } = await executeBlock(chain, chain.nextTemplate(BigInt(blocks + 1)), rest);
  const done = new Set(block.txHashes);
  rest = rest.filter((x) => !done.has(x.hash));
  blocks++;
}
const ms = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
if (profile) await profile(process.env.EXEC_PROFILE);
const failed = (await Promise.all([...Array(blocks).keys()].map((i) => chain.store.block(BigInt(i + 1))))).flatMap((b) => b.stored.receipts).filter((r) => r.status !== 1).length;
if (failed) throw new Error(`${failed} transactions failed`);
console.log(`executed ${txs.length} ${MODE} transfers in ${blocks} blocks: ${ms.toFixed(0)} ms, ${Math.round((txs.length / ms) * 1000)} tx/s (CPU ${cpuMs.toFixed(0)} ms: ${Math.round((txs.length / cpuMs) * 1000)} tx per CPU-second)`);
await chain.close();
await rm(dir, { recursive: true, force: true });


async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile: data } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(data));
    session.disconnect();
  };
}
