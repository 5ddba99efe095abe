import { MetisError, isMetisError, type DataAvailability, type Hex } from '@metis/core';
import { getAddress, keccak256, type JsonRpcApiProvider, type TransactionResponse } from 'ethers';
import { z } from 'zod';
import { concatBytes, hexToBytes } from '../bytes.js';
import { retryOptionsSchema, withRetry } from '../l1/retry.js';
import type { TxSender } from '../l1/tx-sender.js';
import { decodeCalldataCommitment, describeCommitment, encodeCalldataCommitment } from './commitment.js';
import { PUBLISH_SELECTOR, dataInboxInterface } from './data-inbox.js';

/** Tunables of the calldata DA. */
export const calldataDaOptionsSchema = z
  .strictObject({
    /** Largest chunk of data per L1 transaction, in bytes (geth's pool takes transactions up to 128 KiB). */
    chunkSize: z.number().int().min(1).max(1_000_000).default(120_000),
    /** Largest data `retrieve` accepts, in bytes. */
    maxDataBytes: z.number().int().min(0).default(64 * 1024 * 1024),
    /** Most L1 transactions one commitment may name. */
    maxChunks: z.number().int().min(1).default(1_024),
    /** Transactions fetched at once by `retrieve`. */
    fetchConcurrency: z.number().int().min(1).max(64).default(8),
    /** Retries of transient L1 failures while retrieving. */
    retry: retryOptionsSchema,
  })
  .prefault({});

export type CalldataDaOptionsInput = z.input<typeof calldataDaOptionsSchema>;
export type CalldataDaOptions = z.output<typeof calldataDaOptionsSchema>;

export interface CalldataDaConfig {
  /** The L2 chain id the data is published for (the DataInbox call's first argument). */
  readonly chainId: bigint;
  /** Address of the L1 DataInbox. */
  readonly dataInbox: string;
  /** The L1 to read from. */
  readonly provider: JsonRpcApiProvider;
  /** Sends the publish transactions; without one the DA can only retrieve (a replica). */
  readonly sender?: TxSender;
  readonly options?: CalldataDaOptionsInput;
}

/** DA kind of L1 calldata in the chain's registry entry. */
export const CALLDATA_DA_KIND = 1;

/**
 * Data availability on L1 calldata: `publish` sends `DataInbox.publish(chainId, chunk)` for each chunk of at
 * most `chunkSize` bytes, one transaction after the other through the TxSender, and returns the commitment
 * `0x01 || txHash_1 || ... || txHash_n` (the hashes of the mined transactions, replacements included).
 * Empty data needs no transaction (DataInbox refuses empty chunks): its commitment is the version byte
 * alone.
 *
 * `retrieve` fetches each transaction by hash and requires: mined; sent to the configured DataInbox
 * (top-level call); calldata that is exactly the canonical encoding of `publish(chainId, chunk)` for this
 * chain; then keccak-256 of the concatenated chunks equal to `expectedHash`. Whether the transaction
 * succeeded is not checked (its calldata is on L1 either way). Errors: DA_UNAVAILABLE when a transaction is
 * not found or not mined, or the L1 stays unreachable through the retries; DA_INVALID for everything else.
 */
export class CalldataDA implements DataAvailability {
  readonly kind = CALLDATA_DA_KIND;
  readonly name = 'calldata';
  readonly options: CalldataDaOptions;
  readonly #chainId: bigint;
  readonly #dataInbox: string;
  readonly #provider: JsonRpcApiProvider;
  readonly #sender: TxSender | undefined;

  constructor(config: CalldataDaConfig) {
    this.#chainId = config.chainId;
    this.#dataInbox = getAddress(config.dataInbox);
    this.#provider = config.provider;
    this.#sender = config.sender;
    this.options = calldataDaOptionsSchema.parse(config.options ?? {});
  }

