// Shared set-up of the DAC contract tests: the six DAC predeploys placed with anvil_setCode (no constructors), one
// DAC with a founder and three members, and an exact ETH ledger (balances of the contracts and accounts + gas fees).
import type { Contract, JsonRpcProvider, TransactionReceipt, Wallet } from 'ethers';
import { AbiCoder, parseEther } from 'ethers';
import { expect } from 'vitest';
import { PREDEPLOYS, loadArtifact } from '@metis/contracts';
import { at, eventOf, fundedWallet, mined } from './helpers.js';

export const {
  DAC_REGISTRY,
  DAC_REPUTATION,
  DAC_ATTRIBUTES,
  DAC_COMMITMENTS,
  DAC_PROPOSALS,
  DAC_TREASURY,
  DAC_TOKEN_FACTORY,
} = PREDEPLOYS;

export const DAC_CONTRACTS = [
  ['DacRegistry', DAC_REGISTRY],
  ['DacReputation', DAC_REPUTATION],
  ['DacAttributes', DAC_ATTRIBUTES],
  ['DacCommitments', DAC_COMMITMENTS],
  ['DacProposals', DAC_PROPOSALS],
  ['DacTreasury', DAC_TREASURY],
] as const;

export interface DacParams {
  bondSize: bigint;
  initialReputation: bigint;
  reputationStep: bigint;
  challengeWindow: bigint;
  voteWindow: bigint;
  executionDelay: bigint;
  quorumBps: bigint;
}
export const PARAMS_TUPLE =
  'tuple(uint256 bondSize,uint256 initialReputation,uint256 reputationStep,uint64 challengeWindow,uint64 voteWindow,uint64 executionDelay,uint16 quorumBps)';

export const PARAMS: DacParams = {
  bondSize: parseEther('1'),
  initialReputation: 100n,
  reputationStep: 10n,
  challengeWindow: 3600n,
  voteWindow: 3600n,
  executionDelay: 600n,
  quorumBps: 5000n,
};

export const STATUS = { None: 0n, Open: 1n, Delivered: 2n, Challenged: 3n, Kept: 4n, Failed: 5n, Slashed: 6n } as const;
export const ACTION = { SET_PARAMS: 0, SPEND: 1, GRANT_ATTRIBUTE: 2, REVOKE_ATTRIBUTE: 3, GRANT_ROLE: 4, REVOKE_ROLE: 5, MINT_TOKEN: 6, LAUNCH_TOKEN: 7 } as const;

const coder = AbiCoder.defaultAbiCoder();
export const actions = {
  setParams: (p: DacParams) => ({ kind: ACTION.SET_PARAMS, data: coder.encode([PARAMS_TUPLE], [p]) }),
  spend: (token: string, to: string, amount: bigint) => ({ kind: ACTION.SPEND, data: coder.encode(['address', 'address', 'uint256'], [token, to, amount]) }),
  grantAttribute: (member: string, cid: string) => ({ kind: ACTION.GRANT_ATTRIBUTE, data: coder.encode(['address', 'string'], [member, cid]) }),
  revokeAttribute: (tokenId: bigint) => ({ kind: ACTION.REVOKE_ATTRIBUTE, data: coder.encode(['uint256'], [tokenId]) }),
  grantRole: (account: string, role: string) => ({ kind: ACTION.GRANT_ROLE, data: coder.encode(['address', 'bytes32'], [account, role]) }),
  revokeRole: (account: string, role: string) => ({ kind: ACTION.REVOKE_ROLE, data: coder.encode(['address', 'bytes32'], [account, role]) }),
  mintToken: (to: string, amount: bigint) => ({ kind: ACTION.MINT_TOKEN, data: coder.encode(['address', 'uint256'], [to, amount]) }),
};

