// The batch submitter of a real node against a real L1 behind a fault-injecting proxy: random L1 RPC
// failures, then a SIGKILL while an append is in flight and a restart. Every L2 block ends up in exactly one
// batch on L1, in order, with the node's state roots.
import { mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_INBOX_ABI, startAnvil, type Anvil, type L1Contracts } from '@metis/l1';
import { startFaultyRpc, type FaultyRpc } from '../../plugins/l1/src/testing/faulty-rpc.js';
import { CHAIN_ID, removeDir, startDevnet, type Devnet, until } from './harness.js';



describe('batch submission under L1 faults and a crash', () => {
  let anvil: Anvil;
  let proxy: FaultyRpc;
  let node: Devnet | undefined;
  let dataDir: string;
  let l1: JsonRpcProvider;

  beforeAll(async () => {
    anvil = await startAnvil({ blockTime: 1 });
    proxy = await startFaultyRpc(anvil.url);
    dataDir = await mkdtemp(join(tmpdir(), 'metis-submitter-'));
    l1 = new JsonRpcProvider(anvil.url, undefined, { cacheTimeout: -1, batchMaxCount: 1 });
  });

  afterAll(async () => {
    l1?.destroy();
    if (node) await node.kill9();
    await proxy?.close();
    await anvil?.stop();
    if (dataDir) await removeDir(dataDir);
  });

  const start = (): Promise<Devnet> => startDevnet({ l1: proxy.url, dataDir, blockTime: '200', args: ['--challenge-window', '60'] });

  it('posts every block in exactly one batch, in order, despite failures and a SIGKILL mid-append', async () => {
    node = await start();
    const contracts = JSON.parse(readFileSync(node.l1Contracts!, 'utf8')) as L1Contracts;
    const inbox = new Contract(contracts.batchInbox, BATCH_INBOX_ABI, l1);
    const next = async (): Promise<bigint> => (await inbox.getFunction('nextBatchIndex')(CHAIN_ID)) as bigint;
    await until('a first batch', async () => (await next()) > 0n);

    // 30% of L1 requests fail in every way the proxy knows, for a while.
    proxy.chaos({ rate: 0.3, seed: 11, faults: [{ kind: 'rpc-error' }, { kind: 'http', status: 503 }, { kind: 'close' }, { kind: 'drop-response' }] });
    const before = await next();
    await until('batches under faults', async () => (await next()) >= before + 3n);
    proxy.chaos(undefined);
    expect(proxy.requests.some((r) => r.fault !== undefined)).toBe(true);

    // An append reaches the L1 but its answer is lost, and the node is killed right then.
    proxy.failMethod('eth_sendRawTransaction', { kind: 'drop-response' }, 1);
    await until('an append in flight', async () => proxy.count('eth_sendRawTransaction').faulted > 0, 30_000);
    await node.kill9();
    node = await start();

    // After the restart, the node catches up on L1 from where L1 says it is.
    const l2 = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 });
    try {
      const head = await l2.getBlockNumber();
      await until('batches past the restart head', async () => {
        const n = await next();
        if (n === 0n) return false;
        const last = (await inbox.getFunction('getBatch')(CHAIN_ID, n - 1n)) as { lastBlock: bigint };
        return last.lastBlock >= BigInt(head);
      });

      const count = await next();
      const appended = await inbox.queryFilter(inbox.filters.BatchAppended!(CHAIN_ID), contracts.startBlock, 'latest');
      const removed = await inbox.queryFilter(inbox.filters.BatchesRemoved!(CHAIN_ID), contracts.startBlock, 'latest');
      expect(removed).toHaveLength(0);
      const headers = appended.map((e) => (e as unknown as { args: { header: { batchIndex: bigint; firstBlock: bigint; lastBlock: bigint; newStateRoot: string } } }).args.header);
      // Exactly one append per index, in order, the blocks contiguous from 1, each with the node's state root.
      expect(headers.map((h) => h.batchIndex)).toEqual([...Array(Number(count)).keys()].map(BigInt));
      let expectedFirst = 1n;
      for (const h of headers) {
        expect(h.firstBlock).toBe(expectedFirst);
        expectedFirst = h.lastBlock + 1n;
        const block = (await l2.send('eth_getBlockByNumber', [`0x${h.lastBlock.toString(16)}`, false])) as { stateRoot: string };
        expect(block.stateRoot).toBe(h.newStateRoot);
      }
    } finally {
      l2.destroy();
    }
  });
});
