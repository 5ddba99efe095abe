import { AbiCoder, Contract, ZeroAddress, getAddress, toUtf8Bytes, type Provider, type Signer, type TransactionReceipt } from 'ethers';
import { MetisError } from '@metis/core';
import { bridgeInterface, erc20Interface, l2BridgeInterface, L2_BRIDGE_ADDRESS, type L1Contracts } from './contracts.js';
import { checkBridge, providerOf } from './deposits.js';
import { SdkError, invalidArgument } from './errors.js';
import { sendTx } from './tx.js';
import { toAddress, toChainId } from './validate.js';

/**
 * L2-native tokens (a DAC's token, any ERC-20 created on L2): registered once from L1 (`registerL2Token`), which
 * creates their L1 mirror token; withdrawn with `withdrawERC20` (the L2Bridge escrows them, the mirror is minted
 * on L1 at finalization) and deposited back with `depositERC20` of the mirror (burned on L1, released on L2).
 */

/** Longest name or symbol, in UTF-8 bytes, the L1 Bridge registers (`Bridge.MAX_METADATA_LENGTH`). */
export const MAX_NATIVE_METADATA_LENGTH = 128;

/** Why the L2Bridge refuses a registration (`L2Bridge.RegistrationCheck`, index = the contract's value). */
export const REGISTRATION_CHECKS = ['ok', 'notAContract', 'bridgedToken', 'alreadyRegistered', 'mirrorInUse', 'malformedMetadata', 'metadataMismatch'] as const;
export type RegistrationCheck = (typeof REGISTRATION_CHECKS)[number];

const REFUSALS: Record<Exclude<RegistrationCheck, 'ok'>, string> = {
  notAContract: 'there is no contract at that address on the L2',
  bridgedToken: 'it is a bridged token (the L2 representation of an L1 token): withdraw it as such',
  alreadyRegistered: 'it is registered already',
  mirrorInUse: 'its mirror address is already used on the L2',
  malformedMetadata: 'the metadata are malformed',
  metadataMismatch: 'its name(), symbol() or decimals() do not return exactly the registered values',
};

export interface RegisterL2TokenInput {
  /** The L2 chain of the token. */
  readonly chainId: bigint | number;
  /** The L2-native ERC-20 to make bridgeable. */
  readonly l2Token: string;
  /** The L2 (its metadata are read there, and the L2Bridge's checks run there first). */
  readonly l2Provider: Provider;
  /** The L1 deployment (only `bridge` is used). */
  readonly deployment: Pick<L1Contracts, 'bridge'>;
}

export interface RegisterL2TokenResult {
  /** The L1 mirror token (an L1MirrorToken the Bridge alone mints and burns). */
  readonly mirror: string;
  /** The registration's index in the chain's deposit queue: `waitForDeposit` tells when the L2 applied it. */
  readonly depositIndex: bigint;
  /** The L1 transaction. */
  readonly txHash: string;
  readonly l1Block: number;
  /** The metadata registered (read from the L2 token). */
  readonly name: string;
  readonly symbol: string;
  readonly decimals: number;
}

/**
 * Registers L2-native token `l2Token` of chain `chainId` on the L1 Bridge: reads its name, symbol and decimals on
 * the L2, checks that the L2Bridge would accept them (`checkNativeRegistration`), then
 * `Bridge.registerL2Token(chainId, l2Token, name, symbol, decimals)`, which creates the mirror and queues the
 * registration. The token is bridgeable once the L2 has applied it (`waitForDeposit({ index: depositIndex })`
 * says `credited`; `mirrorTokenFor` then returns the mirror).
 * @throws SdkError INVALID_ARGUMENT (addresses, chain id, an L2 provider of another chain, metadata the token
 *         does not return as plain ERC-20 values or longer than 128 bytes, a token the L2Bridge refuses, a
 *         registration already made on L1), NOT_FOUND (no contract at `l2Token` on the L2, an L2Bridge without
 *         native tokens); MetisError L1_CONTRACTS_MISSING, L1_TX_FAILED
 */
