import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Contract, ContractFactory, JsonRpcProvider, WebSocketProvider, Wallet, id, type Log } from 'ethers';
import { createPublicClient, createWalletClient, http, parseAbi, defineChain, ContractFunctionRevertedError, BaseError } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types
import { loadArtifact } from '../../contracts/index.mjs';
import { CAST_BIN, CHAIN_ID, DEV_ADDRESSES, DEV_KEYS, removeDir, startDevnet, type Devnet } from './harness.js';

const run = promisify(execFile);
const token = loadArtifact('MetisTestToken');
const reverter = loadArtifact('Reverter');

describe('a devnet used with ethers, viem and cast', () => {
  let node: Devnet;
  let provider: JsonRpcProvider;
  let owner: Wallet;
  let tokenAddress: string;
  let reverterAddress: string;

  beforeAll(async () => {
    node = await startDevnet();
    provider = new JsonRpcProvider(node.url, CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
    owner = new Wallet(DEV_KEYS[0], provider);
    const deployed = await new ContractFactory(token.abi, token.bytecode, owner).deploy('Metis Test', 'MTT', 10n ** 24n);
    await deployed.waitForDeployment();
    tokenAddress = await deployed.getAddress();
    const r = await new ContractFactory(reverter.abi, reverter.bytecode, owner).deploy();
    await r.waitForDeployment();
    reverterAddress = await r.getAddress();
    // viem's and cast's senders hold tokens too.
    const erc20 = new Contract(tokenAddress, token.abi, owner);
    await (await erc20.batchTransfer([DEV_ADDRESSES[1], DEV_ADDRESSES[2]], 10n ** 20n)).wait();
  });

  afterAll(async () => {
    provider?.destroy();
    await node?.stop();
    if (node) await removeDir(node.dataDir);
  });

  it('ethers: deploys an OpenZeppelin ERC-20, transfers it, reads balances and Transfer logs', async () => {
    const erc20 = new Contract(tokenAddress, token.abi, owner);
    expect(await erc20.symbol()).toBe('MTT');
    const tx = await erc20.transfer(DEV_ADDRESSES[1], 1234n);
    const receipt = await tx.wait();
    expect(receipt!.status).toBe(1);
    expect(await erc20.balanceOf(DEV_ADDRESSES[1])).toBe(10n ** 20n + 1234n);
    const logs = await provider.getLogs({ address: tokenAddress, topics: [id('Transfer(address,address,uint256)')], fromBlock: 0, toBlock: 'latest' });
    const parsed = logs.map((l) => erc20.interface.parseLog(l)!);
    expect(parsed.some((p) => p.args[1] === DEV_ADDRESSES[1] && p.args[2] === 1234n)).toBe(true);
    const byTopic = await provider.getLogs({ topics: [null, null, '0x' + DEV_ADDRESSES[1].slice(2).toLowerCase().padStart(64, '0')], fromBlock: 0 });
    expect(byTopic).toHaveLength(2); // the funding batchTransfer and this transfer
    expect(byTopic[1]!.transactionHash).toBe(receipt!.hash);
  });

  it('ethers: a WebSocket subscription delivers new heads and Transfer logs', async () => {
    const ws = new WebSocketProvider(node.wsUrl, CHAIN_ID);
    try {
      const erc20 = new Contract(tokenAddress, token.abi, ws);
      const gotLog = new Promise<Log>((resolve) => void ws.on({ address: tokenAddress, topics: [id('Transfer(address,address,uint256)')] }, resolve));
      const gotBlock = new Promise<number>((resolve) => void ws.once('block', resolve));
      await new Promise((r) => setTimeout(r, 300)); // let eth_subscribe reach the node
      const sent = await new Contract(tokenAddress, token.abi, owner).transfer(DEV_ADDRESSES[2], 77n);
      const log = await gotLog;
      expect(log.transactionHash).toBe(sent.hash);
      expect(erc20.interface.parseLog(log)!.args[2]).toBe(77n);
      expect(await gotBlock).toBeGreaterThan(0);
    } finally {
      // Unsubscribe first: destroying with live subscriptions makes ethers cancel its own eth_unsubscribe.
      await ws.removeAllListeners();
      await ws.send('eth_chainId', []);
      await ws.destroy();
    }
  });

  it('ethers: revert reasons decode, and gas estimates are enough and not wasteful', async () => {
    const r = new Contract(reverterAddress, reverter.abi, owner);
    await expect(r.revertWithReason!.staticCall()).rejects.toMatchObject({ code: 'CALL_EXCEPTION', reason: 'Reverter: always' });
    await expect(r.panicDivisionByZero!.staticCall()).rejects.toMatchObject({ code: 'CALL_EXCEPTION', revert: { name: 'Panic' } });
    await expect(r.revertWithReason!.estimateGas()).rejects.toMatchObject({ code: 'CALL_EXCEPTION', reason: 'Reverter: always' });
    const erc20 = new Contract(tokenAddress, token.abi, owner);
    const estimate = await erc20.transfer.estimateGas(DEV_ADDRESSES[3], 5n);
    expect(estimate).toBeGreaterThan(21_000n);
    expect(estimate).toBeLessThan(100_000n);
    const tx = await erc20.transfer(DEV_ADDRESSES[3], 5n, { gasLimit: estimate });
    const receipt = await tx.wait();
    expect(receipt!.status).toBe(1);
    expect(receipt!.gasUsed).toBeLessThanOrEqual(estimate);
    await expect(erc20.transfer.estimateGas(DEV_ADDRESSES[3], 10n ** 30n)).rejects.toMatchObject({ code: 'CALL_EXCEPTION' });
  });

  it('viem: reads, writes, waits for receipts, decodes a custom-error revert, and filters logs', async () => {
    const chain = defineChain({ id: CHAIN_ID, name: 'metis-dev', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [node.url] } } });
    const pub = createPublicClient({ chain, transport: http(node.url) });
    const wallet = createWalletClient({ chain, transport: http(node.url), account: privateKeyToAccount(DEV_KEYS[1]) });
    const abi = parseAbi(['function transfer(address,uint256) returns (bool)', 'function balanceOf(address) view returns (uint256)', 'event Transfer(address indexed from, address indexed to, uint256 value)']);
    expect(await pub.getChainId()).toBe(CHAIN_ID);
    const before = await pub.readContract({ address: tokenAddress as `0x${string}`, abi, functionName: 'balanceOf', args: [DEV_ADDRESSES[2]] });
    const hash = await wallet.writeContract({ address: tokenAddress as `0x${string}`, abi, functionName: 'transfer', args: [DEV_ADDRESSES[2], 100n] });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    const after = await pub.readContract({ address: tokenAddress as `0x${string}`, abi, functionName: 'balanceOf', args: [DEV_ADDRESSES[2]] });
    expect(after - before).toBe(100n);
    const logs = await pub.getLogs({ address: tokenAddress as `0x${string}`, event: abi[2], args: { to: DEV_ADDRESSES[2] }, fromBlock: 0n });
    expect(logs.some((l) => l.transactionHash === hash && l.args.value === 100n)).toBe(true);
    const block = await pub.getBlock({ blockTag: 'latest' });
    expect(block.number).toBeGreaterThanOrEqual(receipt.blockNumber);
    const err = await pub.simulateContract({ address: reverterAddress as `0x${string}`, abi: reverter.abi, functionName: 'revertWithCustomError', args: [7n], account: DEV_ADDRESSES[0] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BaseError);
    const revert = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    expect(revert?.data?.errorName).toBe('CustomFailure');
    expect(revert?.data?.args?.[1]).toBe(7n);
  });

  it('cast: chain id, send, call and receipt work with Foundry', async () => {
    const { stdout: chainId } = await run(CAST_BIN, ['chain-id', '--rpc-url', node.url]);
    expect(chainId.trim()).toBe(String(CHAIN_ID));
    const { stdout: sent } = await run(CAST_BIN, ['send', tokenAddress, 'transfer(address,uint256)', DEV_ADDRESSES[3], '42', '--private-key', DEV_KEYS[2], '--rpc-url', node.url, '--json'], { timeout: 60_000 });
    const receipt = JSON.parse(sent) as { status: string; transactionHash: string };
    expect(receipt.status).toBe('0x1');
    const { stdout: balance } = await run(CAST_BIN, ['call', tokenAddress, 'balanceOf(address)(uint256)', DEV_ADDRESSES[3], '--rpc-url', node.url]);
    expect(BigInt(balance.trim().split(' ')[0]!)).toBeGreaterThanOrEqual(42n);
    const { stdout: status } = await run(CAST_BIN, ['receipt', receipt.transactionHash, 'status', '--rpc-url', node.url]);
    expect(status.trim()).toMatch(/^(1|true|1 \(success\))$/);
    const { stdout: bal } = await run(CAST_BIN, ['balance', DEV_ADDRESSES[0], '--rpc-url', node.url]);
    expect(BigInt(bal.trim())).toBeGreaterThan(0n);
    const failure = await run(CAST_BIN, ['call', reverterAddress, 'revertWithReason()', '--rpc-url', node.url]).catch((e: { stderr: string }) => e);
    expect((failure as { stderr?: string }).stderr ?? '').toMatch(/Reverter: always/);
  });
});