export interface DacWorld {
  provider: JsonRpcProvider;
  registry: Contract;
  reputation: Contract;
  attributes: Contract;
  commitments: Contract;
  proposals: Contract;
  treasury: Contract;
  founder: Wallet;
  members: Wallet[];
  outsider: Wallet;
  dacId: bigint;
}

/** Places the DAC predeploys' runtime code at their fixed addresses. */
export async function placeDacPredeploys(provider: JsonRpcProvider): Promise<void> {
  for (const [name, address] of DAC_CONTRACTS) {
    await provider.send('anvil_setCode', [address, loadArtifact(name).deployedBytecode]);
  }
}

/** The predeploys, a DAC "acme" created by a fresh founder with `params`, and `memberCount` invited members who joined. */
export async function dacWorld(provider: JsonRpcProvider, params: DacParams = PARAMS, memberCount = 3): Promise<DacWorld> {
  await placeDacPredeploys(provider);
  const founder = await fundedWallet(provider, '1000');
  const members: Wallet[] = [];
  for (let i = 0; i < memberCount; i++) members.push(await fundedWallet(provider, '1000'));
  const outsider = await fundedWallet(provider, '1000');
  const registry = at('DacRegistry', DAC_REGISTRY, founder);
  const receipt = await mined(registry.createDac('acme', 'bafycharter', params));
  const dacId = eventOf(registry, receipt, 'DacCreated').args.dacId as bigint;
  for (const m of members) {
    await mined(registry.invite(dacId, m.address));
    await mined((registry.connect(m) as Contract).join(dacId));
  }
  return {
    provider,
    registry,
    reputation: at('DacReputation', DAC_REPUTATION, provider),
    attributes: at('DacAttributes', DAC_ATTRIBUTES, provider),
    commitments: at('DacCommitments', DAC_COMMITMENTS, provider),
    proposals: at('DacProposals', DAC_PROPOSALS, provider),
    treasury: at('DacTreasury', DAC_TREASURY, provider),
    founder,
    members,
    outsider,
    dacId,
  };
}

export const as = (c: Contract, w: Wallet): Contract => c.connect(w) as Contract;

/**
 * An exact ETH ledger over some addresses: `send` records each transaction's fee, and `check` asserts that the
 * sum of the balances plus every fee paid equals the sum at the start, to the wei.
 */
export class EthLedger {
  private start = 0n;
  fees = 0n;
  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly addresses: string[],
  ) {}
  async sum(): Promise<bigint> {
    let total = 0n;
    for (const a of this.addresses) total += await this.provider.getBalance(a);
    return total;
  }
  async begin(): Promise<this> {
    this.start = await this.sum();
    this.fees = 0n;
    return this;
  }
  async send(tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<TransactionReceipt> {
    const receipt = await mined(tx);
    this.fees += receipt.fee;
    return receipt;
  }
  async check(): Promise<void> {
    expect((await this.sum()) + this.fees).toBe(this.start);
  }
}

/** A balance's change over a transaction sent by its owner, excluding the fee. */
export async function balanceOf(provider: JsonRpcProvider, address: string): Promise<bigint> {
  return provider.getBalance(address);
}

export interface DacAction {
  kind: number;
  data: string;
}

/**
 * Proposes `list` in world `w`'s DAC (by the founder), votes yes with the founder and every member, waits out the
 * vote and the execution delay, and executes it; returns the execution receipt.
 */
export async function passProposal(w: DacWorld, list: DacAction[], params: DacParams = PARAMS): Promise<TransactionReceipt> {
  const r = await mined(as(w.proposals, w.founder).propose(w.dacId, list, 'bafyproposal'));
  const id = eventOf(w.proposals, r, 'ProposalCreated').args.id as bigint;
  for (const v of [w.founder, ...w.members]) await mined(as(w.proposals, v).vote(id, true));
  await w.provider.send('evm_increaseTime', [Number(params.voteWindow + params.executionDelay + 1n)]);
  await w.provider.send('evm_mine', []);
  return mined(as(w.proposals, w.founder).execute(id, list));
}
