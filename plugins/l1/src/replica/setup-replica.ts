import {
  BLOCK_IMPORTER,
  DATA_AVAILABILITY,
  DEPOSIT_QUEUE,
  FINALITY,
  MetisError,
  RPC_NAMESPACES,
  type ChainHead,
  type DataAvailability,
  type Hex,
  type PluginApi,
} from '@metis/core';
import type { L1Connection } from '../connection.js';
import type { L1Options } from '../options.js';
import type { InboxClient } from '../settlement/inbox.js';
import { ensureRegistered } from '../settlement/registration.js';
import { BatchLog } from './batch-log.js';
import { Deriver } from './deriver.js';
import { replicaL1 } from './l1-reads.js';
import { syncStatusNamespace } from './sync-status.js';

export interface ReplicaParts {
  readonly connection: L1Connection;
  readonly chain: ChainHead;
  readonly inbox: InboxClient;
  readonly da: DataAvailability;
}

/** Longest wait between retries while batch data is unavailable or the L1 fails. */
const MAX_BACKOFF_MS = 30_000;

/**
 * The l1 plugin on a replica: no batcher, no proposer, no deposits served (blocks come whole from L1);
 * the Deriver rebuilds the chain from the BatchInbox and the DA and provides FINALITY; `metis_syncStatus`
 * reports it. The chain's registry entry is only checked (genesis state root), never written.
 */
export function setupReplica(api: PluginApi<L1Options>, parts: ReplicaParts): void {
  const { options, container, logger, events } = api;
  const { connection, chain, inbox, da } = parts;
  const { contracts, provider } = connection;
  const refuse = (action: string) => () => Promise.reject(new MetisError('NODE_STATE', { action, state: 'a read-only replica' }));

  container.value(DEPOSIT_QUEUE, { ready: () => [] });
  api.provide('commit', refuse('commit a batch'));
  api.provide('prove', refuse('prove a batch'));

  const source = new BatchLog(
    provider,
    { chainId: connection.chainId, inbox: contracts.batchInbox as Hex, startBlock: contracts.startBlock, confirmations: options.confirmations, maxLogRange: options.maxLogRange },
    logger,
  );
  // Built at start (the BLOCK_IMPORTER and the DA are resolved then); nothing is safe before.
  let deriver: Deriver | undefined;
  container.value(FINALITY, {
    safeBlock: () => deriver?.safeBlock() ?? 0n,
    finalizedBlock: () => deriver?.finalizedBlock() ?? 0n,
    batches: () => deriver?.batches() ?? [],
  });
  container.add(
    RPC_NAMESPACES,
    syncStatusNamespace(() =>
      deriver
        ? { role: 'replica', ...deriver.status() }
        : { role: 'replica', head: chain.head().number, safe: 0n, finalized: 0n, l1BatchesSeen: 0n },
    ),
  );

  api.onStart(async () => {
    const importer = container.tryResolve(BLOCK_IMPORTER);
    if (!importer) throw new MetisError('CAPABILITY_MISSING', { id: 'l1', capability: BLOCK_IMPORTER.name });
    await ensureRegistered(connection, chain, { readOnly: true }, container.resolve(DATA_AVAILABILITY), logger);
    deriver = new Deriver({
      source,
      l1: replicaL1(inbox, contracts.bridge as Hex, provider),
      da,
      chain,
      importer,
      events,
      logger,
      options: { pollInterval: options.pollInterval, maxBackoff: Math.max(options.pollInterval, MAX_BACKOFF_MS) },
    });
    deriver.start();
    logger.info({ l1: options.rpcUrl, inbox: contracts.batchInbox, head: chain.head().number }, 'replica: deriving the chain from L1');
  });
  api.onStop(async () => {
    await deriver?.stop();
  });
}