export async function registerL2Token(l1Signer: Signer, input: RegisterL2TokenInput): Promise<RegisterL2TokenResult> {
  const chainId = toChainId(input.chainId);
  const l2Token = toAddress(input.l2Token, 'l2Token');
  const bridgeAddress = toAddress(input.deployment?.bridge, 'deployment.bridge');
  const l1Provider = providerOf(l1Signer, 'l1Signer');
  const l2Provider = input.l2Provider;
  const l2ChainId = (await l2Provider.getNetwork()).chainId;
  if (l2ChainId !== chainId) throw invalidArgument(`l2Provider is connected to chain ${l2ChainId}, not to chain ${chainId}`);
  await checkBridge(l1Provider, bridgeAddress);

  const { name, symbol, decimals } = await strictMetadata(l2Provider, l2Token);
  const bridge = new Contract(bridgeAddress, bridgeInterface(), l1Provider);
  const mirror = (await bridge.getFunction('mirrorAddress')(chainId, l2Token, name, symbol, decimals)) as string;
  const [registeredChain] = (await bridge.getFunction('mirrorInfo')(mirror)) as [bigint, string];
  if (registeredChain !== 0n) {
    throw invalidArgument(`${l2Token} of chain ${chainId} is already registered on L1 with these metadata (mirror ${mirror}); see mirrorTokenFor on the L2`);
  }
  const check = await registrationCheck(l2Provider, l2Token, mirror, encodeTokenMeta(name, symbol, decimals));
  if (check !== 'ok') {
    const message = `the L2Bridge would refuse to register ${l2Token}: ${REFUSALS[check]}`;
    throw check === 'notAContract' ? new SdkError('NOT_FOUND', message) : invalidArgument(message);
  }

  const receipt = await sendTx({
    layer: 'L1',
    action: 'Bridge.registerL2Token',
    iface: bridgeInterface(),
    signer: l1Signer,
    to: bridgeAddress,
    data: bridgeInterface().encodeFunctionData('registerL2Token', [chainId, l2Token, name, symbol, decimals]),
  });
  const registered = registeredEvent(receipt, bridgeAddress);
  return { mirror: registered.mirror, depositIndex: registered.depositIndex, txHash: receipt.hash, l1Block: receipt.blockNumber, name, symbol, decimals };
}

/**
 * The L1 mirror of native token `l2Token` of chain `chainId` as the L1 Bridge knows it (`Bridge.mirrorOf`): the
 * mirror a finalized withdrawal confirmed, else the latest registered (a registration the L2 may still refuse:
 * `mirrorTokenFor` on the L2 is authoritative), or undefined when it was never registered.
 * @throws SdkError INVALID_ARGUMENT
 */
export async function mirrorOf(l1Provider: Provider, deployment: Pick<L1Contracts, 'bridge'>, chainId: bigint | number, l2Token: string): Promise<string | undefined> {
  const bridge = new Contract(toAddress(deployment?.bridge, 'deployment.bridge'), bridgeInterface(), l1Provider);
  const mirror = (await bridge.getFunction('mirrorOf')(toChainId(chainId), toAddress(l2Token, 'l2Token'))) as string;
  return mirror === ZeroAddress ? undefined : mirror;
}

/**
 * The native L2 token of L1 mirror `mirror` (`L2Bridge.nativeOf`), or undefined when the L2 has not registered it.
 * @throws SdkError INVALID_ARGUMENT
 */
export async function nativeTokenFor(l2Provider: Provider, mirror: string): Promise<string | undefined> {
  const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, l2BridgeInterface(), l2Provider);
  const token = (await l2Bridge.getFunction('nativeOf')(toAddress(mirror, 'mirror'))) as string;
  return token === ZeroAddress ? undefined : token;
}

/**
 * The L1 mirror of L2-native token `l2Token` (`L2Bridge.mirrorOf`), or undefined when it is not registered
 * (not bridgeable yet).
 * @throws SdkError INVALID_ARGUMENT
 */
