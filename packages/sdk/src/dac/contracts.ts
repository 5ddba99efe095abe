import { Contract, Interface, type ContractRunner, type ErrorFragment, type InterfaceAbi, type Provider } from 'ethers';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { SdkError } from '../errors.js';

/** The fixed L2 addresses of the DAC predeploys (placed by the `dac()` plugin; the factory by `token()`). */
export const DAC_ADDRESSES = Object.freeze({
  registry: PREDEPLOYS.DAC_REGISTRY,
  reputation: PREDEPLOYS.DAC_REPUTATION,
  attributes: PREDEPLOYS.DAC_ATTRIBUTES,
  commitments: PREDEPLOYS.DAC_COMMITMENTS,
  proposals: PREDEPLOYS.DAC_PROPOSALS,
  treasury: PREDEPLOYS.DAC_TREASURY,
  tokenFactory: PREDEPLOYS.DAC_TOKEN_FACTORY,
});

export type DacContractKey = keyof typeof DAC_ADDRESSES;

/** The artifact behind each DAC contract. */
const ARTIFACTS: Record<DacContractKey, string> = {
  registry: 'DacRegistry',
  reputation: 'DacReputation',
  attributes: 'DacAttributes',
  commitments: 'DacCommitments',
  proposals: 'DacProposals',
  treasury: 'DacTreasury',
  tokenFactory: 'DacTokenFactory',
};

/** Every contract whose custom errors a DAC transaction may surface (the callees of the predeploys included). */
const ERROR_SOURCES = [...Object.values(ARTIFACTS), 'DacToken', 'MetisTestToken'];

/** OpenZeppelin errors of the contracts the factory deploys, absent from the artifacts above. */
const EXTRA_ERRORS = [
  'error OwnableInvalidOwner(address owner)',
  'error ERC20ExceededCap(uint256 increasedSupply, uint256 cap)',
  'error ERC20InvalidCap(uint256 cap)',
  'error ERC5805FutureLookup(uint256 timepoint, uint48 clock)',
  'error ERC20ExceededSafeSupply(uint256 increasedSupply, uint256 cap)',
  'error SafeERC20FailedOperation(address token)',
  'error ReentrancyGuardReentrantCall()',
  'error FailedCall()',
];

/** An OpenZeppelin VestingWallet, as the token factory creates them (no artifact: only what the sdk reads). */
const VESTING_WALLET_ABI = [
  'function owner() view returns (address)',
  'function start() view returns (uint256)',
  'function duration() view returns (uint256)',
  'function end() view returns (uint256)',
  'function released(address token) view returns (uint256)',
  'function releasable(address token) view returns (uint256)',
  'function release(address token)',
  'event ERC20Released(address indexed token, uint256 amount)',
];

const cache = new Map<string, Interface>();
function cached(key: string, build: () => InterfaceAbi): Interface {
  let iface = cache.get(key);
  if (!iface) cache.set(key, (iface = new Interface(build())));
  return iface;
}

/** The error fragments of an ABI, keyed by signature (`NotMember(uint256,address)`). */
function errorsBySignature(abi: InterfaceAbi): Map<string, ErrorFragment> {
  const out = new Map<string, ErrorFragment>();
  for (const f of new Interface(abi).fragments) if (f.type === 'error') out.set((f as ErrorFragment).format('sighash'), f as ErrorFragment);
  return out;
}

/** Every custom error of the DAC contracts, the DAC token and the OpenZeppelin pieces they use. */
function allErrors(): Map<string, ErrorFragment> {
  const all = new Map<string, ErrorFragment>();
  for (const name of ERROR_SOURCES) for (const [k, f] of errorsBySignature(loadArtifact(name).abi as InterfaceAbi)) all.set(k, f);
  for (const [k, f] of errorsBySignature(EXTRA_ERRORS)) all.set(k, f);
  return all;
}

/** `abi` plus every DAC error it lacks. */
function withAllErrors(abi: InterfaceAbi): InterfaceAbi {
  const own = errorsBySignature(abi);
  const extra = [...allErrors()].filter(([k]) => !own.has(k)).map(([, f]) => f);
  return [...(abi as readonly unknown[]), ...extra] as InterfaceAbi;
}

