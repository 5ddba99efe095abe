import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Interface, JsonRpcProvider, Network, Wallet } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import {
  Batcher,
  CHAIN_HEAD,
  DATA_AVAILABILITY,
  DEPOSIT_QUEUE,
  FINALITY,
  MetisError,
  RPC_NAMESPACES,
  STAGES_RUNNER,
  type DataAvailability,
  type Hex,
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
import { ensureRegistered, topUpBond } from './settlement/registration.js';
import { syncStatusNamespace } from './replica/sync-status.js';
import { settlementNamespace } from './rpc/namespace.js';

/** Every custom error of the L1 contracts, to name reverts in errors and logs. */
function errorInterface(): Interface {
  const names = ['ChainRegistry', 'BondManager', 'BatchInbox', 'Bridge', 'DataInbox', 'DaChallenge', 'RangerRegistry', 'RangerCertifier', 'RangerDisputes'];
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

/** How long stop waits for a batch in flight. */
const STOP_GRACE_MS = 5_000;

/** Wires the L1 settlement into the node: connection, deposits, commit/prove, finality and the batch loop. */
export async function setupL1(api: PluginApi<L1Options>): Promise<void> {
  const { options, container, logger, events } = api;
  const replica = api.config.role === 'replica';
  const chainId = BigInt(api.config.chainId);
  const contracts = await loadContracts(options.contracts);
  // A static network: ethers otherwise asks eth_chainId before many requests, and loops on a down L1.
  const l1ChainId = await l1ChainIdOf(options.rpcUrl);
  const provider = new JsonRpcProvider(options.rpcUrl, Network.from(l1ChainId), { batchMaxCount: 1, staticNetwork: true });
  // A replica never sends to L1: a configured key is left unused.
  const key = replica ? undefined : (options.proposerKey ?? process.env[options.proposerKeyEnv]);
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

  if (replica) {
    // Registered first, so it runs last: the deriver stops before its L1 goes.
    api.onStop(() => provider.destroy());
    const { setupReplica } = await import('./replica/setup-replica.js');
    setupReplica(api, { connection, chain, inbox, da });
    container.add(RPC_NAMESPACES, settlementNamespace(container.resolve(FINALITY), chain));
    return;
  }

  const watcher = new DepositWatcher(
    provider,
    { chainId, bridge: contracts.bridge as Hex, confirmations: options.confirmations, maxLogRange: options.maxLogRange, reorgDepth: options.reorgDepth },
    logger,
  );
  container.value(DEPOSIT_QUEUE, watcher);

  const settlement = new L1Settlement({
    inbox,
    da,
    chain,
    encoding: { encode: encodeBatch, withdrawalRoot: (blocks) => withdrawalRootOf(blocks.flatMap((b) => b.logs)) },
    events,
    logger,
    maxBytes: options.batch.maxBytes,
    onRemoved: () => topUpBond(connection, options, logger),
  });
  container.value(FINALITY, settlement);
  container.add(RPC_NAMESPACES, settlementNamespace(settlement, chain));
  api.provide('commit', (ctx) => settlement.commit(ctx));
  api.provide('prove', (ctx) => settlement.prove(ctx));
  container.add(
    RPC_NAMESPACES,
    syncStatusNamespace(() => ({
      role: 'sequencer',
      head: chain.head().number,
      safe: settlement.safeBlock(),
      finalized: settlement.finalizedBlock(),
      l1BatchesSeen: settlement.nextBatchIndex,
    })),
  );

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
    // A batch in flight may wait on the L1 for long (fee bumps, an L1 that went away): stop waits a few
    // seconds for it, then lets it go. Nothing is lost: at the next start the settlement reads L1 again.
    const stopped = await Promise.race([batcher.stop().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), STOP_GRACE_MS).unref())]);
    if (!stopped) logger.warn({ graceMs: STOP_GRACE_MS }, 'stopping while a batch is in flight on L1; it is checked against L1 at the next start');
    provider.destroy();
  });
}