export async function mirrorTokenFor(l2Provider: Provider, l2Token: string): Promise<string | undefined> {
  const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, l2BridgeInterface(), l2Provider);
  const mirror = (await l2Bridge.getFunction('mirrorOf')(toAddress(l2Token, 'l2Token'))) as string;
  return mirror === ZeroAddress ? undefined : mirror;
}

/**
 * How much of native token `l2Token` the L2Bridge holds in escrow for its mirror (`L2Bridge.escrowedOf`): the
 * mirror's total supply on L1 plus what is in flight either way.
 * @throws SdkError INVALID_ARGUMENT
 */
export async function escrowedOf(l2Provider: Provider, l2Token: string): Promise<bigint> {
  const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, l2BridgeInterface(), l2Provider);
  return (await l2Bridge.getFunction('escrowedOf')(toAddress(l2Token, 'l2Token'))) as bigint;
}

export interface ClaimFailedNativeDepositsInput {
  /** The recipient of the deposits that could not be released; signs on L2. */
  readonly l2Signer: Signer;
  /** The native token. */
  readonly l2Token: string;
  /** Where the tokens go; the signer's own address by default. */
  readonly recipient?: string;
}

/**
 * Claims the native tokens `l2Token` of deposits the L2Bridge could not release to the signer
 * (`L2Bridge.claimFailedNativeDeposits`; `waitForDeposit` says `failed` with kind `native`).
 * @returns the L2 transaction and the amount claimed
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (nothing to claim), TX_FAILED
 */
export async function claimFailedNativeDeposits(input: ClaimFailedNativeDepositsInput): Promise<{ txHash: string; amount: bigint }> {
  const l2Token = toAddress(input.l2Token, 'l2Token');
  const provider = providerOf(input.l2Signer, 'l2Signer');
  const account = await input.l2Signer.getAddress();
  const recipient = input.recipient === undefined ? account : toAddress(input.recipient, 'recipient');
  const iface = l2BridgeInterface();
  const amount = (await new Contract(L2_BRIDGE_ADDRESS, iface, provider).getFunction('failedNativeDeposits')(account, l2Token)) as bigint;
  if (amount === 0n) throw new SdkError('NOT_FOUND', `${account} has no failed deposits of ${l2Token} to claim`);
  const receipt = await sendTx({
    layer: 'L2',
    action: 'L2Bridge.claimFailedNativeDeposits',
    iface,
    signer: input.l2Signer,
    to: L2_BRIDGE_ADDRESS,
    data: iface.encodeFunctionData('claimFailedNativeDeposits', [l2Token, recipient]),
  });
  return { txHash: receipt.hash, amount };
}

export interface RetryRegistrationInput {
  /** Signs on L2 (anyone may retry). */
  readonly l2Signer: Signer;
  /** The refused registration's deposit index (`RegisterL2TokenResult.depositIndex`). */
  readonly index: bigint | number;
  /** Its mirror and native token. */
  readonly mirror: string;
  readonly l2Token: string;
  /** The metadata it was registered with on L1. */
  readonly name: string;
  readonly symbol: string;
  readonly decimals: number;
}

/**
 * Applies a registration the L2Bridge refused once the reason is gone (e.g. it arrived before the token was
 * deployed on L2): `L2Bridge.retryNativeRegistration`. Checks first that it would pass now.
 * @returns the L2 transaction
 * @throws SdkError INVALID_ARGUMENT (also: the L2Bridge still refuses it, with the reason), TX_FAILED (e.g.
 *         `NoFailedRegistration` when these are not the data of a refused registration)
 */
