import { DATA_AVAILABILITY, type PluginApi } from '@metis/core';
import { L1_CONNECTION } from '@metis/l1';
import { createIpfsDa, type IpfsNode } from './create.js';
import { DeferredDA } from './deferred-da.js';
import type { IpfsOptions } from './options.js';
import { IPFS_PEER, type IpfsPeer } from './plugin.js';
import type { L1Link } from './l1/l1-link.js';

/** Registers the DA at once; the node starts with the node's start and stops with its stop. */
export async function setupIpfs(api: PluginApi<IpfsOptions>): Promise<void> {
  const { options, logger, events } = api;
  const repo = options.repo ?? (await api.dataDir());
  const deferred = new DeferredDA(options.kubo ? 'ipfs (kubo)' : 'ipfs (helia)');
  let node: IpfsNode | undefined;
  let offBatch: (() => void) | undefined;
  let link: L1Link | undefined;
  api.container.value(DATA_AVAILABILITY, deferred);
  const peer: IpfsPeer = {
    peerId: () => node?.peerId,
    multiaddrs: () => node?.multiaddrs() ?? [],
    addPeers: (addrs) => {
      if (!node) throw new Error('the IPFS node is not started');
      node.addPeers(addrs);
    },
  };
  api.container.value(IPFS_PEER, peer);

  api.onStart(async () => {
    try {
      node = await createIpfsDa({ ...options, repo, logger });
    } catch (e) {
      deferred.fail(`the IPFS node did not start: ${(e as Error).message}`);
      throw e;
    }
    const started = node;
    offBatch = events.on('batch', (batch) => {
      started.onBatch(batch).catch((e: unknown) => logger.warn({ err: (e as Error).message, batch: batch.index }, 'ipfs retention: batch event not recorded'));
    });
    deferred.ready(started.da);
    // On an L1 chain: publish or follow the sequencer's peers in the registry record, answer DA challenges.
    const connection = api.container.tryResolve(L1_CONNECTION);
    if (connection) {
      const { startL1Link } = await import('./l1/l1-link.js');
      link = startL1Link({ connection, role: api.config.role, peer, da: started.da, logger, pollIntervalMs: options.l1.pollIntervalMs, maxLogRange: options.l1.maxLogRange });
    }
    if (options.kubo) logger.info({ kubo: options.kubo.url, repo }, 'IPFS DA on Kubo started');
    else logger.info({ peerId: started.peerId, listen: started.multiaddrs(), peers: options.peers, repo }, 'IPFS DA (embedded Helia) started');
  });
  api.onStop(async () => {
    offBatch?.();
    await link?.stop();
    link = undefined;
    deferred.fail('the IPFS node is stopped');
    await node?.stop();
    node = undefined;
  });
}
