// Shared helpers of the contract tests (not a test file): anvil + ethers plumbing, revert decoding, builders.
import {
  AbiCoder,
  Contract,
  ContractFactory,
  HDNodeWallet,
  Interface,
  JsonRpcProvider,
  Wallet,
  keccak256,
  parseEther,
  toBeHex,
  toUtf8Bytes,
  type ErrorFragment,
  type Signer,
  type TypedDataDomain,
  type TransactionReceipt,
} from 'ethers';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { PREDEPLOYS, loadArtifact } from '@metis/contracts';
import { call, startAnvil, type Anvil, type AnvilOptions, type ChainConfig } from '@metis/testkit';

export const abi = AbiCoder.defaultAbiCoder();

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
export const ZERO_HASH = `0x${'00'.repeat(32)}`;

/** The L2 tests place the predeploys at these addresses: they work only if they match Predeploys.sol. */
export const { L2_BRIDGE, MESSAGE_PASSER, SYSTEM_CALLER } = PREDEPLOYS;

export const BATCH_HEADER_TUPLE =
  'tuple(uint256 chainId,uint64 batchIndex,uint64 firstBlock,uint64 lastBlock,bytes32 prevStateRoot,bytes32 newStateRoot,bytes32 dataHash,bytes daCommitment,bytes32 withdrawalRoot,uint64 depositCount)';
export const DEPOSIT_TUPLE =
  'tuple(uint64 index,address from,address to,address l1Token,uint256 amount,bytes tokenMeta,uint64 l1Block)';
export const WITHDRAWAL_TUPLE = 'tuple(uint256 nonce,address sender,address to,address l1Token,uint256 amount)';
export const WITHDRAWAL_TYPES = ['uint256', 'address', 'address', 'address', 'uint256'];

/** Every error of every compiled contract (and OpenZeppelin's), to decode any revert by name. */
const CONTRACTS = [
  'ChainRegistry',
  'BondManager',
  'DataInbox',
  'BatchInbox',
  'Bridge',
  'DaChallenge',
  'RangerRegistry',
  'RangerCertifier',
  'RangerDisputes',
  'L2Bridge',
  'MessagePasser',
  'BridgedToken',
  'MetisTestToken',
  'FeeOnTransferToken',
  'EthReceiver',
  'DacRegistry',
  'DacReputation',
  'DacAttributes',
  'DacCommitments',
  'DacTreasury',
  'DacProposals',
  'DacTokenFactory',
  'DacToken',
];
const errorsInterface = (() => {
  const seen = new Map<string, ErrorFragment>();
  for (const name of CONTRACTS) {
    for (const fragment of new Interface(loadArtifact(name).abi as never).fragments) {
      if (fragment.type === 'error') seen.set((fragment as ErrorFragment).format('sighash'), fragment as ErrorFragment);
    }
  }
  for (const extra of ['error FailedCall()', 'error InsufficientBalance(uint256 balance, uint256 needed)', 'error SafeERC20FailedOperation(address token)']) {
    const f = new Interface([extra]).fragments[0] as ErrorFragment;
    seen.set(f.format('sighash'), f);
  }
  return new Interface([...seen.values()]);
})();

/** The revert data of an ethers error, wherever the provider put it. */
function revertData(e: unknown): string | undefined {
  const err = e as { data?: unknown; error?: { data?: unknown }; info?: { error?: { data?: unknown } } };
  for (const candidate of [err.data, err.error?.data, err.info?.error?.data]) {
    if (typeof candidate === 'string' && candidate.startsWith('0x')) return candidate;
  }
  return undefined;
}

export interface DecodedRevert {
  name: string;
  args: unknown[];
}

/** Awaits something that must revert and decodes its custom error. */
export async function revertOf(promise: Promise<unknown>): Promise<DecodedRevert> {
  let error: unknown;
  try {
    const result = (await promise) as { wait?: () => Promise<unknown> } | undefined;
    // A transaction sent with an explicit gas limit is not estimated: it fails in its receipt, without data.
    if (result && typeof result.wait === 'function') await result.wait();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error('expected a revert, but the call succeeded');
  const data = revertData(error);
  if (!data || data === '0x') throw new Error(`reverted without data: ${(error as Error).message}`);
  const parsed = errorsInterface.parseError(data);
  if (!parsed) throw new Error(`unknown revert data ${data}`);
  return { name: parsed.name, args: [...parsed.args] };
}

const normalize = (v: unknown): unknown => {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)) return v.toLowerCase();
  if (typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v)) return v.toLowerCase();
  return v;
};

/** Expects `promise` to revert with custom error `name` (and, if given, exactly these arguments). */
export async function expectRevert(promise: Promise<unknown>, name: string, args?: unknown[]): Promise<DecodedRevert> {
  const decoded = await revertOf(promise);
  expect(decoded.name).toBe(name);
  if (args) expect(decoded.args.map(normalize)).toEqual(args.map(normalize));
  return decoded;
}

export function makeProvider(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
}

const MNEMONIC = 'test test test test test test test test test test test junk';

