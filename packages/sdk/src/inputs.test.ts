import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wallet, type Provider } from 'ethers';
import { isMetisError } from '@metis/core';
import { freePort } from '@metis/l1';
import { connect } from './connect.js';
import { depositERC20, depositETH, l2TokenFor, waitForDeposit } from './deposits.js';
import { isSdkError } from './errors.js';
import { finalizeWithdrawal, withdrawalStatus } from './status.js';
import { listWithdrawals, withdrawERC20, withdrawETH } from './withdrawals.js';

/** A provider that fails the test if anything is asked of it: bad input must be refused before any request. */
const untouchable = new Proxy({} as Provider, {
  get: (_, key) => (key === 'then' ? undefined : () => Promise.reject(new Error(`provider.${String(key)} was called`))),
});
const signer = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', untouchable);
const unconnected = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const GOOD = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const contracts = { bridge: GOOD, batchInbox: GOOD, chainRegistry: GOOD };

async function invalid(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isSdkError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true);
  return (e as Error).message;
}

describe('argument validation before any request', () => {
  it('deposits', async () => {
    expect(await invalid(depositETH({ l1Signer: signer, contracts, chainId: 1337, amount: 0n }))).toMatch(/amount/);
    expect(await invalid(depositETH({ l1Signer: signer, contracts, chainId: 1337, amount: 1 as never }))).toMatch(/bigint/);
    expect(await invalid(depositETH({ l1Signer: signer, contracts, chainId: 0, amount: 1n }))).toMatch(/chainId/);
    expect(await invalid(depositETH({ l1Signer: signer, contracts, chainId: 1337, to: '0x1234', amount: 1n }))).toMatch(/to is not a valid address/);
    expect(await invalid(depositETH({ l1Signer: signer, contracts: { bridge: 'x' }, chainId: 1337, amount: 1n }))).toMatch(/contracts.bridge/);
    expect(await invalid(depositETH({ l1Signer: unconnected, contracts, chainId: 1337, amount: 1n }))).toMatch(/connected to a provider/);
    expect(await invalid(depositERC20({ l1Signer: signer, contracts, chainId: 1337, l1Token: 'usdc', amount: 1n }))).toMatch(/l1Token/);
    expect(await invalid(waitForDeposit({ l2Provider: untouchable, index: -1 }))).toMatch(/index/);
    expect(await invalid(l2TokenFor({ l2Provider: untouchable, l1Token: '0x0' }))).toMatch(/l1Token/);
  });

  it('withdrawals', async () => {
    expect(await invalid(withdrawETH({ l2Signer: signer, amount: -5n }))).toMatch(/amount/);
    expect(await invalid(withdrawETH({ l2Signer: unconnected, amount: 5n }))).toMatch(/connected/);
    expect(await invalid(withdrawETH({ l2Signer: signer, to: `0x${'0'.repeat(40)}`, amount: 5n }))).toMatch(/zero address/);
    expect(await invalid(withdrawERC20({ l2Signer: signer, l2Token: 'nope', amount: 5n }))).toMatch(/l2Token/);
    expect(await invalid(listWithdrawals({ l2Provider: untouchable, sender: 'me' }))).toMatch(/sender/);
    expect(await invalid(listWithdrawals({ l2Provider: untouchable, sender: GOOD, fromBlock: -1 }))).toMatch(/fromBlock/);
    expect(await invalid(withdrawalStatus({ l1Provider: untouchable, l2Provider: untouchable, contracts, chainId: 1337, l2TxHash: '0x12' }))).toMatch(/l2TxHash/);
    expect(await invalid(withdrawalStatus({ l1Provider: untouchable, l2Provider: untouchable, contracts: { ...contracts, batchInbox: '' }, chainId: 1337, l2TxHash: `0x${'00'.repeat(32)}` }))).toMatch(/batchInbox/);
    expect(await invalid(finalizeWithdrawal({ l1Signer: unconnected, l2Provider: untouchable, contracts, chainId: 1337, l2TxHash: `0x${'00'.repeat(32)}` }))).toMatch(/connected/);
  });
});

describe('connect', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: '0x539' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads the chain id once and pins the network', async () => {
    const { provider, chainId } = await connect(url);
    expect(chainId).toBe(1337n);
    expect((await provider.getNetwork()).chainId).toBe(1337n);
    provider.destroy();
  });

  it('refuses a malformed URL, and reports an unreachable one by layer', async () => {
    expect(await invalid(connect('not a url'))).toMatch(/not a URL/);
    expect(await invalid(connect('ftp://127.0.0.1:1'))).toMatch(/http/);
    const closed = `http://127.0.0.1:${await freePort()}`;
    const l1 = await connect(closed, { layer: 'L1', timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(isMetisError(l1, 'L1_RPC')).toBe(true);
    expect(String(l1)).toContain(`cannot reach the L1 at ${closed}: ECONNREFUSED`);
    const l2 = await connect(closed, { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(isSdkError(l2, 'UNREACHABLE')).toBe(true);
  });
});
