import { ContractFactory, JsonRpcProvider, Wallet, toBeHex, zeroPadValue } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types
import { loadArtifact } from '../../contracts/index.mjs';
import { CHAIN_ID, DEV_ADDRESSES, DEV_KEYS, call, callError, removeDir, startDevnet, waitForReceipt, type Devnet } from './harness.js';

const token = loadArtifact('MetisTestToken');
const SUPPLY = 10n ** 24n;
/** PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN: returns 42. */
const RETURNS_42 = '0x602a60005260206000f3';

describe('the JSON-RPC methods real clients rely on', () => {
  let node: Devnet;
  let tokenAddress: string;
  let transferHash: string;

  beforeAll(async () => {
    // 100 ms blocks and no finality delay: batches of 10 blocks become safe and final within about a second.
    node = await startDevnet({ blockTime: '100', args: ['--finality-delay', '0'] });
    const provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
    const owner = new Wallet(DEV_KEYS[0], provider);
    const deployed = await new ContractFactory(token.abi, token.bytecode, owner).deploy('Metis Test', 'MTT', SUPPLY);
    await deployed.waitForDeployment();
    tokenAddress = await deployed.getAddress();
    transferHash = (await owner.sendTransaction({ to: DEV_ADDRESSES[1], value: 1n })).hash;
    await waitForReceipt(node.url, transferHash);
    provider.destroy();
  });
  afterAll(async () => {
    await node?.stop();
    if (node) await removeDir(node.dataDir);
  });

  it('identifies the node and chain', async () => {
    expect(await call(node.url, 'web3_clientVersion')).toMatch(/^metis\//);
    expect(await call(node.url, 'net_version')).toBe(String(CHAIN_ID));
    expect(await call(node.url, 'eth_chainId')).toBe(`0x${CHAIN_ID.toString(16)}`);
    expect(await call(node.url, 'eth_syncing')).toBe(false);
    expect(await call(node.url, 'eth_accounts')).toEqual([]);
  });

  it('reads code and storage', async () => {
    expect((await call(node.url, 'eth_getCode', [tokenAddress, 'latest'])).length).toBeGreaterThan(100);
    expect(await call(node.url, 'eth_getCode', [DEV_ADDRESSES[1], 'latest'])).toBe('0x');
    const slots = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => call(node.url, 'eth_getStorageAt', [tokenAddress, toBeHex(i), 'latest'])));
    expect(slots).toContain(zeroPadValue(toBeHex(SUPPLY), 32));
    expect(await call(node.url, 'eth_getStorageAt', [DEV_ADDRESSES[1], '0x0', 'latest'])).toBe(zeroPadValue('0x', 32));
  });

  it('applies eth_call state overrides without changing state', async () => {
    const target = '0x00000000000000000000000000000000000000aa';
    expect(await call(node.url, 'eth_call', [{ to: target, data: '0x' }, 'latest', { [target]: { code: RETURNS_42 } }])).toBe(zeroPadValue(toBeHex(42), 32));
    expect(await call(node.url, 'eth_call', [{ to: target, data: '0x' }, 'latest'])).toBe('0x');
    const poor = Wallet.createRandom().address;
    const send = { from: poor, to: DEV_ADDRESSES[0], value: '0x1000' };
    expect((await callError(node.url, 'eth_call', [send, 'latest'])).code).not.toBe(0);
    expect(await call(node.url, 'eth_call', [send, 'latest', { [poor]: { balance: '0x100000' } }])).toBe('0x');
    expect(await call(node.url, 'eth_getBalance', [poor, 'latest'])).toBe('0x0');
  });

  it('reports fees: gas price, priority fee and fee history', async () => {
    const latest = await call(node.url, 'eth_getBlockByNumber', ['latest', false]);
    expect(BigInt(await call(node.url, 'eth_gasPrice'))).toBeGreaterThan(0n);
    expect(BigInt(await call(node.url, 'eth_maxPriorityFeePerGas'))).toBeGreaterThan(0n);
    const history = await call(node.url, 'eth_feeHistory', ['0x4', 'latest', [25, 75]]);
    expect(history.baseFeePerGas).toHaveLength(5);
    expect(history.gasUsedRatio).toHaveLength(4);
    expect(history.reward).toHaveLength(4);
    expect(history.reward[0]).toHaveLength(2);
    expect(BigInt(history.oldestBlock)).toBeLessThanOrEqual(BigInt(latest.number));
  });

  it('serves blocks by number, hash and tag, with receipts and full transactions', async () => {
    const receipt = await call(node.url, 'eth_getTransactionReceipt', [transferHash]);
    const byHash = await call(node.url, 'eth_getBlockByHash', [receipt.blockHash, true]);
    expect(byHash.number).toBe(receipt.blockNumber);
    expect(byHash.transactions[0].hash).toBe(transferHash);
    expect(byHash.transactions[0].from.toLowerCase()).toBe(DEV_ADDRESSES[0].toLowerCase());
    const receipts = await call(node.url, 'eth_getBlockReceipts', [receipt.blockNumber]);
    expect(receipts.map((r: { transactionHash: string }) => r.transactionHash)).toContain(transferHash);
    expect((await call(node.url, 'eth_getTransactionByBlockNumberAndIndex', [receipt.blockNumber, receipt.transactionIndex])).hash).toBe(transferHash);
    expect((await call(node.url, 'eth_getBlockByNumber', ['earliest', false])).number).toBe('0x0');
    expect(await call(node.url, 'eth_getBlockByNumber', ['0xffffffff', false])).toBeNull();
    expect(await call(node.url, 'eth_getTransactionReceipt', [`0x${'ab'.repeat(32)}`])).toBeNull();
  });

  it('moves the safe and finalized tags as batches settle', async () => {
    const deadline = Date.now() + 30_000;
    let finalized = 0n;
    while (finalized === 0n && Date.now() < deadline) {
      finalized = BigInt((await call(node.url, 'eth_getBlockByNumber', ['finalized', false])).number);
      if (finalized === 0n) await new Promise((r) => setTimeout(r, 200));
    }
    expect(finalized).toBeGreaterThanOrEqual(10n);
    const safe = BigInt((await call(node.url, 'eth_getBlockByNumber', ['safe', false])).number);
    const latest = BigInt(await call(node.url, 'eth_blockNumber'));
    expect(safe).toBeGreaterThanOrEqual(finalized);
    expect(latest).toBeGreaterThanOrEqual(safe);
  });

  it('installs filters and returns changes since the last poll', async () => {
    const blockFilter = await call(node.url, 'eth_newBlockFilter');
    const logFilter = await call(node.url, 'eth_newFilter', [{ address: tokenAddress }]);
    await new Promise((r) => setTimeout(r, 400));
    const hashes = await call(node.url, 'eth_getFilterChanges', [blockFilter]);
    expect(hashes.length).toBeGreaterThan(0);
    expect(await call(node.url, 'eth_getFilterChanges', [logFilter])).toEqual([]);
    expect(await call(node.url, 'eth_uninstallFilter', [blockFilter])).toBe(true);
    expect((await callError(node.url, 'eth_getFilterChanges', [blockFilter])).code).toBe(-32602);
  });
});
