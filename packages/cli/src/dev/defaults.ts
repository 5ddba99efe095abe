import { DEV_MNEMONIC } from './accounts.js';

/** Defaults of `metis dev` (and of `devConfig()` when called from code). */
export const DEV_DEFAULTS = {
  chainId: 1337,
  host: '127.0.0.1',
  port: 8545,
  blockTime: 1000 as number | 'instant',
  accounts: 10,
  /** Per account, in ETH. */
  balance: '10000',
  mnemonic: DEV_MNEMONIC,
  /** Seconds before a batch on the dev L1 is final. */
  challengeWindow: 10,
  /** Rangers `metis dev --rangers` starts, and the ETH each stakes. */
  rangers: 0,
  rangerStake: '1',
} as const;

export interface DevConfigOptions {
  chainId?: number;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Milliseconds between blocks, or 'instant' (a block as soon as transactions wait). */
  blockTime?: number | 'instant';
  /** Where the devnet keeps its data. Omitted: the core default (`.metis/data`, relative to the working directory). */
  dataDir?: string;
  /** Genesis balances: address -> { balance in wei }. */
  alloc?: Record<string, { balance: bigint | string | number }>;
  /** How long a batch waits before it is final, in milliseconds. Omitted: the settlement plugin's default. */
  finalityDelay?: number;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Settle on this L1 (else batches are recorded locally). */
  l1?: DevL1Options;
  /**
   * `replica`: derive the chain from the L1 (which `l1` must name) instead of producing it; `ranger`: a replica
   * that also attests every batch (rangers plugin, key in METIS_RANGER_KEY). Default sequencer.
   */
  role?: 'sequencer' | 'replica' | 'ranger';
  /** A ranger registers at start with this ETH stake (wei) when it is not registered yet. */
  rangerStake?: bigint;
  /** More plugins, appended to the devnet's (`metis dev --plugin`). */
  plugins?: readonly unknown[];
  /** Where a replica forwards transactions. */
  sequencerRpc?: string;
  /** Where batch data goes on an L1: 'ipfs' (an embedded IPFS node, the default) or 'calldata' (L1 calldata). */
  da?: 'ipfs' | 'calldata';
  /** IPFS peers (multiaddrs) to dial, besides those the sequencer publishes in its L1 registry record. */
  ipfsPeers?: string[];
}

export interface DevL1Options {
  rpcUrl: string;
  /** Path of the deployment file (addresses). */
  contracts: string;
  /** The sequencer's proposer key; a replica has none. */
  proposerKey?: string;
  challengeWindow: number;
}
