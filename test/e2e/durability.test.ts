import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { CHAIN_ID, DEV_ADDRESSES, DEV_KEYS, call, removeDir, rpc, startDevnet, type Devnet } from './harness.js';

const ROUNDS = 8;
const senders = DEV_KEYS.slice(1, 4).map((k) => new Wallet(k));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * kill -9 at random moments while clients send transactions: after every restart the node is at the same
 * head (no produced block lost or changed) and every transaction whose hash was returned is either in a
 * block or back in the pool, and is mined eventually.
 */
describe('durability under SIGKILL', () => {
  let dataDir: string;
  let node: Devnet | undefined;
  afterAll(async () => {
    await node?.stop();
    if (dataDir) await removeDir(dataDir);
  });

  it(`loses nothing acknowledged across ${ROUNDS} kills at random moments`, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'metis-kill-'));
    const acked = new Set<string>();
    const blocks = new Map<number, string>();
    let lastHead = 0;

    for (let round = 0; round <= ROUNDS; round++) {
      node = await startDevnet({ dataDir, blockTime: '150' });
      const url = node.url;
      // Everything seen before the kill is still there, unchanged.
      const head = Number(await call(url, 'eth_blockNumber'));
      expect(head).toBeGreaterThanOrEqual(lastHead);
      for (const [n, hash] of blocks) expect((await call(url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false]))?.hash, `block ${n}`).toBe(hash);
      for (const hash of acked) expect(await call(url, 'eth_getTransactionByHash', [hash]), `tx ${hash}`).not.toBeNull();
      if (round === ROUNDS) break;

      // Send until killed; remember what the node acknowledged and which blocks it showed.
      let killed = false;
      const sending = senders.map(async (wallet) => {
        let nonce = Number(await call(url, 'eth_getTransactionCount', [wallet.address, 'pending']));
        while (!killed) {
          const raw = await wallet.signTransaction({ type: 2, chainId: CHAIN_ID, nonce, to: DEV_ADDRESSES[0], value: 1n, gasLimit: 21_000n, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n });
          const res = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [raw] }).catch(() => undefined);
          if (!res) break; // connection died with the node: not acknowledged
          if (res.body.error?.data?.metisCode === 'METIS-406') {
            // More than 64 nonces ahead of the head: the pool's back-pressure. Not acknowledged; as a client
            // would, wait for the next block and send the same nonce again.
            await sleep(50);
            continue;
          }
          if (res.body.error) throw new Error(`send failed: ${res.body.error.message}`);
          acked.add(res.body.result);
          nonce++;
        }
      });
      const watching = (async () => {
        while (!killed) {
          const block = await rpc(url, { jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: ['latest', false] }).catch(() => undefined);
          if (!block?.body?.result) break;
          blocks.set(Number(block.body.result.number), block.body.result.hash);
          lastHead = Math.max(lastHead, Number(block.body.result.number));
          await sleep(50);
        }
      })();
      await sleep(300 + Math.floor(Math.random() * 1200));
      await node.kill9();
      killed = true;
      await Promise.all([...sending, watching]);
    }

    // Every acknowledged transaction is mined in the end.
    const url = node!.url;
    const deadline = Date.now() + 60_000;
    const pending = new Set(acked);
    while (pending.size > 0 && Date.now() < deadline) {
      for (const hash of [...pending]) if (await call(url, 'eth_getTransactionReceipt', [hash])) pending.delete(hash);
      if (pending.size > 0) await sleep(200);
    }
    expect(pending.size).toBe(0);
    expect(acked.size).toBeGreaterThan(ROUNDS);
  }, 600_000);
});