/**
 * The ABI of DAC contract `key`, with every DAC error added (a call may revert in a contract it calls: a
 * proposal's execution in the registry, the factory or the token).
 */
export function dacInterface(key: DacContractKey): Interface {
  return cached(key, () => withAllErrors(loadArtifact(ARTIFACTS[key]).abi as InterfaceAbi));
}

/** A DAC token (DacToken: ERC-20 with votes and permit, capped), with every DAC error. */
export const dacTokenInterface = (): Interface => cached('DacToken', () => withAllErrors(loadArtifact('DacToken').abi as InterfaceAbi));

/** The parts of an OpenZeppelin VestingWallet the sdk reads. */
export const vestingWalletInterface = (): Interface => cached('VestingWallet', () => VESTING_WALLET_ABI);

/** The DAC predeploys as ethers Contracts (call with `getFunction(name)`; every revert decodes with their ABI). */
export interface DacContracts {
  readonly registry: Contract;
  readonly reputation: Contract;
  readonly attributes: Contract;
  readonly commitments: Contract;
  readonly proposals: Contract;
  readonly treasury: Contract;
  readonly tokenFactory: Contract;
}

/**
 * The DAC predeploys at their fixed addresses, connected to `runner` (a Provider to read, a Signer to write).
 * Nothing is checked: see {@link assertDacPredeploys} for a chain built without the `dac()` plugin.
 */
export function dacContracts(runner: ContractRunner): DacContracts {
  const make = (key: DacContractKey): Contract => new Contract(DAC_ADDRESSES[key], dacInterface(key), runner);
  return {
    registry: make('registry'),
    reputation: make('reputation'),
    attributes: make('attributes'),
    commitments: make('commitments'),
    proposals: make('proposals'),
    treasury: make('treasury'),
    tokenFactory: make('tokenFactory'),
  };
}

/** Why an address of a DAC predeploy may have no code: the plugin that places it. */
export function missingPredeployMessage(address: string): string | undefined {
  const a = address.toLowerCase();
  if (a === DAC_ADDRESSES.tokenFactory.toLowerCase()) {
    return `no DAC token factory predeploy at ${DAC_ADDRESSES.tokenFactory}: this chain was built without the token() plugin (DAC tokens are not available)`;
  }
  const key = (Object.keys(DAC_ADDRESSES) as DacContractKey[]).find((k) => DAC_ADDRESSES[k].toLowerCase() === a);
  if (key) return `no DAC predeploy (${ARTIFACTS[key]}) at ${DAC_ADDRESSES[key]}: this chain was built without the dac() plugin`;
  return undefined;
}

async function assertCode(provider: Provider, address: string): Promise<void> {
  let code: string;
  try {
    code = await provider.getCode(address);
  } catch (e) {
    throw new SdkError('UNREACHABLE', `cannot read the code at ${address}: ${(e as Error).message}`, { cause: e });
  }
  if (code === '0x') throw new SdkError('NOT_FOUND', missingPredeployMessage(address) ?? `no contract at ${address}`);
}

/**
 * Checks that the chain has the DAC predeploys (code at DAC_REGISTRY).
 * @throws SdkError NOT_FOUND "... built without the dac() plugin", UNREACHABLE when the node does not answer
 */
export async function assertDacPredeploys(provider: Provider): Promise<void> {
  await assertCode(provider, DAC_ADDRESSES.registry);
}

/**
 * Checks that the chain has the DAC token factory predeploy (code at DAC_TOKEN_FACTORY).
 * @throws SdkError NOT_FOUND "... built without the token() plugin", UNREACHABLE
 */
export async function assertDacTokenFactory(provider: Provider): Promise<void> {
  await assertCode(provider, DAC_ADDRESSES.tokenFactory);
}

/** Whether the chain has the DAC token factory predeploy (DAC tokens are optional). */
export async function hasDacTokenFactory(provider: Provider): Promise<boolean> {
  return (await provider.getCode(DAC_ADDRESSES.tokenFactory)) !== '0x';
}
