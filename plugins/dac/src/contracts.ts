import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import type { GenesisAccounts, Hex } from '@metis/core';
import { Interface } from 'ethers';

/** The DAC predeploys this plugin places in the genesis, by contract name. */
export const DAC_PREDEPLOYS = {
  DacRegistry: PREDEPLOYS.DAC_REGISTRY,
  DacReputation: PREDEPLOYS.DAC_REPUTATION,
  DacAttributes: PREDEPLOYS.DAC_ATTRIBUTES,
  DacCommitments: PREDEPLOYS.DAC_COMMITMENTS,
  DacProposals: PREDEPLOYS.DAC_PROPOSALS,
  DacTreasury: PREDEPLOYS.DAC_TREASURY,
} as const;

export type DacContractName = keyof typeof DAC_PREDEPLOYS | 'DacTokenFactory' | 'DacToken';

/**
 * Runtime code of the contracts at their fixed addresses: no constructor runs and storage starts empty,
 * which the predeploys are written for (no immutables, no libraries to link; checked by the tests).
 */
export function predeployAccounts(names: readonly string[], addressOf: (name: string) => string): GenesisAccounts {
  const accounts: Record<string, { code: Hex }> = {};
  for (const name of names) {
    const code = loadArtifact(name).deployedBytecode as Hex;
    if (!/^0x[0-9a-fA-F]+$/.test(code) || code.length <= 2) throw new Error(`the ${name} artifact has no linked runtime code`);
    accounts[addressOf(name).toLowerCase()] = { code };
  }
  return accounts as GenesisAccounts;
}

/** The six DAC predeploys (registry, reputation, attributes, commitments, proposals, treasury). */
export function dacPredeploys(): GenesisAccounts {
  return predeployAccounts(Object.keys(DAC_PREDEPLOYS), (name) => DAC_PREDEPLOYS[name as keyof typeof DAC_PREDEPLOYS]);
}

const interfaces = new Map<string, Interface>();

/** The ethers Interface of a contract, from its artifact (cached). */
export function contractInterface(name: DacContractName): Interface {
  let i = interfaces.get(name);
  if (!i) {
    i = new Interface(loadArtifact(name).abi as never);
    interfaces.set(name, i);
  }
  return i;
}
