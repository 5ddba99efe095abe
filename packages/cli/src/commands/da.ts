import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Contract, Interface, formatEther, type JsonRpcProvider } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import type { Hex } from '@metis/core';
import { usageError } from '../errors.js';
import { println } from '../io.js';
import { Connections, openDeployment, printJson } from './bridge-common.js';
import type { CommandContext } from './context.js';
import { USER_KEY_ENV } from './deposit.js';
import { loadWallet, type KeyOptions } from './signer.js';

/** What every `metis da` command needs to find a batch. */
export interface DaTarget {
  /** L1 JSON-RPC URL. */
  l1: string;
  /** The deployment file. */
  contracts: string;
  chainId: number;
  json?: boolean;
}

export interface DaGetOptions extends DaTarget {
  /** Write the verified batch bytes here. */
  out?: string;
  /** IPFS peers to fetch from (default: those the sequencer published in its L1 registry record). */
  peer?: string[];
  /** Milliseconds to wait for the data. */
  timeout: number;
}

export interface DaChallengeOptions extends DaTarget, KeyOptions {
  chunk: number;
  /** Bond in ETH (default: the contract's minimum). */
  bond?: string;
}

export interface DaResolveOptions extends DaTarget, KeyOptions {
  chunk: number;
}

/** The batch's header as appended, with the chain's DA kind; a usage error when there is no such batch. */
async function locate(options: DaTarget, index: bigint, ctx: CommandContext, connections: Connections) {
  const { findBatchHeader } = await import('@metis/l1');
  const contracts = await openDeployment(options.contracts, ctx.cwd ?? process.cwd());
  const { provider } = await connections.l1(options.l1);
  const chainId = BigInt(options.chainId);
  const registry = new Contract(contracts.chainRegistry, loadArtifact('ChainRegistry').abi as never, provider);
  if (!((await registry.getFunction('isRegistered')(chainId)) as boolean)) throw usageError(`chain ${chainId} is not registered on this L1`);
  const daKind = Number(((await registry.getFunction('getChain')(chainId)) as { daKind: bigint }).daKind);
  const inbox = new Contract(contracts.batchInbox, loadArtifact('BatchInbox').abi as never, provider);
  const next = (await inbox.getFunction('nextBatchIndex')(chainId)) as bigint;
  if (index >= next) throw usageError(`chain ${chainId} has ${next} batch${next === 1n ? '' : 'es'} on L1: there is no batch ${index}`);
  const stored = (await inbox.getFunction('getBatch')(chainId, index)) as { headerHash: string };
  const header = await findBatchHeader(provider, { chainId, inbox: contracts.batchInbox, startBlock: contracts.startBlock }, index, stored.headerHash as Hex);
  if (!header) throw new Error(`batch ${index} is in the BatchInbox, but its BatchAppended log was not found (is the deployment's startBlock right?)`);
  return { contracts, provider, chainId, daKind, header };
}

/**
 * `metis da get <batch>`: fetches a batch's data from its DA (L1 calldata, or IPFS through a temporary
 * embedded node dialling the sequencer's published peers or `--peer`), verifies it against the commitment
 * and the header's data hash, decodes it, and prints what it holds; `--out` writes the verified bytes.
 * Exit codes: 0 verified; 1 unavailable or invalid data, or an L1 failure; 2 bad input.
 */
export async function daGet(batch: string, options: DaGetOptions, ctx: CommandContext): Promise<number> {
  const index = parseIndex(batch);
  const connections = new Connections();
  let cleanup: (() => Promise<void>) | undefined;
  try {
    const { contracts, provider, chainId, daKind, header } = await locate(options, index, ctx, connections);
    const commitment = Buffer.from(header.daCommitment.slice(2), 'hex');
    const l1 = await import('@metis/l1');
    let data: Uint8Array;
    let source: string;
    if (daKind === l1.CALLDATA_DA_KIND) {
      data = await new l1.CalldataDA({ chainId, dataInbox: contracts.dataInbox, provider }).retrieve(commitment, header.dataHash);
      source = 'L1 calldata';
    } else {
      const ipfs = await import('@metis/ipfs');
      const peers = options.peer?.length ? options.peer : ((await ipfs.readPeerRecord(provider as JsonRpcProvider, contracts.chainRegistry, chainId))?.multiaddrs ?? []);
      if (peers.length === 0) throw usageError("no IPFS peer to fetch from: the sequencer published none in its L1 registry record; give --peer <multiaddr>");
      const repo = await mkdtemp(join(tmpdir(), 'metis-da-get-'));
      const node = await ipfs.createIpfsDa({ repo, peers: [...peers], fetchTimeoutMs: options.timeout, retention: { keepForever: true } });
      cleanup = async () => {
        await node.stop();
        await rm(repo, { recursive: true, force: true });
      };
      data = await node.da.retrieve(commitment, header.dataHash);
      source = `IPFS ${ipfs.describeIpfsCommitment(commitment)}`;
    }
    const blocks = l1.decodeBatch(data, { index });
    if (options.out) await writeFile(resolve(ctx.cwd ?? process.cwd(), options.out), data);
    const result = {
      batch: index,
      chainId,
      firstBlock: header.firstBlock,
      lastBlock: header.lastBlock,
      blocks: blocks.length,
      transactions: blocks.reduce((n, b) => n + b.txs.length, 0),
      bytes: data.length,
      dataHash: header.dataHash,
      newStateRoot: header.newStateRoot,
      source,
      verified: true,
      ...(options.out ? { out: options.out } : {}),
    };
    if (options.json) printJson(ctx.io, result);
    else {
      println(ctx.io, `batch ${index} of chain ${chainId}: blocks ${header.firstBlock}..${header.lastBlock} (${result.blocks} blocks, ${result.transactions} transactions)`);
      println(ctx.io, `  ${data.length} bytes from ${source}, keccak-256 ${header.dataHash}: verified`);
      println(ctx.io, `  state root ${header.newStateRoot}`);
      if (options.out) println(ctx.io, `  written to ${options.out}`);
    }
    return 0;
  } finally {
    await cleanup?.();
    connections.close();
  }
}

