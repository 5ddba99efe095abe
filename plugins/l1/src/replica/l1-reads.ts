import { AbiCoder, Contract, Interface, isError, keccak256, type Provider } from 'ethers';
import type { Deposit, Hex } from '@metis/core';
import type { InboxClient } from '../settlement/inbox.js';

/** What the deriver asks the L1 besides the logs. */
export interface ReplicaL1 {
  /** The header hash the BatchInbox stores for batch `index` now; undefined when it holds none. */
  headerHash(index: bigint): Promise<Hex | undefined>;
  /** The highest final batch, or undefined while none is. */
  lastFinalizedBatch(): Promise<bigint | undefined>;
  /** keccak256(abi.encode(deposit)) the Bridge queued at `index` for this chain; undefined when none. */
  depositHash(index: bigint): Promise<Hex | undefined>;
}

const bridgeInterface = new Interface(['function depositHash(uint256 chainId, uint64 index) view returns (bytes32)']);
const DEPOSIT_TUPLE = 'tuple(uint64 index, address from, address to, address l1Token, uint256 amount, bytes tokenMeta, uint64 l1Block)';

/** keccak256(abi.encode(d)) of the Solidity `Deposit` struct (contracts/src/l1/L1Types.sol), as the Bridge records it. */
export function depositHashOf(d: Deposit): Hex {
  const encoded = AbiCoder.defaultAbiCoder().encode([DEPOSIT_TUPLE], [[d.index, d.from, d.to, d.l1Token, d.amount, d.tokenMeta, d.l1Block]]);
  return keccak256(encoded) as Hex;
}

/** ReplicaL1 on the BatchInbox and the Bridge. */
export function replicaL1(inbox: InboxClient, bridge: Hex, provider: Provider): ReplicaL1 {
  const contract = new Contract(bridge, bridgeInterface, provider);
  return {
    headerHash: (index) => inbox.headerHash(index),
    lastFinalizedBatch: () => inbox.lastFinalizedBatch(),
    async depositHash(index) {
      try {
        return ((await contract.getFunction('depositHash')(inbox.chainId, index)) as string).toLowerCase() as Hex;
      } catch (e) {
        if (isError(e, 'CALL_EXCEPTION')) return undefined;
        throw e;
      }
    },
  };
}
