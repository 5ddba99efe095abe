import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import type { GenesisAccounts, Hex } from '@metis/core';

/**
 * The L2 side of the bridge, placed in the genesis: the L2Bridge (credits deposits, starts withdrawals)
 * and the MessagePasser (records withdrawals; their events form each batch's withdrawal root). Runtime
 * code only: their constructors never run, and they start with empty storage.
 */
export function l2Predeploys(): GenesisAccounts {
  const code = (name: string): Hex => loadArtifact(name).deployedBytecode as Hex;
  return {
    [PREDEPLOYS.L2_BRIDGE.toLowerCase() as Hex]: { code: code('L2Bridge') },
    [PREDEPLOYS.MESSAGE_PASSER.toLowerCase() as Hex]: { code: code('MessagePasser') },
  };
}
