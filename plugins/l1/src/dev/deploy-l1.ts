import { Contract, ContractFactory, id, parseEther, type Signer } from 'ethers';
import { loadArtifact } from '@metis/contracts';

/** DA kinds of ChainConfig.daKind (any non-zero value is accepted; these are the known ones). */
export const DA_KIND = { L1_CALLDATA: 1, IPFS: 2 } as const;

/** The roles of the settlement contracts, as their `SLASHER_ROLE()` / `CHALLENGER_ROLE()` return them. */
export const SLASHER_ROLE = id('SLASHER_ROLE');
export const CHALLENGER_ROLE = id('CHALLENGER_ROLE');
/** BatchInbox's role of the contracts that finalize batches early (the RangerCertifier). */
export const FINALIZER_ROLE = id('FINALIZER_ROLE');

/** ChainRegistry.ChainConfig. */
export interface ChainConfig {
  owner: string;
  sequencer: string;
  proposer: string;
  /** Seconds. */
  challengeWindow: bigint | number;
  /** Wei. */
  minBond: bigint;
  daKind: number;
  genesisStateRoot: string;
  /** L1 blocks. */
  inclusionWindow: bigint | number;
}

/** DaChallenge's response window when none is given: an hour to answer a challenged chunk on a real L1. */
export const DEFAULT_DA_RESPONSE_WINDOW = 3_600;
/** DaChallenge's response window on devnets (`metis dev`): the node answers within seconds. */
export const DEV_DA_RESPONSE_WINDOW = 30;
/** DaChallenge's minimum challenge bond when none is given (wei): more than answering a chunk costs in L1 gas. */
export const DEFAULT_MIN_CHALLENGE_BOND: bigint = parseEther('0.1');

/** RangerDisputes' vote window when none is given: ten minutes for the rangers to gather a 2/3 vote on a real L1. */
export const DEFAULT_RANGER_VOTE_WINDOW = 600;
/** RangerDisputes' vote window on devnets (`metis dev`). */
export const DEV_RANGER_VOTE_WINDOW = 30;
/** RangerDisputes' minimum challenge bond when none is given (wei). */
export const DEFAULT_RANGER_CHALLENGE_BOND: bigint = parseEther('0.1');

export interface DeployL1Options {
  /** BondManager's unbonding delay in seconds: at least the longest challenge window of the chains served. */
  unbondingDelay: bigint | number;
  /** Receives slashed bonds (minus rewards); the signer's address by default. */
  treasury?: string;
  /** Accounts granted SLASHER_ROLE on the BondManager (the signer is its admin). */
  slashers?: readonly string[];
  /** Accounts granted CHALLENGER_ROLE on the BatchInbox (the signer is its admin). */
  challengers?: readonly string[];
  /** The data-availability challenge of IPFS chains (DaChallenge). */
  daChallenge?: {
    /** Seconds to answer a challenge; {@link DEFAULT_DA_RESPONSE_WINDOW} by default. */
    responseWindow?: bigint | number;
    /** Least bond of a challenge, wei; {@link DEFAULT_MIN_CHALLENGE_BOND} by default. */
    minChallengeBond?: bigint;
  };
  /** The rangers' contracts (RangerRegistry, RangerDisputes, RangerCertifier). */
  rangers?: {
    /** Seconds to settle a state-root dispute by vote; {@link DEFAULT_RANGER_VOTE_WINDOW} by default. */
    voteWindow?: bigint | number;
    /** Least bond of a state-root challenge, wei; {@link DEFAULT_RANGER_CHALLENGE_BOND} by default. */
    minChallengeBond?: bigint;
  };
}

export interface L1Addresses {
  chainRegistry: string;
  bondManager: string;
  bridge: string;
  batchInbox: string;
  dataInbox: string;
  daChallenge: string;
  rangerRegistry: string;
  rangerCertifier: string;
  rangerDisputes: string;
}

export interface L1Deployment {
  addresses: L1Addresses;
  /** Contract instances connected to the deploying signer. */
  chainRegistry: Contract;
  bondManager: Contract;
  bridge: Contract;
  batchInbox: Contract;
  dataInbox: Contract;
  daChallenge: Contract;
  rangerRegistry: Contract;
  rangerCertifier: Contract;
  rangerDisputes: Contract;
  /** The L1 block of the first deployment transaction: scan logs from here. */
  startBlock: number;
}

async function deploy(signer: Signer, name: string, args: unknown[] = []): Promise<{ contract: Contract; block: number }> {
  const { abi, bytecode } = loadArtifact(name);
  const deployed = await new ContractFactory(abi as never, bytecode, signer).deploy(...args);
  const receipt = await deployed.deploymentTransaction()!.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`deploying ${name} failed`);
  const address = await deployed.getAddress();
  return { contract: new Contract(address, abi as never, signer), block: receipt.blockNumber };
}

async function send(what: string, tx: Promise<{ wait(): Promise<{ status: number | null } | null> }>): Promise<void> {
  const receipt = await (await tx).wait();
  if (!receipt || receipt.status !== 1) throw new Error(`${what} failed`);
}

