import {
  Capability,
  createTxFromRLP,
  type AccessList2930Tx,
  type FeeMarket1559Tx,
  type LegacyTx,
} from '@ethereumjs/tx';
import { Address, bytesToHex, equalsBytes, unpadBytes } from '@ethereumjs/util';
import { MetisError, type Hex, type PooledTx, type TxSource } from '@metis/core';
import { keccak256, txDecodeOptions, type EvmStateView } from '@metis/evm';
import { decodeFailure } from './decode-failure.js';
import type { MempoolOptions } from './options.js';

/** The transaction types the pool takes: legacy (0), EIP-2930 (1), EIP-1559 (2). Blobs (3) and EIP-7702 (4) not yet. */
export type SupportedTx = LegacyTx | AccessList2930Tx | FeeMarket1559Tx;
const SUPPORTED_TYPES = new Set([0, 1, 2]);

/** A decoded, signed transaction of a supported type; `raw` is our own copy of the bytes. */
export interface Decoded {
  readonly tx: SupportedTx;
  readonly hash: Hex;
  readonly hashBytes: Uint8Array;
  readonly raw: Uint8Array;
}

/** A transaction that passed every check that needs no account state, with its sender recovered. */
export interface Candidate {
  readonly tx: SupportedTx;
  readonly hash: Hex;
  readonly hashBytes: Uint8Array;
  readonly sender: Hex;
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  /** Most the transaction can take from its sender: gasLimit · maxFeePerGas + value. */
  readonly cost: bigint;
  readonly raw: Uint8Array;
  readonly source: TxSource;
}

export function toPooledTx(c: Candidate): PooledTx {
  return Object.freeze({
    hash: c.hash,
    sender: c.sender,
    nonce: c.nonce,
    gasLimit: c.gasLimit,
    maxFeePerGas: c.maxFeePerGas,
    maxPriorityFeePerGas: c.maxPriorityFeePerGas,
    raw: c.raw,
    source: c.source,
    decoded: c.tx,
  });
}

/** Sources that must be EIP-155 protected (unless `allowUnprotected`): user submissions. */
const PROTECTED_SOURCES: ReadonlySet<TxSource> = new Set<TxSource>(['rpc', 'peer']);

/**
 * The stateless half of validation: size, decoding, type, signature and replay protection, chain id,
 * fee and gas sanity, and the price floor (next base fee, minimum tip). Throws the matching TX_* error.
 */
export class TxValidator {

  constructor(
    private readonly options: MempoolOptions,
    private readonly state: EvmStateView,
  ) {}

  /** Checks the size and type, decodes and hashes (everything up to, not including, the signature). */
  decode(input: Uint8Array): Decoded {
    const { maxTxBytes } = this.options;
    if (input.length > maxTxBytes) throw new MetisError('TX_OVERSIZED', { size: input.length, limit: maxTxBytes });
    if (input.length === 0) throw new MetisError('TX_MALFORMED', { reason: 'empty transaction' });
    const first = input[0]!;
    if (first <= 0x7f && !SUPPORTED_TYPES.has(first)) throw new MetisError('TX_TYPE_UNSUPPORTED', { type: first });
    if (first >= 0x80 && first < 0xc0) throw new MetisError('TX_MALFORMED', { reason: 'not an RLP list or typed envelope' });
    // Own the bytes: the caller's buffer may be a view into a larger (pooled) one.
    const raw = new Uint8Array(input);
    let tx: SupportedTx;
    try {
      tx = createTxFromRLP(raw, txDecodeOptions(this.state.common)) as SupportedTx;
    } catch (e) {
      throw decodeFailure(raw, this.state.chainId, e);
    }
    if (!tx.isSigned()) throw new MetisError('TX_SIGNATURE_INVALID', { reason: 'transaction is not signed' });
    // The bytes are what blocks store and what the hash is of, so they must be the one encoding of the
    // transaction (as a replica's import requires). The decoder is strict; this makes it a guarantee.
    const canonical = tx.serialize();
    if (!equalsBytes(canonical, raw)) throw new MetisError('TX_MALFORMED', { reason: 'not in canonical encoding' });
    const hashBytes = keccak256(raw);
    tx.cache.hash = hashBytes;
    return { tx, hash: bytesToHex(hashBytes) as Hex, hashBytes, raw };
  }

