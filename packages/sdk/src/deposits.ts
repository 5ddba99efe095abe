import { Contract, ZeroAddress, zeroPadValue, toBeHex, type Provider, type Signer, type TransactionReceipt } from 'ethers';
import { MetisError } from '@metis/core';
import { bridgeInterface, erc20Interface, l2BridgeInterface, L2_BRIDGE_ADDRESS, type L1Contracts } from './contracts.js';
import { SdkError, invalidArgument } from './errors.js';
import { findLastLog, DEFAULT_MAX_LOG_RANGE } from './logs.js';
import { sendTx } from './tx.js';
import { toAddress, toAmount, toChainId } from './validate.js';

/** The result of a deposit on L1: the deposit is queued; the L2 credits it once it is confirmed on L1. */
export interface DepositResult {
  /** The L1 transaction that queued the deposit. */
  readonly l1TxHash: string;
  readonly l1Block: number;
  /** The deposit's index in the chain's queue (`Bridge.DepositQueued`): wait for it with `waitForDeposit`. */
  readonly index: bigint;
  readonly from: string;
  /** The L2 recipient. */
  readonly to: string;
  /** The zero address for ETH. */
  readonly l1Token: string;
  /** Base units queued: for a token, what the Bridge actually received (fee-on-transfer tokens). */
  readonly amount: bigint;
  /** The approval sent first, when the Bridge's allowance was too low (ERC-20 only; never for a mirror). */
  readonly approveTxHash?: string;
  /**
   * When `l1Token` is the L1 mirror of a native token of this chain: that L2 token. The mirror was burned (no
   * approval needed) and the L2Bridge releases the escrowed native token.
   */
  readonly nativeL2Token?: string;
}

export interface DepositETHInput {
  /** Signs and pays on L1; must be connected to the L1 provider. */
  readonly l1Signer: Signer;
  /** The L1 deployment (only `bridge` is used). */
  readonly contracts: Pick<L1Contracts, 'bridge'>;
  /** The L2 chain to deposit into. */
  readonly chainId: bigint | number;
  /** The L2 recipient; the signer's own address by default. */
  readonly to?: string;
  /** Wei (`parseAmount('1.5')`). */
  readonly amount: bigint;
}

export interface DepositERC20Input extends DepositETHInput {
  /**
   * The L1 ERC-20 to deposit; its L2 token is created on its first deposit (see `l2TokenFor`). The L1 mirror
   * of an L2-native token of `chainId` (`mirrorOf`) gives back the native token on L2.
   */
  readonly l1Token: string;
  /** Base units of the token (`parseAmount('100', decimals)`). */
  readonly amount: bigint;
}

/** @internal The provider of `signer`. */
export function providerOf(signer: Signer, what: string): Provider {
  if (!signer.provider) throw invalidArgument(`${what} must be connected to a provider (new Wallet(key, provider))`);
  return signer.provider;
}

/** @internal Throws L1_CONTRACTS_MISSING unless `bridge` holds code. */
export async function checkBridge(provider: Provider, bridge: string): Promise<void> {
  if ((await provider.getCode(bridge)) === '0x') {
    throw new MetisError('L1_CONTRACTS_MISSING', { address: bridge, reason: 'no Bridge contract code there: is this the L1 of that deployment?' });
  }
}

/** The DepositQueued event of `bridge` in a receipt. */
function queuedDeposit(receipt: TransactionReceipt, bridge: string): { index: bigint; from: string; to: string; l1Token: string; amount: bigint } {
  const iface = bridgeInterface();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== bridge.toLowerCase()) continue;
    const parsed = iface.parseLog(log);
    if (parsed?.name !== 'DepositQueued') continue;
    const d = parsed.args.getValue('deposit') as { index: bigint; from: string; to: string; l1Token: string; amount: bigint };
    return { index: d.index, from: d.from, to: d.to, l1Token: d.l1Token, amount: d.amount };
  }
  throw new MetisError('L1_TX_FAILED', { action: 'deposit', reason: `transaction ${receipt.hash} emitted no DepositQueued event of the Bridge ${bridge}` });
}

