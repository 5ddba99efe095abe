import { setTimeout as sleep } from 'node:timers/promises';
import { MetisError, isMetisError } from '@metis/core';
import { keccak256, type BaseWallet, type Interface, type JsonRpcApiProvider, type TransactionReceipt } from 'ethers';
import { bumpPermille, capFees, replacementFees, type Fees } from './fees.js';
import { txSenderOptionsSchema, type TxSenderOptions, type TxSenderOptionsInput } from './options.js';
import { withRetry, type RetryListener } from './retry.js';
import { decodeRevert, type DecodedRevert } from './revert.js';
import { classifyRpcError, revertDataOf, rpcErrorMessage } from './rpc-errors.js';

/** One intended L1 transaction. */
export interface TxRequest {
  readonly to: string;
  readonly data?: string;
  readonly value?: bigint;
  /** Gas limit; estimated (plus `gasMarginPercent`) when omitted. */
  readonly gasLimit?: bigint;
  /** Names the intent in errors and events (`DataInbox.publish`). */
  readonly action?: string;
}

/** What the sender does, for logs and tests. */
export type TxSenderEvent =
  | { type: 'broadcast'; action: string; nonce: number; hash: string; fees: Fees; replacement: boolean }
  | { type: 'rebroadcast'; action: string; nonce: number; hash: string }
  | { type: 'refused'; action: string; nonce: number; hash: string; reason: string }
  | { type: 'mined'; action: string; nonce: number; hash: string; blockNumber: number; status: number }
  /** The local nonce was (re)read (`to`), or `from` was found taken by another transaction. */
  | { type: 'nonce'; action: string; from?: number; to: number; reason: string }
  | { type: 'retry'; method: string; attempt: number; delayMs: number; error: unknown };

/** Extras of a TxSender that are not plain options. */
export interface TxSenderHooks {
  /** ABI of the contracts called, to decode custom errors of reverts (`errorName` in L1_TX_FAILED data). */
  errorInterface?: Interface;
  onEvent?: (event: TxSenderEvent) => void;
}

/** The `data` of an L1_TX_FAILED error. */
export interface TxFailure {
  readonly action: string;
  readonly nonce?: number;
  /** The mined transaction, for a revert on L1. */
  readonly hash?: string;
  readonly receipt?: TransactionReceipt;
  /** The decoded revert, for reverts (at estimate or mined). */
  readonly revert?: DecodedRevert;
  /** The custom error's name, when the revert decoded. */
  readonly errorName?: string;
}

interface Attempt {
  readonly hash: string;
  readonly raw: string;
  readonly fees: Fees;
}

type BroadcastResult = 'accepted' | 'unknown' | 'nonce' | 'underpriced' | 'refused';

/** Consecutive polls that must see the nonce used, with none of the intent's hashes mined, to call it taken. */
const TAKEN_CONFIRMATIONS = 3;

/**
 * Sends L1 transactions for one key, robustly: local nonces, EIP-1559 fees with replacement bumps, retries of
 * transient RPC failures, confirmations.
 *
 * - **One sender per key.** The nonce is kept here (read from the `pending` count at first use and again after
 *   any failure or nonce refusal); another writer on the same key is tolerated (its nonce is detected as
 *   taken and the intent re-sent with a fresh nonce) but costs a round.
 * - **Serialised:** `send` calls queue and run one at a time, so at most one transaction of this key is in
 *   flight. Throughput is about one transaction per L1 block; fine for batch posting, not for bulk sending.
 * - **Exactly once per intent:** the signed transaction's hash is recorded before it is broadcast, every
 *   broadcast repeats the same signed bytes, and a replacement reuses the nonce, so an intent never gets a
 *   second nonce while any of its transactions may still be mined. A new nonce is only used once the
 *   current one is taken by a transaction that is none of the intent's (checked by hash, on three
 *   consecutive polls).
 * - **Fees:** `getFeeData`, the max fee capped at `maxFeePerGas`. Unmined after `bumpAfterMs`, the same
 *   nonce is re-sent with both fees raised by `bumpPercent` (at least 12.5%) or to the network's current
 *   fees, whichever is higher, up to the cap; at the cap the last transaction is re-broadcast instead. Every
 *   hash sent for the intent is watched: whichever is mined ends it.
 * - **Errors:** transient RPC failures are retried (`retry`); a revert (at the estimate, or mined with status
 *   0) is not, and fails with L1_TX_FAILED whose data carries the decoded revert and `errorName`; other
 *   refusals fail with L1_TX_FAILED; an RPC that stays down before anything was sent fails with L1_RPC; once
 *   a transaction may be out, only a receipt, a revert or `timeoutMs` ends the wait.
 *
 * Nothing is persisted: after a restart the nonce comes from the `pending` count, and the caller reconciles
 * intents by L1 state (a transaction sent before a crash may still be mined).
 */
