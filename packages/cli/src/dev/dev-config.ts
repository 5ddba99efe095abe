/**
 * The one place where the CLI composes the plugins into a devnet. Everything else in the CLI is written
 * against @metis/core only, so it can be loaded and tested without the plugins.
 */
import { defineConfig, type NodeConfigInput } from '@metis/core';
import { evm } from '@metis/evm';
import { ipfs } from '@metis/ipfs';
import { calldataDa, l1 } from '@metis/l1';
import { mempool } from '@metis/mempool';
import { rpc } from '@metis/rpc';
import { sequencer } from '@metis/sequencer';
import { localSettlement } from '@metis/settlement-local';
import { rangers } from '@metis/rangers';
import { dac } from '@metis/dac';
import { token } from '@metis/token';
import { DEV_DEFAULTS, type DevConfigOptions } from './defaults.js';

/** Least ranger stake on a devnet (1 ETH); the unbonding delay is the challenge window plus a minute. */
const DEV_MIN_RANGER_STAKE = 10n ** 18n;

export type { DevConfigOptions } from './defaults.js';

/**
 * A complete devnet config: EVM with a funded genesis, mempool, sequencer, JSON-RPC, the DACs and their tokens
 * (the dac and token plugins: predeploys, metis_dac* views, `metis dac` / `metis token`), and settlement on an
 * L1 (batch data on an embedded IPFS node, or in L1 calldata with `da: 'calldata'`; the chain registers
 * itself and bonds its proposer) or, without one, local settlement.
 * A replica (`role: 'replica'`) has the same plugins and genesis, and an L1 without key or registration.
 */
export function devConfig(options: DevConfigOptions = {}): NodeConfigInput {
  const ranger = options.role === 'ranger';
  const replica = options.role === 'replica' || ranger;
  // Loopback only (the default), polling L1 often, and a short fetch timeout so that a replica waiting for
  // data says so (metis_syncStatus) within seconds: dev chains are local and fast.
  const da = () =>
    options.da === 'calldata' ? calldataDa() : ipfs({ peers: options.ipfsPeers ?? [], fetchTimeoutMs: 10_000, l1: { pollIntervalMs: 500 } });
  return defineConfig({
    chainId: options.chainId ?? DEV_DEFAULTS.chainId,
    name: 'metis-dev',
    ...(options.role === undefined ? {} : { role: replica ? ('replica' as const) : ('sequencer' as const) }),
    ...(options.sequencerRpc === undefined ? {} : { sequencerRpc: options.sequencerRpc }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    plugins: [
      evm({ genesis: { alloc: options.alloc ?? {} } }),
      // Transactions without EIP-155 replay protection are rejected here too, as on any Metis chain.
      mempool(),
      sequencer({ blockTime: options.blockTime ?? DEV_DEFAULTS.blockTime }),
      ...(options.l1 && replica
        ? [
            l1({ rpcUrl: options.l1.rpcUrl, contracts: options.l1.contracts, confirmations: 1, pollInterval: 250 }),
            da(),
            ...(ranger
              ? [rangers({ ...(options.rangerStake === undefined ? {} : { stake: options.rangerStake }), certifyDelayMs: 2_000, pollIntervalMs: 500, peerRefreshMs: 1_000, sender: { pollIntervalMs: 250 } })]
              : []),
          ]
        : options.l1
        ? [
            l1({
              rpcUrl: options.l1.rpcUrl,
              contracts: options.l1.contracts,
              ...(options.l1.proposerKey ? { proposerKey: options.l1.proposerKey } : {}),
              confirmations: 1,
              pollInterval: 500,
              batch: { maxBlocks: 20, maxAge: 2_000 },
              sender: { bumpAfterMs: 15_000, pollIntervalMs: 250 },
              register: { challengeWindow: options.l1.challengeWindow, inclusionWindow: 100 },
            }),
            da(),
            // Collects the rangers' attestations and submits quorum certificates; configures the chain's rangers on L1.
            rangers({ configure: { minStake: DEV_MIN_RANGER_STAKE, unbondingDelay: options.l1.challengeWindow + 60 }, pollIntervalMs: 250, peerRefreshMs: 1_000 }),
          ]
        : [localSettlement(options.finalityDelay === undefined ? {} : { finalityDelay: options.finalityDelay })]),
      rpc({ host: options.host ?? DEV_DEFAULTS.host, port: options.port ?? DEV_DEFAULTS.port }),
      // Decentralized autonomous companies and their tokens (predeploys in the genesis: replicas get them too).
      dac(),
      token(),
      ...((options.plugins ?? []) as never[]),
    ],
  });
}