/**
 * Deposits ETH into L2 chain `chainId`: `Bridge.depositETH(chainId, to)` with `amount` wei.
 * @returns the L1 transaction and the deposit's queue index (from the DepositQueued event)
 * @throws SdkError INVALID_ARGUMENT (addresses, amount, chain id, a signer without provider);
 *         MetisError L1_CONTRACTS_MISSING (no Bridge at `contracts.bridge`), L1_TX_FAILED (refused or
 *         reverted, with the reason decoded: `UnknownChain(…)` for a chain not registered, insufficient funds)
 */
export async function depositETH(input: DepositETHInput): Promise<DepositResult> {
  const chainId = toChainId(input.chainId);
  const amount = toAmount(input.amount);
  const bridge = toAddress(input.contracts?.bridge, 'contracts.bridge');
  const provider = providerOf(input.l1Signer, 'l1Signer');
  const to = input.to === undefined ? await input.l1Signer.getAddress() : toAddress(input.to, 'to');
  await checkBridge(provider, bridge);
  const receipt = await sendTx({
    layer: 'L1',
    action: 'Bridge.depositETH',
    iface: bridgeInterface(),
    signer: input.l1Signer,
    to: bridge,
    data: bridgeInterface().encodeFunctionData('depositETH', [chainId, to]),
    value: amount,
  });
  return { l1TxHash: receipt.hash, l1Block: receipt.blockNumber, ...queuedDeposit(receipt, bridge) };
}

/**
 * Deposits `amount` of ERC-20 `l1Token` into L2 chain `chainId`: approves the Bridge for `amount` first when
 * its allowance is lower, then `Bridge.depositERC20(chainId, l1Token, to, amount)`. For the L1 mirror of an
 * L2-native token of `chainId` no approval is sent: the Bridge burns it, and the L2 releases the native token.
 * @returns the L1 transaction, the deposit's queue index and the amount the Bridge received
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (no contract at `l1Token`), INSUFFICIENT_FUNDS (the signer
 *         holds less than `amount`); MetisError L1_CONTRACTS_MISSING, L1_TX_FAILED (approval or deposit)
 */
export async function depositERC20(input: DepositERC20Input): Promise<DepositResult> {
  const chainId = toChainId(input.chainId);
  const amount = toAmount(input.amount);
  const bridge = toAddress(input.contracts?.bridge, 'contracts.bridge');
  const l1Token = toAddress(input.l1Token, 'l1Token');
  const provider = providerOf(input.l1Signer, 'l1Signer');
  const from = await input.l1Signer.getAddress();
  const to = input.to === undefined ? from : toAddress(input.to, 'to');
  await checkBridge(provider, bridge);
  if ((await provider.getCode(l1Token)) === '0x') throw new SdkError('NOT_FOUND', `no token contract at ${l1Token} on the L1`);

  const token = new Contract(l1Token, erc20Interface(), provider);
  const balance = (await token.getFunction('balanceOf')(from)) as bigint;
  if (balance < amount) throw new SdkError('INSUFFICIENT_FUNDS', `${from} holds ${balance} base units of ${l1Token}, the deposit needs ${amount}`);
  let approveTxHash: string | undefined;
  const nativeL2Token = await nativeOfMirror(provider, bridge, l1Token, chainId);
  const allowance = nativeL2Token ? amount : ((await token.getFunction('allowance')(from, bridge)) as bigint);
  if (allowance < amount) {
    const approved = await sendTx({
      layer: 'L1',
      action: 'ERC20.approve',
      iface: erc20Interface(),
      signer: input.l1Signer,
      to: l1Token,
      data: erc20Interface().encodeFunctionData('approve', [bridge, amount]),
    });
    approveTxHash = approved.hash;
  }
  const receipt = await sendTx({
    layer: 'L1',
    action: 'Bridge.depositERC20',
    iface: bridgeInterface(),
    signer: input.l1Signer,
    to: bridge,
    data: bridgeInterface().encodeFunctionData('depositERC20', [chainId, l1Token, to, amount]),
  });
  return {
    l1TxHash: receipt.hash,
    l1Block: receipt.blockNumber,
    ...queuedDeposit(receipt, bridge),
    ...(approveTxHash ? { approveTxHash } : {}),
    ...(nativeL2Token ? { nativeL2Token } : {}),
  };
}