export class TxSender {
  readonly address: string;
  readonly options: TxSenderOptions;
  readonly #wallet: BaseWallet;
  readonly #provider: JsonRpcApiProvider;
  readonly #hooks: TxSenderHooks;
  readonly #permille: number;
  #nextNonce: number | undefined;
  #chainId: bigint | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(wallet: BaseWallet, provider: JsonRpcApiProvider, options: TxSenderOptionsInput = {}, hooks: TxSenderHooks = {}) {
    this.#wallet = wallet;
    this.#provider = provider;
    this.#hooks = hooks;
    this.options = txSenderOptionsSchema.parse(options);
    this.#permille = bumpPermille(this.options.bumpPercent);
    this.address = wallet.address;
  }

  /** Sends `request` (after the ones queued before it) and resolves with its receipt once confirmed. */
  send(request: TxRequest): Promise<TransactionReceipt> {
    const run = (): Promise<TransactionReceipt> => this.#send(request);
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Runs a read with this sender's retry policy (see `withRetry`). */
  withRetry<T>(fn: () => Promise<T>, method = 'call'): Promise<T> {
    return withRetry(fn, { retry: this.options.retry, method, onRetry: this.#onRetry });
  }

  /** Forgets the local nonce: the next send reads the `pending` count again. */
  resetNonce(): void {
    this.#nextNonce = undefined;
  }

  readonly #onRetry: RetryListener = (info) => this.#emit({ type: 'retry', ...info });

  #emit(event: TxSenderEvent): void {
    try {
      this.#hooks.onEvent?.(event);
    } catch {
      // a listener's failure must not break a send
    }
  }

  async #send(request: TxRequest): Promise<TransactionReceipt> {
    const action = request.action ?? 'transaction';
    const deadline = this.options.timeoutMs > 0 ? Date.now() + this.options.timeoutMs : Number.POSITIVE_INFINITY;
    try {
      const chainId = await this.#getChainId();
      const gasLimit = request.gasLimit ?? (await this.#estimate(request, action));
      for (let round = 1; ; round++) {
        const nonce = await this.#takeNonce(action);
        const receipt = await this.#sendWithNonce(request, action, chainId, gasLimit, nonce, deadline);
        if (receipt) return receipt;
        // The nonce was taken by a transaction that is none of ours: start over with a fresh one.
        this.#nextNonce = undefined;
        if (round >= 5) throw new MetisError('L1_TX_FAILED', { action, reason: `nonce taken by other transactions ${round} times` }, { data: { action } satisfies TxFailure });
      }
    } catch (e) {
      // After any failure the local nonce may be stale (a timed-out transaction may still be mined).
      this.#nextNonce = undefined;
      throw e;
    }
  }

  async #getChainId(): Promise<bigint> {
    this.#chainId ??= (await this.withRetry(() => this.#provider.getNetwork(), 'eth_chainId')).chainId;
    return this.#chainId;
  }

  async #takeNonce(action: string): Promise<number> {
    if (this.#nextNonce === undefined) {
      this.#nextNonce = await this.withRetry(() => this.#provider.getTransactionCount(this.address, 'pending'), 'eth_getTransactionCount');
      this.#emit({ type: 'nonce', action, to: this.#nextNonce, reason: 'read the pending count' });
    }
    return this.#nextNonce;
  }

  async #estimate(request: TxRequest, action: string): Promise<bigint> {
    try {
      const gas = await this.withRetry(
        () => this.#provider.estimateGas({ from: this.address, to: request.to, data: request.data, value: request.value }),
        'eth_estimateGas',
      );
      return (gas * BigInt(100 + this.options.gasMarginPercent)) / 100n;
    } catch (e) {
      if (isMetisError(e)) throw e;
      if (classifyRpcError(e) === 'revert') {
        const revert = decodeRevert(revertDataOf(e), this.#hooks.errorInterface);
        throw new MetisError('L1_TX_FAILED', { action, reason: `reverts: ${revert.text}` }, { cause: e, data: { action, revert, errorName: revert.name } satisfies TxFailure });
      }
      throw new MetisError('L1_TX_FAILED', { action, reason: `gas estimate refused: ${rpcErrorMessage(e)}` }, { cause: e, data: { action } satisfies TxFailure });
    }
  }

  async #currentFees(action: string): Promise<Fees> {
    const data = await this.withRetry(() => this.#provider.getFeeData(), 'getFeeData');
    if (data.maxFeePerGas === null || data.maxPriorityFeePerGas === null) {
      throw new MetisError('L1_TX_FAILED', { action, reason: 'the L1 gives no EIP-1559 fee data' }, { data: { action } satisfies TxFailure });
    }
    return capFees({ maxFeePerGas: data.maxFeePerGas, maxPriorityFeePerGas: data.maxPriorityFeePerGas }, this.options.maxFeePerGas);
  }

  async #sign(request: TxRequest, chainId: bigint, gasLimit: bigint, nonce: number, fees: Fees): Promise<Attempt> {
    const raw = await this.#wallet.signTransaction({
      type: 2,
      chainId,
      nonce,
      to: request.to,
      data: request.data ?? '0x',
      value: request.value ?? 0n,
      gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    // The hash of a typed transaction is keccak-256 of its signed envelope (cheaper than re-parsing it).
    return { hash: keccak256(raw), raw, fees };
  }

  /**
   * Broadcasts one signed transaction. `unknown`: the RPC stayed down, the node may or may not have it.
   * `refused`: refused for good (only for replacements; a refused first transaction throws).
   */
  async #broadcast(attempt: Attempt, action: string, nonce: number, kind: 'first' | 'replacement' | 'rebroadcast'): Promise<BroadcastResult> {
    try {
      await this.withRetry(() => this.#provider.send('eth_sendRawTransaction', [attempt.raw]), 'eth_sendRawTransaction');
    } catch (e) {
      if (isMetisError(e, 'L1_RPC')) return 'unknown';
      const errorKind = classifyRpcError(e);
      if (errorKind !== 'known') {
        if (errorKind === 'nonce' || errorKind === 'underpriced') return errorKind;
        if (kind === 'first') {
          throw new MetisError('L1_TX_FAILED', { action, reason: rpcErrorMessage(e) }, { cause: e, data: { action, nonce } satisfies TxFailure });
        }
        this.#emit({ type: 'refused', action, nonce, hash: attempt.hash, reason: rpcErrorMessage(e) });
        return 'refused';
      }
    }
    if (kind === 'rebroadcast') this.#emit({ type: 'rebroadcast', action, nonce, hash: attempt.hash });
    else this.#emit({ type: 'broadcast', action, nonce, hash: attempt.hash, fees: attempt.fees, replacement: kind === 'replacement' });
    return 'accepted';
  }

  /** A read inside the wait: an RPC that stays down there is waited out (until the deadline), not fatal. */
  async #tolerant<T>(fn: () => Promise<T>, method: string): Promise<T | undefined> {
    try {
      return await this.withRetry(fn, method);
    } catch (e) {
      if (isMetisError(e, 'L1_RPC')) return undefined;
      throw e;
    }
  }

  async #findReceipt(attempts: readonly Attempt[]): Promise<TransactionReceipt | undefined> {
    for (let i = attempts.length - 1; i >= 0; i--) {
      const receipt = await this.#tolerant(() => this.#provider.getTransactionReceipt(attempts[i]!.hash), 'eth_getTransactionReceipt');
      if (receipt) return receipt;
    }
    return undefined;
  }

  /**
   * Sends the intent with `nonce` and waits. Resolves with the confirmed receipt, or undefined when the
   * nonce was taken by another transaction (the caller retries with a fresh nonce).
   */
  async #sendWithNonce(request: TxRequest, action: string, chainId: bigint, gasLimit: bigint, nonce: number, deadline: number): Promise<TransactionReceipt | undefined> {
    const attempts: Attempt[] = [];
    let tried = await this.#currentFees(action);
    let current = await this.#sign(request, chainId, gasLimit, nonce, tried);
    attempts.push(current);
    let result = await this.#broadcast(current, action, nonce, 'first');
    let lastBroadcast = Date.now();

    // Refused as underpriced (below the base fee, or another transaction holds the nonce): bump at once.
    while (result === 'underpriced') {
      const next = replacementFees(tried, await this.#currentFees(action), this.#permille, this.options.maxFeePerGas);
      if (!next) break; // at the cap: the wait loop retries on the bump timer
      tried = next;
      const attempt = await this.#sign(request, chainId, gasLimit, nonce, next);
      attempts.push(attempt);
      result = await this.#broadcast(attempt, action, nonce, 'replacement');
      if (result === 'accepted' || result === 'unknown') current = attempt;
      lastBroadcast = Date.now();
    }

    let takenStreak = 0;
    for (;;) {
      // The nonce count first: while it has not passed our nonce nothing of ours is mined (one request per
      // poll, however many replacements were sent).
      const count = await this.#tolerant(() => this.#provider.getTransactionCount(this.address, 'latest'), 'eth_getTransactionCount');
      if (count !== undefined && count > nonce) {
        const receipt = await this.#findReceipt(attempts);
        if (receipt) {
          takenStreak = 0;
          if (receipt.status !== 1) {
            this.#nextNonce = nonce + 1;
            this.#emit({ type: 'mined', action, nonce, hash: receipt.hash, blockNumber: receipt.blockNumber, status: receipt.status ?? 0 });
            throw await this.#revertError(request, action, nonce, gasLimit, receipt);
          }
          const head = await this.#tolerant(() => this.#provider.getBlockNumber(), 'eth_blockNumber');
          if (head !== undefined && head - receipt.blockNumber + 1 >= this.options.confirmations) {
            this.#nextNonce = nonce + 1;
            this.#emit({ type: 'mined', action, nonce, hash: receipt.hash, blockNumber: receipt.blockNumber, status: 1 });
            return receipt;
          }
        } else if (++takenStreak >= TAKEN_CONFIRMATIONS) {
          // Seen on consecutive polls, so a receipt index lagging the nonce count (load-balanced RPCs) is not
          // mistaken for another transaction: only then may the intent move to a new nonce.
          this.#emit({ type: 'nonce', action, from: nonce, to: count, reason: 'nonce taken by another transaction' });
          return undefined;
        }
      } else if (count !== undefined) {
        takenStreak = 0;
        if (Date.now() - lastBroadcast >= this.options.bumpAfterMs) {
          const fees = await this.#tolerant(() => this.#currentFees(action), 'getFeeData');
          const next = fees && replacementFees(tried, fees, this.#permille, this.options.maxFeePerGas);
          if (next) {
            tried = next;
            const attempt = await this.#sign(request, chainId, gasLimit, nonce, next);
            attempts.push(attempt);
            const sent = await this.#broadcast(attempt, action, nonce, 'replacement');
            if (sent === 'accepted' || sent === 'unknown') current = attempt;
          } else {
            await this.#broadcast(current, action, nonce, 'rebroadcast');
          }
          lastBroadcast = Date.now();
        }
      }
      if (Date.now() > deadline) {
        throw new MetisError(
          'L1_TX_FAILED',
          { action, reason: `not confirmed within ${this.options.timeoutMs} ms (nonce ${nonce}; a transaction sent may still be mined)` },
          { data: { action, nonce, hash: current.hash } satisfies TxFailure },
        );
      }
      await sleep(this.options.pollIntervalMs);
    }
  }

  /** L1_TX_FAILED for a mined revert; the reason is recovered by replaying the call on the block's state. */
  async #revertError(request: TxRequest, action: string, nonce: number, gasLimit: bigint, receipt: TransactionReceipt): Promise<MetisError> {
    let data: string | undefined;
    try {
      await this.withRetry(
        () =>
          this.#provider.call({
            from: this.address,
            to: request.to,
            data: request.data,
            value: request.value,
            gasLimit,
            blockTag: receipt.blockNumber,
          }),
        'eth_call',
      );
    } catch (e) {
      data = revertDataOf(e);
    }
    const revert = decodeRevert(data, this.#hooks.errorInterface);
    return new MetisError(
      'L1_TX_FAILED',
      { action, reason: `reverted in L1 block ${receipt.blockNumber} (${receipt.hash}): ${revert.text}` },
      { data: { action, nonce, hash: receipt.hash, receipt, revert, errorName: revert.name } satisfies TxFailure },
    );
  }
}