/**
 * Deploys and wires the L1 settlement contracts, one transaction at a time from `signer`:
 * ChainRegistry, BondManager(registry, unbondingDelay, treasury), Bridge(registry),
 * BatchInbox(registry, bonds, bridge), then `bridge.initialize(batchInbox)` (the one-time setter that closes the
 * Bridge <-> BatchInbox cycle; it checks that the inbox points back at the bridge), DataInbox,
 * DaChallenge(batchInbox, responseWindow, minChallengeBond) (it reads the registry and the BondManager from the inbox),
 * RangerRegistry(registry, treasury), RangerDisputes(batchInbox, rangerRegistry, voteWindow, minChallengeBond),
 * RangerCertifier(batchInbox, rangerDisputes), and the roles: DaChallenge gets CHALLENGER_ROLE on the BatchInbox and
 * SLASHER_ROLE on the BondManager; RangerDisputes gets CHALLENGER_ROLE on the BatchInbox and SLASHER_ROLE on the
 * BondManager and the RangerRegistry; RangerCertifier gets FINALIZER_ROLE on the BatchInbox; then the extra
 * `slashers` and `challengers`. No chain is configured in the RangerRegistry (each chain's owner does that).
 */
export async function deployL1(signer: Signer, options: DeployL1Options): Promise<L1Deployment> {
  const treasury = options.treasury ?? (await signer.getAddress());
  const registry = await deploy(signer, 'ChainRegistry');
  const registryAddress = await registry.contract.getAddress();
  const bonds = await deploy(signer, 'BondManager', [registryAddress, options.unbondingDelay, treasury]);
  const bondsAddress = await bonds.contract.getAddress();
  const bridge = await deploy(signer, 'Bridge', [registryAddress]);
  const bridgeAddress = await bridge.contract.getAddress();
  const inbox = await deploy(signer, 'BatchInbox', [registryAddress, bondsAddress, bridgeAddress]);
  const inboxAddress = await inbox.contract.getAddress();
  await send('Bridge.initialize', bridge.contract.getFunction('initialize')(inboxAddress));
  const dataInbox = await deploy(signer, 'DataInbox');
  const daChallenge = await deploy(signer, 'DaChallenge', [
    inboxAddress,
    options.daChallenge?.responseWindow ?? DEFAULT_DA_RESPONSE_WINDOW,
    options.daChallenge?.minChallengeBond ?? DEFAULT_MIN_CHALLENGE_BOND,
  ]);
  const daChallengeAddress = await daChallenge.contract.getAddress();
  await send('BatchInbox.grantRole', inbox.contract.getFunction('grantRole')(CHALLENGER_ROLE, daChallengeAddress));
  await send('BondManager.grantRole', bonds.contract.getFunction('grantRole')(SLASHER_ROLE, daChallengeAddress));

  const rangerRegistry = await deploy(signer, 'RangerRegistry', [registryAddress, treasury]);
  const rangerRegistryAddress = await rangerRegistry.contract.getAddress();
  const rangerDisputes = await deploy(signer, 'RangerDisputes', [
    inboxAddress,
    rangerRegistryAddress,
    options.rangers?.voteWindow ?? DEFAULT_RANGER_VOTE_WINDOW,
    options.rangers?.minChallengeBond ?? DEFAULT_RANGER_CHALLENGE_BOND,
  ]);
  const rangerDisputesAddress = await rangerDisputes.contract.getAddress();
  const rangerCertifier = await deploy(signer, 'RangerCertifier', [inboxAddress, rangerDisputesAddress]);
  const rangerCertifierAddress = await rangerCertifier.contract.getAddress();
  await send('BatchInbox.grantRole', inbox.contract.getFunction('grantRole')(FINALIZER_ROLE, rangerCertifierAddress));
  await send('BatchInbox.grantRole', inbox.contract.getFunction('grantRole')(CHALLENGER_ROLE, rangerDisputesAddress));
  await send('BondManager.grantRole', bonds.contract.getFunction('grantRole')(SLASHER_ROLE, rangerDisputesAddress));
  await send('RangerRegistry.grantRole', rangerRegistry.contract.getFunction('grantRole')(SLASHER_ROLE, rangerDisputesAddress));

  for (const account of options.slashers ?? []) {
    await send('BondManager.grantRole', bonds.contract.getFunction('grantRole')(SLASHER_ROLE, account));
  }
  for (const account of options.challengers ?? []) {
    await send('BatchInbox.grantRole', inbox.contract.getFunction('grantRole')(CHALLENGER_ROLE, account));
  }

  return {
    addresses: {
      chainRegistry: registryAddress,
      bondManager: bondsAddress,
      bridge: bridgeAddress,
      batchInbox: inboxAddress,
      dataInbox: await dataInbox.contract.getAddress(),
      daChallenge: daChallengeAddress,
      rangerRegistry: rangerRegistryAddress,
      rangerCertifier: rangerCertifierAddress,
      rangerDisputes: rangerDisputesAddress,
    },
    chainRegistry: registry.contract,
    bondManager: bonds.contract,
    bridge: bridge.contract,
    batchInbox: inbox.contract,
    dataInbox: dataInbox.contract,
    daChallenge: daChallenge.contract,
    rangerRegistry: rangerRegistry.contract,
    rangerCertifier: rangerCertifier.contract,
    rangerDisputes: rangerDisputes.contract,
    startBlock: registry.block,
  };
}
