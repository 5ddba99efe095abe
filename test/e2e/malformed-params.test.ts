import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, removeDir, rpc, startDevnet, type Devnet } from './harness.js';

const METHODS = [
  'eth_getBalance', 'eth_getTransactionCount', 'eth_getCode', 'eth_getStorageAt', 'eth_call', 'eth_estimateGas',
  'eth_feeHistory', 'eth_sendRawTransaction', 'eth_getTransactionByHash', 'eth_getTransactionReceipt',
  'eth_getBlockByNumber', 'eth_getBlockByHash', 'eth_getBlockReceipts', 'eth_getLogs', 'eth_newFilter',
  'eth_getFilterChanges', 'eth_getFilterLogs', 'eth_uninstallFilter', 'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionByBlockHashAndIndex', 'eth_getBlockTransactionCountByNumber', 'eth_getBlockTransactionCountByHash',
  'eth_subscribe', 'eth_unsubscribe', 'eth_chainId', 'eth_blockNumber', 'eth_gasPrice',
];

const GARBAGE: unknown[][] = [
  [],
  [null],
  [null, null, null],
  ['0xzz'],
  [{}],
  [123],
  [true, false],
  [[1, 2, 3]],
  ['0x' + 'f'.repeat(100)],
  [{ to: 5, data: 7, from: [], gas: {}, value: 'x' }, 'latest'],
  [{ fromBlock: 'banana', toBlock: {}, address: [1], topics: [[{}], 'x'] }],
  [{ address: '0x' + '11'.repeat(20), topics: ['0x' + '22'.repeat(32), null, ['0x12']] }],
  ['0x1', 'not-a-tag'],
  ['0x' + '11'.repeat(20), '0x' + 'f'.repeat(80), 'latest'],
  ['0x10000', 'latest', [101, 50]],
  [{ blockHash: '0x1234' }],
];

/**
 * Garbage parameters for every method give a clear client error, never an internal error, and leave the
 * node serving.
 */
describe('malformed parameters', () => {
  let node: Devnet;
  beforeAll(async () => {
    node = await startDevnet();
  });
  afterAll(async () => {
    await node?.stop();
    if (node) await removeDir(node.dataDir);
  });

  it('never answer with an internal error', async () => {
    const internal: string[] = [];
    for (const method of METHODS) {
      for (const params of GARBAGE) {
        const { body } = await rpc(node.url, { jsonrpc: '2.0', id: 1, method, params });
        if (body.error?.code === -32603) internal.push(`${method} ${JSON.stringify(params)}: ${body.error.message}`);
      }
    }
    expect(internal).toEqual([]);
    expect(await call(node.url, 'eth_blockNumber')).toMatch(/^0x/);
  });
});