/** The native L2 token `l1Token` mirrors when it is a mirror of chain `chainId` (`Bridge.mirrorInfo`). */
async function nativeOfMirror(provider: Provider, bridge: string, l1Token: string, chainId: bigint): Promise<string | undefined> {
  const [mirrorChain, l2Token] = (await new Contract(bridge, bridgeInterface(), provider).getFunction('mirrorInfo')(l1Token)) as [bigint, string];
  return mirrorChain === chainId && l2Token !== ZeroAddress ? l2Token : undefined;
}

/**
 * What a deposit moved: `eth`; `erc20`, an L1 token (minted as its bridged L2 token); `native`, the L1 mirror of
 * an L2-native token (the escrowed native token released); `registration`, the registration of an L2-native
 * token (`registerL2Token`: amount 0, `to` is the native token, `l1Token` its mirror).
 */
export type DepositKind = 'eth' | 'erc20' | 'native' | 'registration';

/** A deposit as the L2 applied it. */
export interface AppliedDeposit {
  readonly index: bigint;
  /**
   * `credited`: the recipient got the ETH or tokens (a registration: the native token is bridgeable now).
   * `failed`: the L2Bridge consumed the deposit without crediting it (ETH the recipient refused is claimable
   * with `L2Bridge.claimFailedDeposits`, a native token it could not release with
   * `L2Bridge.claimFailedNativeDeposits`; a token that could not be created stays locked on L1; a refused
   * registration can be retried with `L2Bridge.retryNativeRegistration`). `unknown`: applied, but its event
   * was not found.
   */
  readonly status: 'credited' | 'failed' | 'unknown';
  /** What the deposit moved (absent when `unknown`). */
  readonly kind?: DepositKind;
  /** The deposit's L1 token: zero for ETH, the mirror for `native` and `registration`. */
  readonly l1Token?: string;
  /** The L2 block that applied it. */
  readonly l2Block?: number;
  /** The hash standing for the deposit in that block's logs: keccak256(abi.encode(chainId, index)). */
  readonly l2TxHash?: string;
  readonly to?: string;
  /** The L2 token minted or released (ERC-20 and native deposits that were credited; the registered token). */
  readonly l2Token?: string;
  readonly amount?: bigint;
}

export interface WaitForDepositInput {
  readonly l2Provider: Provider;
  /** The deposit's queue index (`DepositResult.index`). */
  readonly index: bigint | number;
  /** Give up after this long (default 120 s). */
  readonly timeoutMs?: number;
  /** Milliseconds between polls (default 500). */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Most L2 blocks per eth_getLogs request (default 10,000). */
  readonly maxLogRange?: number;
}

/**
 * Waits until the L2 has applied deposit `index` (`L2Bridge.nextDepositIndex() > index`), then reads how:
 * its DepositFinalized or DepositFailed event (also for native tokens and their registration, see `kind`).
 * @throws SdkError TIMEOUT after `timeoutMs`, INVALID_ARGUMENT; an AbortError when `signal` aborts
 */
export async function waitForDeposit(input: WaitForDepositInput): Promise<AppliedDeposit> {
  const index = typeof input.index === 'number' ? BigInt(input.index) : input.index;
  if (typeof index !== 'bigint' || index < 0n) throw invalidArgument(`index must be a non-negative integer, got ${String(input.index)}`);
  const timeoutMs = input.timeoutMs ?? 120_000;
  const pollMs = input.pollMs ?? 500;
  const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, l2BridgeInterface(), input.l2Provider);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    input.signal?.throwIfAborted();
    const head = await input.l2Provider.getBlockNumber();
    const next = (await l2Bridge.getFunction('nextDepositIndex')({ blockTag: head })) as bigint;
    if (next > index) return appliedDeposit(input.l2Provider, index, head, input.maxLogRange);
    if (Date.now() >= deadline) {
      throw new SdkError('TIMEOUT', `deposit ${index} was not applied on L2 within ${Math.round(timeoutMs / 1000)} s (the L2 has applied ${next} deposit${next === 1n ? '' : 's'})`);
    }
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
  }
}