  async publish(data: Uint8Array): Promise<Uint8Array> {
    const sender = this.#sender;
    if (!sender) throw new MetisError('L1_TX_FAILED', { action: 'DataInbox.publish', reason: 'this node has no L1 key: the calldata DA can only retrieve' });
    const { chunkSize } = this.options;
    const count = Math.ceil(data.length / chunkSize);
    const hashes: string[] = [];
    for (let i = 0; i < count; i++) {
      const chunk = data.subarray(i * chunkSize, Math.min(data.length, (i + 1) * chunkSize));
      const receipt = await sender.send({
        to: this.#dataInbox,
        data: dataInboxInterface.encodeFunctionData('publish', [this.#chainId, chunk]),
        action: `DataInbox.publish (chunk ${i + 1}/${count}, ${chunk.length} bytes)`,
      });
      hashes.push(receipt.hash);
    }
    return encodeCalldataCommitment(hashes);
  }

  async retrieve(commitment: Uint8Array, expectedHash: Hex): Promise<Uint8Array> {
    const label = describeCommitment(commitment);
    const hashes = decodeCalldataCommitment(commitment, this.options.maxChunks);
    const invalid = (reason: string): MetisError => new MetisError('DA_INVALID', { commitment: label, reason });
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (let start = 0; start < hashes.length; start += this.options.fetchConcurrency) {
      const group = hashes.slice(start, start + this.options.fetchConcurrency);
      const fetched = await Promise.allSettled(group.map((hash) => this.#fetch(hash, label)));
      // Checked in commitment order, so the error reported does not depend on timing.
      for (const [i, result] of fetched.entries()) {
        if (result.status === 'rejected') throw result.reason;
        const chunk = this.#decode(result.value, group[i]!, invalid);
        total += chunk.length;
        if (total > this.options.maxDataBytes) throw invalid(`data exceeds ${this.options.maxDataBytes} bytes`);
        chunks.push(chunk);
      }
    }
    const data = concatBytes(chunks);
    const hash = keccak256(data);
    if (hash !== expectedHash.toLowerCase()) throw invalid(`keccak-256 is ${hash}, expected ${expectedHash}`);
    return data;
  }

  async #fetch(hash: string, label: string): Promise<TransactionResponse> {
    let tx: TransactionResponse | null;
    try {
      tx = await withRetry(() => this.#provider.getTransaction(hash), { retry: this.options.retry, method: 'eth_getTransactionByHash' });
    } catch (e) {
      const reason = isMetisError(e, 'L1_RPC') ? `the L1 is unreachable (${e.message})` : `fetching ${hash} failed: ${(e as Error).message}`;
      throw new MetisError('DA_UNAVAILABLE', { commitment: label, reason }, { cause: e });
    }
    if (!tx) throw new MetisError('DA_UNAVAILABLE', { commitment: label, reason: `L1 transaction ${hash} not found` });
    if (tx.blockNumber === null) throw new MetisError('DA_UNAVAILABLE', { commitment: label, reason: `L1 transaction ${hash} is not mined yet` });
    return tx;
  }

  #decode(tx: TransactionResponse, hash: string, invalid: (reason: string) => MetisError): Uint8Array {
    if (tx.hash.toLowerCase() !== hash.toLowerCase()) throw invalid(`the L1 returned transaction ${tx.hash} for ${hash}`);
    if (tx.to === null || getAddress(tx.to) !== this.#dataInbox) throw invalid(`L1 transaction ${hash} was sent to ${tx.to ?? 'no address (a deployment)'}, not the DataInbox ${this.#dataInbox}`);
    const input = tx.data.toLowerCase();
    if (!input.startsWith(PUBLISH_SELECTOR)) throw invalid(`L1 transaction ${hash} is not a DataInbox.publish call (selector ${input.slice(0, 10)})`);
    let chainId: bigint;
    let chunk: Uint8Array;
    try {
      const decoded = dataInboxInterface.decodeFunctionData('publish', input);
      chainId = decoded[0] as bigint;
      chunk = hexToBytes(decoded[1] as string);
    } catch (e) {
      throw invalid(`L1 transaction ${hash}: undecodable publish calldata (${(e as Error).message.slice(0, 100)})`);
    }
    if (dataInboxInterface.encodeFunctionData('publish', [chainId, chunk]) !== input) {
      throw invalid(`L1 transaction ${hash}: publish calldata is not canonically encoded`);
    }
    if (chainId !== this.#chainId) throw invalid(`L1 transaction ${hash} publishes for chain ${chainId}, not ${this.#chainId}`);
    return chunk;
  }
}
