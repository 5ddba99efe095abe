import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Contract, Interface, JsonRpcProvider, Network, Wallet } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import {
  Batcher,
  CHAIN_HEAD,
  DATA_AVAILABILITY,
  DEPOSIT_QUEUE,
  FINALITY,
  MetisError,
  STAGES_RUNNER,
  type ChainHead,
  type DataAvailability,
  type Hex,
  type Logger,
  type PluginApi,
} from '@metis/core';
import { encodeBatch } from './batch/codec.js';
import { withdrawalRootOf } from './batch/withdrawals.js';
import { L1_CONNECTION, type L1Connection } from './connection.js';
import { DepositWatcher } from './deposits/deposit-watcher.js';
import { TxSender } from './l1/tx-sender.js';
import { l1ContractsSchema, type L1Contracts, type L1Options } from './options.js';
import { InboxClient } from './settlement/inbox.js';
import { L1Settlement } from './settlement/l1-settlement.js';

/** Every custom error of the L1 contracts, to name reverts in errors and logs. */
function errorInterface(): Interface {
  const names = ['ChainRegistry', 'BondManager', 'BatchInbox', 'Bridge', 'DataInbox'];
  const fragments = names.flatMap((n) => loadArtifact(n).abi.filter((f) => f.type === 'error'));
  const unique = new Map(fragments.map((f) => [JSON.stringify(f), f]));
  return new Interface([...unique.values()] as never);
}

async function loadContracts(option: L1Options['contracts']): Promise<L1Contracts> {
  if (typeof option !== 'string') return option;
  const file = resolve(process.cwd(), option);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new MetisError('L1_CONTRACTS_MISSING', { address: file, reason: `cannot read the deployment file: ${(e as Error).message}` }, { cause: e });
  }
  const parsed = l1ContractsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new MetisError('L1_CONTRACTS_MISSING', { address: file, reason: `not a deployment file: ${parsed.error.message}` });
  return parsed.data;
}

/** The L1's chain id, asked once (retried for a few seconds: the L1 may be starting too). */
async function l1ChainIdOf(url: string): Promise<bigint> {
  let last: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) });
      const body = (await res.json()) as { result?: string; error?: { message: string } };
      if (body.result) return BigInt(body.result);
      last = new Error(body.error?.message ?? 'no result');
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new MetisError('L1_RPC', { method: 'eth_chainId', reason: `${url}: ${(last as Error)?.message ?? last}` });
}

/** Wires the L1 settlement into the node: connection, deposits, commit/prove, finality and the batch loop. */
export async function setupL1(api: PluginApi<L1Options>): Promise<void> {
  const { options, container, logger, events } = api;
  const chainId = BigInt(api.config.chainId);
  const contracts = await loadContracts(options.contracts);
  // A static network: ethers otherwise asks eth_chainId before many requests, and loops on a down L1.
  const l1ChainId = await l1ChainIdOf(options.rpcUrl);
  const provider = new JsonRpcProvider(options.rpcUrl, Network.from(l1ChainId), { batchMaxCount: 1, staticNetwork: true });
  const key = options.proposerKey ?? process.env[options.proposerKeyEnv];
  const sender = key
    ? new TxSender(new Wallet(key), provider, options.sender, {
        errorInterface: errorInterface(),
        onEvent: (e) => logger.debug({ l1: e }, 'L1 sender'),
      })
    : undefined;
  const connection: L1Connection = {
    chainId,
    provider,
    contracts,
    ...(sender ? { sender, proposer: sender.address.toLowerCase() as Hex } : {}),
  };
  container.value(L1_CONNECTION, connection);

  const chain = container.resolve(CHAIN_HEAD);
  const watcher = new DepositWatcher(
    provider,
    { chainId, bridge: contracts.bridge as Hex, confirmations: options.confirmations, maxLogRange: options.maxLogRange, reorgDepth: options.reorgDepth },
    logger,
  );
  container.value(DEPOSIT_QUEUE, watcher);

  const send = (request: { to: Hex; data: Hex; value?: bigint }, action: string) => {
    if (!sender) throw new MetisError('L1_TX_FAILED', { action, reason: 'this node has no proposer key' });
    return sender.send({ ...request, action });
  };
  const inbox = new InboxClient(contracts.batchInbox as Hex, chainId, provider, send);
  // The DA plugin is set up after this one (it needs the L1 connection): resolved when first used.
  const da: DataAvailability = {
    get kind() {
      return container.resolve(DATA_AVAILABILITY).kind;
    },
    get name() {
      return container.resolve(DATA_AVAILABILITY).name;
    },
    publish: (data) => container.resolve(DATA_AVAILABILITY).publish(data),
    retrieve: (commitment, hash) => container.resolve(DATA_AVAILABILITY).retrieve(commitment, hash),
  };
  const settlement = new L1Settlement({
    inbox,
    da,
    chain,
    encoding: { encode: encodeBatch, withdrawalRoot: (blocks) => withdrawalRootOf(blocks.flatMap((b) => b.logs)) },
    events,
    logger,
    maxBytes: options.batch.maxBytes,
  });
  container.value(FINALITY, settlement);
  api.provide('commit', (ctx) => settlement.commit(ctx));
  api.provide('prove', (ctx) => settlement.prove(ctx));

  const batcher = new Batcher({ batchSize: options.batch.maxBlocks, batchInterval: options.batch.maxAge });
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const offBlock = events.on('block', (b) => watcher.prune(b.depositCount));

  const poll = async (): Promise<void> => {
    try {
      if (await watcher.poll()) events.emit('deposits', watcher.lastIndex);
      await settlement.pollFinality();
    } catch (e) {
      logger.warn({ err: e }, 'L1 poll failed; trying again');
    }
    if (running) timer = setTimeout(() => void poll(), options.pollInterval);
  };

  api.onStart(async () => {
    await ensureRegistered(connection, chain, options, container.resolve(DATA_AVAILABILITY), logger);
    await settlement.sync();
    await watcher.init(chain.head().depositCount, contracts.startBlock);
    running = true;
    await poll();
    if (sender) {
      batcher.start({ stages: container.resolve(STAGES_RUNNER), chain, events, logger, progress: settlement });
    }
    logger.info({ l1: options.rpcUrl, inbox: contracts.batchInbox, proposer: connection.proposer ?? 'none', nextBatch: settlement.batches().length }, 'L1 settlement started');
  });
  api.onStop(async () => {
    running = false;
    if (timer) clearTimeout(timer);
    offBlock();
    await batcher.stop();
    provider.destroy();
  });
}

