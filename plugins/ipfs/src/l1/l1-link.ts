import type { DataAvailability, Logger } from '@metis/core';
import type { L1Connection } from '@metis/l1';
import type { IpfsPeer } from '../plugin.js';
import { chainOwner, peerRecordUpdate, readPeerRecord } from './peer-record.js';
import { ChallengeResponder } from './responder.js';

export interface L1LinkDeps {
  readonly connection: L1Connection;
  readonly role: 'sequencer' | 'replica';
  readonly peer: IpfsPeer;
  readonly da: DataAvailability;
  readonly logger: Logger;
  /** Milliseconds between rounds. */
  readonly pollIntervalMs: number;
  /** Most L1 blocks per eth_getLogs. */
  readonly maxLogRange: number;
}

export interface L1Link {
  /** Answers DA challenges (a sequencer with a key and a DaChallenge deployment), else undefined. */
  readonly responder?: ChallengeResponder;
  /** One round now (tests). */
  round(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What the IPFS DA does on an L1 chain, every `pollIntervalMs`:
 * - a sequencer publishes its node's peer id and multiaddrs in the chain's L1 registry record (when it owns
 *   the entry and the record says something else), and answers DA challenges on its batches;
 * - a replica reads the sequencer's record and keeps connections to the peers it names.
 * A failing round is logged and the next one tries again.
 */
export function startL1Link(deps: L1LinkDeps): L1Link {
  const { connection, peer, logger } = deps;
  const { provider, contracts, chainId, sender } = connection;
  const sequencer = deps.role === 'sequencer' && sender !== undefined;
  const responder =
    sequencer && contracts.daChallenge
      ? new ChallengeResponder(
          {
            chainId,
            provider,
            batchInbox: contracts.batchInbox,
            daChallenge: contracts.daChallenge,
            startBlock: contracts.startBlock,
            maxLogRange: deps.maxLogRange,
            send: (request) => sender.send(request),
          },
          deps.da,
          logger,
        )
      : undefined;
  if (sequencer && !contracts.daChallenge) logger.warn('the L1 deployment has no DaChallenge: DA challenges are not possible on this chain');

  let published = '';
  let followed = '';
  let notOwner = false;

  const publish = async (): Promise<void> => {
    const multiaddrs = peer.multiaddrs();
    const peerId = peer.peerId();
    if (!peerId || multiaddrs.length === 0 || notOwner) return;
    const record = { peerId, multiaddrs };
    if (JSON.stringify(record) === published) return;
    const owner = await chainOwner(provider, contracts.chainRegistry, chainId);
    if (owner === undefined) return; // not registered yet: the settlement registers it at start
    if (owner !== sender!.address.toLowerCase()) {
      notOwner = true;
      logger.warn({ owner, proposer: sender!.address }, "IPFS peers not published in the L1 registry record: only the chain's owner may write it; replicas need `peers`");
      return;
    }
    const data = await peerRecordUpdate(provider, contracts.chainRegistry, chainId, record);
    if (data) {
      await sender!.send({ to: contracts.chainRegistry, data, action: 'ChainRegistry.setSequencerInfo' });
      logger.info({ peerId, multiaddrs }, 'IPFS peers published in the L1 registry record');
    }
    published = JSON.stringify(record);
  };

  const follow = async (): Promise<void> => {
    const record = await readPeerRecord(provider, contracts.chainRegistry, chainId);
    if (!record || record.multiaddrs.length === 0) return;
    const text = JSON.stringify(record.multiaddrs);
    if (text === followed) return;
    peer.addPeers(record.multiaddrs);
    followed = text;
    logger.info({ peers: record.multiaddrs }, "dialling the sequencer's IPFS peers from its L1 registry record");
  };

  const round = async (): Promise<void> => {
    if (sequencer) {
      await publish().catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'IPFS peers not published in the L1 registry record; trying again'));
      await responder?.poll();
    } else {
      await follow();
    }
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const loop = (): void => {
    current = round()
      .catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'IPFS L1 round failed; trying again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, deps.pollIntervalMs);
      });
  };
  loop();
  return {
    ...(responder ? { responder } : {}),
    round,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