/**
 * A Wallet that sends 25% + 60,000 more gas than estimated. ethers uses the estimate as the limit as is, but the
 * gas a transaction needs can depend on the block it lands in (e.g. an SSTORE of block.timestamp that matches the
 * stored value is cheaper, and a checkpoint keyed by the block timestamp is updated in place within one second but
 * appended as a new slot in the next: two such pushes cost ~45,000 more), and anvil estimates in one block and
 * mines in the next.
 */
export class PaddedWallet extends Wallet {
  override async estimateGas(tx: Parameters<Wallet['estimateGas']>[0]): Promise<bigint> {
    return ((await super.estimateGas(tx)) * 5n) / 4n + 60_000n;
  }
}

/** Anvil's funded dev accounts (10,000 ETH each), indices 0..9. */
export function devWallets(provider: JsonRpcProvider, count = 10): Wallet[] {
  const root = HDNodeWallet.fromPhrase(MNEMONIC, undefined, "m/44'/60'/0'/0");
  return Array.from({ length: count }, (_, i) => new PaddedWallet(root.deriveChild(i).privateKey, provider));
}

/** A fresh random address (for exact balance checks). */
export function freshAddress(): string {
  return Wallet.createRandom().address;
}

/** A fresh wallet funded with `eth` through anvil_setBalance. */
export async function fundedWallet(provider: JsonRpcProvider, eth = '100'): Promise<Wallet> {
  const w = new PaddedWallet(Wallet.createRandom().privateKey, provider);
  await provider.send('anvil_setBalance', [w.address, toBeHex(parseEther(eth))]);
  return w;
}

/** Sends a transaction and waits for a successful receipt. */
export async function mined(tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt || receipt.status !== 1) throw new Error('transaction failed');
  return receipt;
}

export async function deployContract(signer: Signer, name: string, args: unknown[] = []): Promise<Contract> {
  const { abi: contractAbi, bytecode } = loadArtifact(name);
  const c = await new ContractFactory(contractAbi as never, bytecode, signer).deploy(...args);
  await c.waitForDeployment();
  return new Contract(await c.getAddress(), contractAbi as never, signer);
}

export function at(name: string, address: string, runner: Signer | JsonRpcProvider): Contract {
  return new Contract(address, loadArtifact(name).abi as never, runner);
}

/** The events of `contract` in `receipt`, parsed. */
export function eventsOf(contract: Contract, receipt: TransactionReceipt, name: string) {
  const out = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== String(contract.target).toLowerCase()) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name === name) out.push(parsed);
  }
  return out;
}

/** The single event `name` of `contract` in `receipt`. */
export function eventOf(contract: Contract, receipt: TransactionReceipt, name: string) {
  const events = eventsOf(contract, receipt, name);
  expect(events, `${name} events`).toHaveLength(1);
  return events[0]!;
}

export async function increaseTime(provider: JsonRpcProvider, seconds: number | bigint): Promise<void> {
  await provider.send('evm_increaseTime', [Number(seconds)]);
  await provider.send('evm_mine', []);
}

/** Mines one block with exactly this timestamp and returns its number. */
export async function mineAt(provider: JsonRpcProvider, timestamp: number | bigint): Promise<number> {
  await provider.send('evm_mine', [Number(timestamp)]);
  return provider.getBlockNumber();
}

/** The next block (e.g. the next transaction's, with automining) gets exactly this timestamp. */
export async function nextBlockAt(provider: JsonRpcProvider, timestamp: number | bigint): Promise<void> {
  await provider.send('evm_setNextBlockTimestamp', [Number(timestamp)]);
}

export async function mineBlocks(provider: JsonRpcProvider, count: number): Promise<void> {
  await provider.send('anvil_mine', [toBeHex(count)]);
}

export async function snapshot(provider: JsonRpcProvider): Promise<string> {
  return provider.send('evm_snapshot', []);
}

export async function revertTo(provider: JsonRpcProvider, id: string): Promise<void> {
  const ok = await provider.send('evm_revert', [id]);
  if (!ok) throw new Error(`evm_revert ${id} failed`);
}

/**
 * One anvil for a test file: started before the file's own `beforeAll` (register this first), every test's
 * changes reverted through an EVM snapshot taken after that set-up, and at the end the gas table printed
 * (when `gasFile` is given) and anvil stopped. The returned object is filled in once anvil runs.
 */
export function useAnvil(gasFile?: string, options: AnvilOptions = {}): { anvil: Anvil; provider: JsonRpcProvider } {
  const env = {} as { anvil: Anvil; provider: JsonRpcProvider };
  let snap = '';
  beforeAll(async () => {
    env.anvil = await startAnvil(options);
    env.provider = makeProvider(env.anvil.url);
  });
  afterAll(async () => {
    if (gasFile) printGas(gasFile);
    env.provider?.destroy();
    await env.anvil?.stop();
  });
  beforeEach(async () => {
    snap = await snapshot(env.provider);
  });
  afterEach(async () => {
    await revertTo(env.provider, snap);
  });
  return env;
}