export async function retryL2TokenRegistration(input: RetryRegistrationInput): Promise<{ txHash: string }> {
  const provider = providerOf(input.l2Signer, 'l2Signer');
  const mirror = toAddress(input.mirror, 'mirror');
  const l2Token = toAddress(input.l2Token, 'l2Token');
  const index = BigInt(input.index);
  if (index < 0n) throw invalidArgument(`index must be a non-negative integer, got ${index}`);
  const tokenMeta = encodeTokenMeta(input.name, input.symbol, input.decimals);
  const check = await registrationCheck(provider, l2Token, mirror, tokenMeta);
  if (check !== 'ok') throw invalidArgument(`the L2Bridge still refuses to register ${l2Token}: ${REFUSALS[check]}`);
  const iface = l2BridgeInterface();
  const receipt = await sendTx({
    layer: 'L2',
    action: 'L2Bridge.retryNativeRegistration',
    iface,
    signer: input.l2Signer,
    to: L2_BRIDGE_ADDRESS,
    data: iface.encodeFunctionData('retryNativeRegistration', [index, mirror, l2Token, tokenMeta]),
  });
  return { txHash: receipt.hash };
}

/** abi.encode(string name, string symbol, uint8 decimals): a registration's tokenMeta. */
export function encodeTokenMeta(name: string, symbol: string, decimals: number): string {
  return AbiCoder.defaultAbiCoder().encode(['string', 'string', 'uint8'], [name, symbol, decimals]);
}

/**
 * Whether the L2Bridge would accept registering `l2Token` with `mirror` and `tokenMeta` now
 * (`L2Bridge.checkNativeRegistration`).
 * @throws SdkError NOT_FOUND when the L2Bridge does not support native tokens
 */
export async function registrationCheck(l2Provider: Provider, l2Token: string, mirror: string, tokenMeta: string): Promise<RegistrationCheck> {
  const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, l2BridgeInterface(), l2Provider);
  let code: bigint;
  try {
    code = (await l2Bridge.getFunction('checkNativeRegistration')(l2Token, mirror, tokenMeta)) as bigint;
  } catch (e) {
    throw new SdkError('NOT_FOUND', `the L2Bridge at ${L2_BRIDGE_ADDRESS} does not answer checkNativeRegistration: this L2 does not support L2-native tokens`, { cause: e });
  }
  const name = REGISTRATION_CHECKS[Number(code)];
  if (!name) throw new SdkError('NOT_FOUND', `the L2Bridge answered an unknown registration check ${code}`);
  return name;
}

/** The metadata as the L2Bridge compares them: each call must succeed and return a plain ABI value. */
async function strictMetadata(provider: Provider, token: string): Promise<{ name: string; symbol: string; decimals: number }> {
  if ((await provider.getCode(token)) === '0x') throw new SdkError('NOT_FOUND', `no token contract at ${token} on the L2`);
  const contract = new Contract(token, erc20Interface(), provider);
  const read = async <T>(fn: 'name' | 'symbol' | 'decimals'): Promise<T> => {
    try {
      return (await contract.getFunction(fn)()) as T;
    } catch (e) {
      throw invalidArgument(`${token} cannot be registered: its ${fn}() failed or did not return a plain ERC-20 value (${(e as Error).message.split('\n')[0]})`);
    }
  };
  const [name, symbol, decimals] = await Promise.all([read<string>('name'), read<string>('symbol'), read<bigint>('decimals')]);
  for (const [field, value] of [
    ['name', name],
    ['symbol', symbol],
  ] as const) {
    const length = toUtf8Bytes(value).length;
    if (length > MAX_NATIVE_METADATA_LENGTH) throw invalidArgument(`${token} cannot be registered: its ${field} is ${length} bytes long, the Bridge takes at most ${MAX_NATIVE_METADATA_LENGTH}`);
  }
  return { name, symbol, decimals: Number(decimals) };
}

function registeredEvent(receipt: TransactionReceipt, bridge: string): { mirror: string; depositIndex: bigint } {
  const iface = bridgeInterface();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== bridge.toLowerCase()) continue;
    const parsed = iface.parseLog(log);
    if (parsed?.name !== 'L2TokenRegistered') continue;
    return { mirror: getAddress(parsed.args.getValue('mirror') as string), depositIndex: parsed.args.getValue('depositIndex') as bigint };
  }
  throw new MetisError('L1_TX_FAILED', { action: 'registerL2Token', reason: `transaction ${receipt.hash} emitted no L2TokenRegistered event of the Bridge ${bridge}` });
}
