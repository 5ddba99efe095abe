import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ADDRESSES, call, callError, removeDir, rpc, startDevnet, type Devnet } from './harness.js';

describe('JSON-RPC limits answer with clear errors', () => {
  let node: Devnet;
  beforeAll(async () => {
    node = await startDevnet();
  });
  afterAll(async () => {
    await node?.stop();
    if (node) await removeDir(node.dataDir);
  });

  it('refuses a request body over the size limit', async () => {
    const huge = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: ['x'.repeat(6 * 1024 * 1024)] });
    const res = await rpc(node.url, huge);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe(-32600);
  });

  it('refuses a batch over the length limit without running any of it', async () => {
    const batch = Array.from({ length: 1001 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_blockNumber', params: [] }));
    const res = await rpc(node.url, batch);
    expect(res.body.error.code).toBe(-32600);
    const ok = await rpc(node.url, batch.slice(0, 3));
    expect(ok.body.map((r: { id: number }) => r.id)).toEqual([0, 1, 2]);
  });

  it('answers malformed JSON with a parse error', async () => {
    const res = await rpc(node.url, '{"jsonrpc":"2.0",');
    expect(res.body.error.code).toBe(-32700);
  });

  it('bounds eth_getLogs ranges', async () => {
    const error = await callError(node.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x100000' }]);
    expect(error.code).toBe(-32005);
    expect(await call(node.url, 'eth_getLogs', [{ fromBlock: '0x0', toBlock: 'latest' }])).toEqual([]);
  });

  it('caps gas for eth_call and eth_estimateGas', async () => {
    const error = await callError(node.url, 'eth_call', [{ to: DEV_ADDRESSES[1], gas: '0x5f5e10000' }, 'latest']);
    expect(error.data?.metisCode).toBe('METIS-512');
    const estimate = await callError(node.url, 'eth_estimateGas', [{ to: DEV_ADDRESSES[1], gas: '0x5f5e10000' }]);
    expect(estimate.data?.metisCode).toBe('METIS-512');
    expect(await call(node.url, 'eth_estimateGas', [{ from: DEV_ADDRESSES[0], to: DEV_ADDRESSES[1], value: '0x1' }])).toBe('0x5208');
  });

  it('answers unknown methods and bad params with standard codes', async () => {
    expect((await callError(node.url, 'eth_nope')).code).toBe(-32601);
    expect((await callError(node.url, 'eth_getBalance', ['0x1234', 'latest'])).code).toBe(-32602);
  });
});