export async function blockTimestamp(provider: JsonRpcProvider, blockNumber: number): Promise<number> {
  const block = await provider.getBlock(blockNumber);
  return block!.timestamp;
}

export const label = (s: string): string => keccak256(toUtf8Bytes(s));

/** A chain config with test defaults: 1 h challenge window, 1 ETH bond, L1 calldata DA, 100-block inclusion. */
export function chainConfig(parties: { owner: string; sequencer?: string; proposer: string }, overrides: Partial<ChainConfig> = {}): ChainConfig {
  return {
    owner: parties.owner,
    sequencer: parties.sequencer ?? parties.owner,
    proposer: parties.proposer,
    challengeWindow: 3600,
    minBond: parseEther('1'),
    daKind: 1,
    genesisStateRoot: label('genesis'),
    inclusionWindow: 100,
    ...overrides,
  };
}

export interface BatchHeader {
  chainId: bigint | number;
  batchIndex: bigint | number;
  firstBlock: bigint | number;
  lastBlock: bigint | number;
  prevStateRoot: string;
  newStateRoot: string;
  dataHash: string;
  daCommitment: string;
  withdrawalRoot: string;
  depositCount: bigint | number;
}

export function header(fields: Partial<BatchHeader> & Pick<BatchHeader, 'chainId' | 'prevStateRoot'>): BatchHeader {
  const index = BigInt(fields.batchIndex ?? 0);
  return {
    batchIndex: index,
    firstBlock: 1,
    lastBlock: 10,
    newStateRoot: label(`root-${index}`),
    dataHash: label(`data-${index}`),
    daCommitment: '0x01',
    withdrawalRoot: ZERO_HASH,
    depositCount: 0,
    ...fields,
  };
}

export const headerHash = (h: BatchHeader): string => keccak256(abi.encode([BATCH_HEADER_TUPLE], [h]));

export interface Withdrawal {
  nonce: bigint;
  sender: string;
  to: string;
  l1Token: string;
  amount: bigint;
}

/** A withdrawal as a StandardMerkleTree value of the types WITHDRAWAL_TYPES. */
export type WithdrawalValues = [bigint, string, string, string, bigint];
export const withdrawalValues = (w: Withdrawal): WithdrawalValues => [w.nonce, w.sender, w.to, w.l1Token, w.amount];
export const withdrawalHash = (w: Withdrawal): string => keccak256(abi.encode([WITHDRAWAL_TUPLE], [w]));

/** Everything of interest about gas, printed once per file and collected for the report. */
export const gasUsed: Record<string, bigint> = {};
export function recordGas(what: string, receipt: TransactionReceipt): bigint {
  gasUsed[what] = receipt.gasUsed;
  return receipt.gasUsed;
}
export function printGas(file: string): void {
  const lines = Object.entries(gasUsed).map(([k, v]) => `  ${k}: ${v}`);
  if (lines.length) console.log(`[gas] ${file}\n${lines.join('\n')}`);
}

export { call };

/** The rangers' EIP-712 Attestation (L1Types.sol), exactly the types of the shared specification. */
export const ATTESTATION_TYPES = {
  Attestation: [
    { name: 'chainId', type: 'uint256' },
    { name: 'batchIndex', type: 'uint64' },
    { name: 'prevStateRoot', type: 'bytes32' },
    { name: 'newStateRoot', type: 'bytes32' },
    { name: 'dataHash', type: 'bytes32' },
    { name: 'withdrawalRoot', type: 'bytes32' },
  ],
};
export const ATTESTATION_TUPLE =
  'tuple(uint256 chainId,uint64 batchIndex,bytes32 prevStateRoot,bytes32 newStateRoot,bytes32 dataHash,bytes32 withdrawalRoot)';

export interface Attestation {
  chainId: bigint | number;
  batchIndex: bigint | number;
  prevStateRoot: string;
  newStateRoot: string;
  dataHash: string;
  withdrawalRoot: string;
}

/** The attestation that matches header `h`, with `fields` changed. */
export function attestationOf(h: BatchHeader, fields: Partial<Attestation> = {}): Attestation {
  const { chainId, batchIndex, prevStateRoot, newStateRoot, dataHash, withdrawalRoot } = h;
  return { chainId, batchIndex, prevStateRoot, newStateRoot, dataHash, withdrawalRoot, ...fields };
}

/** The rangers' EIP-712 domain: verifyingContract is the RangerRegistry. */
export async function rangerDomain(provider: JsonRpcProvider, registry: string): Promise<TypedDataDomain> {
  const { chainId } = await provider.getNetwork();
  return { name: 'Metis Rangers', version: '1', chainId, verifyingContract: registry };
}

/** The signatures of `a` by `signers`, ordered by signer address (ascending) as the contracts require. */
export async function signSorted(signers: readonly Wallet[], domain: TypedDataDomain, a: Attestation): Promise<string[]> {
  const sorted = [...signers].sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
  return Promise.all(sorted.map((w) => w.signTypedData(domain, ATTESTATION_TYPES, a)));
}