/**
 * Checks the chain's L1 registry entry against this node (genesis state root, proposer); registers the
 * chain and bonds the proposer first when `register` is set and the chain is not registered yet.
 */
async function ensureRegistered(l1: L1Connection, chain: ChainHead, options: L1Options, da: DataAvailability, logger: Logger): Promise<void> {
  const registry = new Contract(l1.contracts.chainRegistry, loadArtifact('ChainRegistry').abi as never, l1.provider);
  const bonds = new Contract(l1.contracts.bondManager, loadArtifact('BondManager').abi as never, l1.provider);
  const code = await l1.provider.getCode(l1.contracts.chainRegistry);
  if (code === '0x') throw new MetisError('L1_CONTRACTS_MISSING', { address: l1.contracts.chainRegistry, reason: 'no contract code there' });
  const genesis = await chain.block(0n);
  const genesisRoot = genesis!.stateRoot;
  const registered = (await registry.getFunction('isRegistered')(l1.chainId)) as boolean;
  if (!registered) {
    if (!options.register || !l1.sender) {
      throw new MetisError('L1_CHAIN_MISMATCH', { chainId: l1.chainId, field: 'registration', onL1: 'none', local: 'a chain to settle (register it, or set `register` for a devnet)' });
    }
    const r = options.register;
    const config = {
      owner: l1.sender.address,
      sequencer: l1.sender.address,
      proposer: l1.sender.address,
      challengeWindow: r.challengeWindow,
      minBond: r.minBond,
      daKind: da.kind,
      genesisStateRoot: genesisRoot,
      inclusionWindow: r.inclusionWindow,
    };
    await l1.sender.send({ to: l1.contracts.chainRegistry, data: registry.interface.encodeFunctionData('registerChain', [l1.chainId, config]), action: 'ChainRegistry.registerChain' });
    logger.info({ chainId: l1.chainId, challengeWindow: r.challengeWindow }, 'chain registered on L1');
  }
  const cfg = (await registry.getFunction('getChain')(l1.chainId)) as { genesisStateRoot: string; proposer: string };
  if (cfg.genesisStateRoot.toLowerCase() !== genesisRoot) {
    throw new MetisError('L1_CHAIN_MISMATCH', { chainId: l1.chainId, field: 'genesis state root', onL1: cfg.genesisStateRoot, local: genesisRoot });
  }
  if (l1.sender && cfg.proposer.toLowerCase() !== l1.sender.address.toLowerCase()) {
    throw new MetisError('L1_CHAIN_MISMATCH', { chainId: l1.chainId, field: 'proposer', onL1: cfg.proposer, local: l1.sender.address });
  }
  if (l1.sender && options.register && !((await bonds.getFunction('isBonded')(l1.chainId, l1.sender.address)) as boolean)) {
    await l1.sender.send({ to: l1.contracts.bondManager, data: bonds.interface.encodeFunctionData('deposit', [l1.chainId]), value: options.register.bond, action: 'BondManager.deposit' });
    logger.info({ bond: options.register.bond }, 'proposer bonded on L1');
  }
}
