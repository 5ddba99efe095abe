import { createToken, type Hex } from '@metis/core';
import type { JsonRpcProvider } from 'ethers';
import type { TxSender } from './l1/tx-sender.js';
import type { L1Contracts } from './options.js';

/** The node's L1: one provider, one sender for the proposer key (shared, so nonces never clash). */
export interface L1Connection {
  readonly chainId: bigint;
  readonly provider: JsonRpcProvider;
  readonly contracts: L1Contracts;
  /** Absent on a replica (no key). */
  readonly sender?: TxSender;
  readonly proposer?: Hex;
}
export const L1_CONNECTION = createToken<L1Connection>('l1-connection');