  /**
   * The remaining stateless checks, in order: signature (recovering and caching the sender once),
   * replay protection, chain id, fee cap vs tip, block gas limit, intrinsic gas, price floor.
   */
  check({ tx, hash, hashBytes, raw }: Decoded, source: TxSource, options: { priceFloor?: boolean } = {}): Candidate {
    // Recovers the public key once (common.customCrypto.ecrecover) and keeps it in tx.cache.senderPubKey,
    // so neither the address below nor execution recovers it again.
    const publicKey = recoverSenderKey(tx);
    tx.cache.senderPubKey = publicKey;
    // ethereumjs would hash the key with pure-JS keccak; the address is the last 20 bytes of its hash.
    const senderAddress = new Address(keccak256(publicKey).subarray(12));
    if (!Object.isFrozen(tx)) sealDecoded(tx, hashBytes, senderAddress);
    const sender = senderAddress.toString() as Hex;

    const protectedTx = tx.type !== 0 || tx.supports(Capability.EIP155ReplayProtection);
    if (!protectedTx && !this.options.allowUnprotected && PROTECTED_SOURCES.has(source)) {
      throw new MetisError('TX_UNPROTECTED');
    }
    if (protectedTx) {
      const chainId = tx.type === 0 ? tx.common.chainId() : (tx as AccessList2930Tx | FeeMarket1559Tx).chainId;
      if (chainId !== this.state.chainId) throw new MetisError('TX_WRONG_CHAIN', { got: chainId, expected: this.state.chainId });
    }

    const { maxFeePerGas, maxPriorityFeePerGas } = feesOf(tx);
    if (maxPriorityFeePerGas > maxFeePerGas) throw new MetisError('TX_FEE_CAP_BELOW_TIP');
    const { gasLimit } = tx;
    if (gasLimit > this.state.blockGasLimit) {
      throw new MetisError('TX_GAS_LIMIT', { gas: gasLimit, limit: this.state.blockGasLimit });
    }
    // Intrinsic gas with access-list and creation costs, and the EIP-7623 calldata floor when active.
    const needed = tx.getMinimumGasLimit();
    if (gasLimit < needed) throw new MetisError('TX_INTRINSIC_GAS', { gas: gasLimit, needed });

    if (options.priceFloor !== false) {
      const baseFee = this.state.nextBaseFee();
      if (maxFeePerGas < baseFee) throw new MetisError('TX_UNDERPRICED', { fee: maxFeePerGas, minimum: baseFee });
    }
    if (maxPriorityFeePerGas < this.options.minPriorityFee) {
      throw new MetisError('TX_UNDERPRICED', { fee: maxPriorityFeePerGas, minimum: this.options.minPriorityFee });
    }

    return {
      tx,
      hash,
      hashBytes,
      sender,
      nonce: tx.nonce,
      gasLimit,
      maxFeePerGas,
      maxPriorityFeePerGas,
      cost: gasLimit * maxFeePerGas + tx.value,
      raw,
      source,
    };
  }
}

/** The sender's public key, as `verifySignature()` checks it: recovery must succeed and be non-empty. */
function recoverSenderKey(tx: SupportedTx): Uint8Array {
  let key: Uint8Array;
  try {
    key = tx.getSenderPublicKey();
  } catch {
    throw new MetisError('TX_SIGNATURE_INVALID', { reason: 'cannot recover the sender' });
  }
  if (unpadBytes(key).length === 0) throw new MetisError('TX_SIGNATURE_INVALID', { reason: 'cannot recover the sender' });
  return key;
}

/**
 * Transactions are decoded unfrozen (`freeze: false`), so that the recovered sender can be pinned:
 * ethereumjs recomputes `getSenderAddress()` (a pure-JS keccak of the public key) on every call, and the
 * VM calls it for every run. Only a frozen transaction caches its hash and sender key, so this records
 * both, pins the address, and then freezes the transaction.
 */
function sealDecoded(tx: SupportedTx, hash: Uint8Array, sender: Address): void {
  tx.cache.hash = hash;
  Object.defineProperty(tx, 'getSenderAddress', { value: () => sender });
  Object.freeze(tx);
}

export function feesOf(tx: SupportedTx): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
  if (tx.type === 2) return { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas };
  return { maxFeePerGas: tx.gasPrice, maxPriorityFeePerGas: tx.gasPrice };
}