async function appliedDeposit(provider: Provider, index: bigint, head: number, maxLogRange = DEFAULT_MAX_LOG_RANGE): Promise<AppliedDeposit> {
  const iface = l2BridgeInterface();
  const topics = [[iface.getEvent('DepositFinalized')!.topicHash, iface.getEvent('DepositFailed')!.topicHash], zeroPadValue(toBeHex(index), 32)];
  const log = await findLastLog(provider, { address: L2_BRIDGE_ADDRESS, topics }, head, 0, maxLogRange);
  if (!log) return { index, status: 'unknown' };
  const parsed = iface.parseLog(log)!;
  const credited = parsed.name === 'DepositFinalized';
  const l2Token = credited ? (parsed.args.getValue('l2Token') as string) : ZeroAddress;
  const l1Token = parsed.args.getValue('l1Token') as string;
  const amount = parsed.args.getValue('amount') as bigint;
  let kind: DepositKind = 'erc20';
  if (l1Token === ZeroAddress) kind = 'eth';
  else if (amount === 0n) kind = 'registration';
  else {
    // A mirror is registered before any deposit of it (its supply comes from withdrawals of escrowed tokens),
    // and a registration is never undone: the latest state answers for any earlier block.
    const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, iface, provider);
    const native = (await l2Bridge.getFunction('nativeOf')(l1Token)) as string;
    if (native !== ZeroAddress) kind = 'native';
  }
  return {
    index,
    status: credited ? 'credited' : 'failed',
    kind,
    l1Token,
    l2Block: log.blockNumber,
    l2TxHash: log.transactionHash,
    to: parsed.args.getValue('to') as string,
    amount,
    ...(l2Token !== ZeroAddress ? { l2Token } : {}),
  };
}

/**
 * The L2 token of L1 token `l1Token` (`L2Bridge.l2TokenFor`), or undefined before its first deposit was
 * credited.
 * @throws SdkError INVALID_ARGUMENT
 */
export async function l2TokenFor(input: { l2Provider: Provider; l1Token: string }): Promise<string | undefined> {
  const l1Token = toAddress(input.l1Token, 'l1Token');
  const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, l2BridgeInterface(), input.l2Provider);
  const token = (await l2Bridge.getFunction('l2TokenFor')(l1Token)) as string;
  return token === ZeroAddress ? undefined : token;
}

/**
 * The L1 token of bridged L2 token `l2Token` (`L2Bridge.l1TokenFor`), or undefined when the bridge did not
 * create it.
 * @throws SdkError INVALID_ARGUMENT
 */
export async function l1TokenFor(input: { l2Provider: Provider; l2Token: string }): Promise<string | undefined> {
  const l2Token = toAddress(input.l2Token, 'l2Token');
  const l2Bridge = new Contract(L2_BRIDGE_ADDRESS, l2BridgeInterface(), input.l2Provider);
  const token = (await l2Bridge.getFunction('l1TokenFor')(l2Token)) as string;
  return token === ZeroAddress ? undefined : token;
}

/** An ERC-20's metadata. */
export interface TokenMetadata {
  readonly name: string;
  readonly symbol: string;
  readonly decimals: number;
}

/**
 * The name, symbol and decimals of ERC-20 `token` (optional in ERC-20: "", "", 18 when a call fails).
 * @throws SdkError NOT_FOUND when there is no contract at `token`
 */
export async function tokenMetadata(input: { provider: Provider; token: string }): Promise<TokenMetadata> {
  const address = toAddress(input.token, 'token');
  if ((await input.provider.getCode(address)) === '0x') throw new SdkError('NOT_FOUND', `no token contract at ${address}`);
  const token = new Contract(address, erc20Interface(), input.provider);
  const read = async <T>(fn: string, fallback: T): Promise<T> => {
    try {
      return (await token.getFunction(fn)()) as T;
    } catch {
      return fallback;
    }
  };
  const [name, symbol, decimals] = await Promise.all([read('name', ''), read('symbol', ''), read<bigint>('decimals', 18n)]);
  return { name, symbol, decimals: Number(decimals) };
}

/**
 * The ERC-20 balance of `account`, in base units.
 * @throws SdkError INVALID_ARGUMENT
 */
export async function tokenBalance(input: { provider: Provider; token: string; account: string }): Promise<bigint> {
  const token = new Contract(toAddress(input.token, 'token'), erc20Interface(), input.provider);
  return (await token.getFunction('balanceOf')(toAddress(input.account, 'account'))) as bigint;
}
