import { Contract, ContractFactory, getCreateAddress, id, parseEther, type Signer, type TransactionReceipt, type TransactionResponse } from 'ethers';
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

/** Gas limits of the pipelined deployment (estimates would run against contracts not deployed yet). */
const DEPLOY_GAS = 8_000_000n;
const CALL_GAS = 300_000n;

/**
 * Sends transactions one after the other without waiting for them to be mined (explicit nonces, fixed gas
 * limits), predicting each contract's address from its nonce; `done` waits for every receipt and checks each.
 * On an L1 with slow blocks the whole deployment takes a few blocks instead of one block per transaction.
 */
class Pipeline {
  private readonly sent: { what: string; tx: TransactionResponse; expect?: string }[] = [];

  private constructor(
    private readonly signer: Signer,
    private readonly from: string,
    private nonce: number,
  ) {}

  static async open(signer: Signer): Promise<Pipeline> {
    return new Pipeline(signer, await signer.getAddress(), await signer.getNonce('pending'));
  }

  async deploy(name: string, args: unknown[] = []): Promise<{ contract: Contract; address: string }> {
    const { abi, bytecode } = loadArtifact(name);
    const { data } = await new ContractFactory(abi as never, bytecode).getDeployTransaction(...args);
    const address = getCreateAddress({ from: this.from, nonce: this.nonce });
    await this.send(name, { data, gasLimit: DEPLOY_GAS }, address);
    return { contract: new Contract(address, abi as never, this.signer), address };
  }

  async call(what: string, contract: Contract, fn: string, args: unknown[]): Promise<void> {
    await this.send(what, { to: await contract.getAddress(), data: contract.interface.encodeFunctionData(fn, args), gasLimit: CALL_GAS });
  }

  /** Waits for every transaction; throws on the first that failed. Returns the first receipt. */
  async done(): Promise<TransactionReceipt> {
    const receipts = await Promise.all(this.sent.map((s) => s.tx.wait()));
    for (const [i, r] of receipts.entries()) {
      const { what, expect } = this.sent[i]!;
      if (!r || r.status !== 1) throw new Error(`${what} failed`);
      if (expect && r.contractAddress?.toLowerCase() !== expect.toLowerCase()) throw new Error(`${what} landed at ${r.contractAddress}, not ${expect}`);
    }
    return receipts[0]!;
  }

  private async send(what: string, request: { to?: string; data: string; gasLimit: bigint }, expect?: string): Promise<void> {
    const tx = await this.signer.sendTransaction({ ...request, nonce: this.nonce++ });
    this.sent.push({ what, tx, ...(expect ? { expect } : {}) });
  }
}

/**
 * Deploys and wires the L1 settlement contracts from `signer`, every transaction sent at once (consecutive
 * nonces, addresses predicted from them), then waits for all of them:
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
  const p = await Pipeline.open(signer);
  const registry = await p.deploy('ChainRegistry');
  const registryAddress = registry.address;
  const bonds = await p.deploy('BondManager', [registryAddress, options.unbondingDelay, treasury]);
  const bondsAddress = bonds.address;
  const bridge = await p.deploy('Bridge', [registryAddress]);
  const bridgeAddress = bridge.address;
  const inbox = await p.deploy('BatchInbox', [registryAddress, bondsAddress, bridgeAddress]);
  const inboxAddress = inbox.address;
  await p.call('Bridge.initialize', bridge.contract, 'initialize', [inboxAddress]);
  const dataInbox = await p.deploy('DataInbox');
  const daChallenge = await p.deploy('DaChallenge', [
    inboxAddress,
    options.daChallenge?.responseWindow ?? DEFAULT_DA_RESPONSE_WINDOW,
    options.daChallenge?.minChallengeBond ?? DEFAULT_MIN_CHALLENGE_BOND,
  ]);
  const daChallengeAddress = daChallenge.address;
  await p.call('BatchInbox.grantRole', inbox.contract, 'grantRole', [CHALLENGER_ROLE, daChallengeAddress]);
  await p.call('BondManager.grantRole', bonds.contract, 'grantRole', [SLASHER_ROLE, daChallengeAddress]);

  const rangerRegistry = await p.deploy('RangerRegistry', [registryAddress, treasury]);
  const rangerRegistryAddress = rangerRegistry.address;
  const rangerDisputes = await p.deploy('RangerDisputes', [
    inboxAddress,
    rangerRegistryAddress,
    options.rangers?.voteWindow ?? DEFAULT_RANGER_VOTE_WINDOW,
    options.rangers?.minChallengeBond ?? DEFAULT_RANGER_CHALLENGE_BOND,
  ]);
  const rangerDisputesAddress = rangerDisputes.address;
  const rangerCertifier = await p.deploy('RangerCertifier', [inboxAddress, rangerDisputesAddress]);
  const rangerCertifierAddress = rangerCertifier.address;
  await p.call('BatchInbox.grantRole', inbox.contract, 'grantRole', [FINALIZER_ROLE, rangerCertifierAddress]);
  await p.call('BatchInbox.grantRole', inbox.contract, 'grantRole', [CHALLENGER_ROLE, rangerDisputesAddress]);
  await p.call('BondManager.grantRole', bonds.contract, 'grantRole', [SLASHER_ROLE, rangerDisputesAddress]);
  await p.call('RangerRegistry.grantRole', rangerRegistry.contract, 'grantRole', [SLASHER_ROLE, rangerDisputesAddress]);

  for (const account of options.slashers ?? []) await p.call('BondManager.grantRole', bonds.contract, 'grantRole', [SLASHER_ROLE, account]);
  for (const account of options.challengers ?? []) await p.call('BatchInbox.grantRole', inbox.contract, 'grantRole', [CHALLENGER_ROLE, account]);
  const first = await p.done();

  return {
    addresses: {
      chainRegistry: registryAddress,
      bondManager: bondsAddress,
      bridge: bridgeAddress,
      batchInbox: inboxAddress,
      dataInbox: dataInbox.address,
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
    startBlock: first.blockNumber,
  };
}