/**
 * `metis da challenge <batch> --chunk <i>`: challenges the availability of one chunk of an IPFS batch on
 * L1, posting a bond (the contract's minimum unless --bond). The batch cannot finalize until the proposer
 * reveals the chunk on L1 (the bond then goes to the proposer) or the deadline passes (`metis da resolve`:
 * the batch is removed, the proposer slashed and the challenger rewarded).
 */
export async function daChallenge(batch: string, options: DaChallengeOptions, ctx: CommandContext): Promise<number> {
  const index = parseIndex(batch);
  const connections = new Connections();
  try {
    const { contracts, provider, chainId, header } = await locate(options, index, ctx, connections);
    if (!contracts.daChallenge) throw usageError('this deployment has no DaChallenge contract');
    const wallet = (await loadWallet(options, USER_KEY_ENV, process.env, ctx.cwd ?? process.cwd())).connect(provider);
    const challenges = new Contract(contracts.daChallenge, loadArtifact('DaChallenge').abi as never, wallet);
    const { parseEther } = await import('ethers');
    const bond = options.bond === undefined ? ((await challenges.getFunction('minChallengeBond')()) as bigint) : parseEther(options.bond);
    const { headerHash: _hash, ...fields } = header;
    const tx = await l1Call('DaChallenge.challenge', () => challenges.getFunction('challenge')(fields, options.chunk, { value: bond }));
    await tx.wait();
    const c = (await challenges.getFunction('getChallenge')(chainId, index, options.chunk)) as { deadline: bigint };
    const result = { batch: index, chunk: options.chunk, bond, deadline: c.deadline, tx: tx.hash as string };
    if (options.json) printJson(ctx.io, result);
    else println(ctx.io, `challenged chunk ${options.chunk} of batch ${index} with ${formatEther(bond)} ETH (tx ${tx.hash}); the proposer must answer by ${new Date(Number(c.deadline) * 1000).toISOString()}`);
    return 0;
  } finally {
    connections.close();
  }
}

/**
 * `metis da resolve <batch> --chunk <i>`: ends an unanswered challenge after its deadline (anyone may):
 * the batch and its successors are removed and the proposer slashed; the challenger's bond and reward are
 * credited in the DaChallenge contract and paid out here when the key is the challenger's.
 */
export async function daResolve(batch: string, options: DaResolveOptions, ctx: CommandContext): Promise<number> {
  const index = parseIndex(batch);
  const connections = new Connections();
  try {
    const contracts = await openDeployment(options.contracts, ctx.cwd ?? process.cwd());
    if (!contracts.daChallenge) throw usageError('this deployment has no DaChallenge contract');
    const { provider } = await connections.l1(options.l1);
    const wallet = (await loadWallet(options, USER_KEY_ENV, process.env, ctx.cwd ?? process.cwd())).connect(provider);
    const challenges = new Contract(contracts.daChallenge, loadArtifact('DaChallenge').abi as never, wallet);
    const receipt = await (await l1Call('DaChallenge.resolve', () => challenges.getFunction('resolve')(BigInt(options.chainId), index, options.chunk))).wait();
    const resolved = receipt.logs.map((l: { topics: string[]; data: string }) => challenges.interface.parseLog(l)).find((p: { name?: string } | null) => p?.name === 'ChallengeResolved');
    const slashed = (resolved?.args.getValue('slashed') as bigint | undefined) ?? 0n;
    const reward = (resolved?.args.getValue('reward') as bigint | undefined) ?? 0n;
    let paid = 0n;
    const balance = (await challenges.getFunction('balanceOf')(wallet.address)) as bigint;
    if (balance > 0n) {
      await (await challenges.getFunction('withdraw')()).wait();
      paid = balance;
    }
    const result = { batch: index, chunk: options.chunk, slashed, reward, paid, tx: receipt.hash as string };
    if (options.json) printJson(ctx.io, result);
    else println(ctx.io, `batch ${index} removed: the proposer was slashed ${formatEther(slashed)} ETH, ${formatEther(reward)} ETH of it to the challenger${paid > 0n ? `; ${formatEther(paid)} ETH paid out to ${wallet.address}` : ''}`);
    return 0;
  } finally {
    connections.close();
  }
}

/** Runs an L1 call or transaction; a revert becomes an error naming the contract's custom error. */
async function l1Call<T>(action: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const { decodeRevert, revertDataOf } = await import('@metis/l1');
    const data = revertDataOf(e);
    if (data === undefined) throw e;
    const iface = new Interface(['DaChallenge', 'BatchInbox', 'BondManager'].flatMap((n) => loadArtifact(n).abi.filter((f) => f.type === 'error')) as never);
    throw new Error(`${action} was refused on L1: ${decodeRevert(data, iface).text}`, { cause: e });
  }
}

function parseIndex(batch: string): bigint {
  if (!/^\d+$/.test(batch.trim())) throw usageError(`batch must be a batch index (0, 1, ...), got '${batch}'`);
  return BigInt(batch.trim());
}
