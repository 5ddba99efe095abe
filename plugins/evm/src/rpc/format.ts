import type { BlockHeader } from '@ethereumjs/block';
import type { TypedTransaction } from '@ethereumjs/tx';
import { Bloom } from '@ethereumjs/vm';
import type { Hex, PooledTx } from '@metis/core';
import type { StoredLog } from '../storage/block-codec.js';
import type { ChainBlock, LogOrigin } from '../storage/chain-store.js';
import { h, q } from './hex.js';

const ZERO32 = `0x${'0'.repeat(64)}`;

export function effectiveGasPrice(tx: TypedTransaction, baseFee: bigint): bigint {
  if ('maxFeePerGas' in tx) {
    const tip = tx.maxPriorityFeePerGas < tx.maxFeePerGas - baseFee ? tx.maxPriorityFeePerGas : tx.maxFeePerGas - baseFee;
    return baseFee + tip;
  }
  return (tx as { gasPrice: bigint }).gasPrice;
}

export function formatHeader(header: BlockHeader): Record<string, unknown> {
  return {
    number: q(header.number),
    hash: h(header.hash()),
    parentHash: h(header.parentHash),
    nonce: '0x0000000000000000',
    mixHash: h(header.mixHash),
    sha3Uncles: h(header.uncleHash),
    logsBloom: h(header.logsBloom),
    transactionsRoot: h(header.transactionsTrie),
    stateRoot: h(header.stateRoot),
    receiptsRoot: h(header.receiptTrie),
    miner: header.coinbase.toString(),
    difficulty: '0x0',
    totalDifficulty: '0x0',
    extraData: h(header.extraData),
    gasLimit: q(header.gasLimit),
    gasUsed: q(header.gasUsed),
    timestamp: q(header.timestamp),
    baseFeePerGas: q(header.baseFeePerGas ?? 0n),
    withdrawalsRoot: header.withdrawalsRoot ? h(header.withdrawalsRoot) : undefined,
    blobGasUsed: q(header.blobGasUsed ?? 0n),
    excessBlobGas: q(header.excessBlobGas ?? 0n),
    parentBeaconBlockRoot: header.parentBeaconBlockRoot ? h(header.parentBeaconBlockRoot) : ZERO32,
    requestsHash: header.requestsHash ? h(header.requestsHash) : undefined,
  };
}

export function formatBlock(block: ChainBlock, full: boolean): Record<string, unknown> {
  return {
    ...formatHeader(block.header),
    size: q(block.stored.header.length + block.stored.txs.reduce((n, t) => n + t.length, 0) + 8),
    transactions: full ? block.txs.map((_, i) => formatMinedTx(block, i)) : block.txs.map((_, i) => block.txHash(i)),
    uncles: [],
    withdrawals: [],
  };
}

function txFields(tx: TypedTransaction, from: Hex): Record<string, unknown> {
  const j = tx.toJSON() as Record<string, unknown>;
  const out: Record<string, unknown> = {
    type: q(tx.type),
    hash: h(tx.hash()),
    from,
    to: tx.to ? tx.to.toString() : null,
    nonce: q(tx.nonce),
    gas: q(tx.gasLimit),
    value: q(tx.value),
    input: h(tx.data),
    v: j.v,
    r: j.r,
    s: j.s,
  };
  if (tx.type !== 0 || tx.supports(155)) out.chainId = q(tx.common.chainId());
  if (tx.type !== 0) {
    out.yParity = j.v;
    out.accessList = j.accessList ?? [];
  }
  if ('maxFeePerGas' in tx) {
    out.maxFeePerGas = q(tx.maxFeePerGas);
    out.maxPriorityFeePerGas = q(tx.maxPriorityFeePerGas);
  } else {
    out.gasPrice = q((tx as { gasPrice: bigint }).gasPrice);
  }
  return out;
}

export function formatMinedTx(block: ChainBlock, index: number): Record<string, unknown> {
  const tx = block.txs[index]!;
  return {
    ...txFields(tx, h(block.stored.senders[index]!)),
    gasPrice: q(effectiveGasPrice(tx, block.header.baseFeePerGas ?? 0n)),
    blockHash: block.hash,
    blockNumber: q(block.number),
    transactionIndex: q(index),
  };
}

export function formatPendingTx(pooled: PooledTx): Record<string, unknown> {
  const tx = pooled.decoded as TypedTransaction;
  return {
    ...txFields(tx, pooled.sender),
    gasPrice: q('maxFeePerGas' in tx ? tx.maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice),
    blockHash: null,
    blockNumber: null,
    transactionIndex: null,
  };
}

/**
 * A log as eth_getLogs, receipts and subscriptions return it. A log emitted by a deposit carries the
 * deposit's hash (depositHash) as `transactionHash` and its position among the block's deposits as
 * `transactionIndex`: deposits are not transactions, so no transaction or receipt exists for that hash.
 */
export function formatLog(block: ChainBlock, origin: LogOrigin, logIndex: number, log: StoredLog): Record<string, unknown> {
  return {
    address: h(log[0]),
    topics: log[1].map(h),
    data: h(log[2]),
    blockNumber: q(block.number),
    blockHash: block.hash,
    blockTimestamp: q(block.header.timestamp),
    transactionHash: block.originHash(origin),
    transactionIndex: q(origin.index),
    logIndex: q(logIndex),
    removed: false,
  };
}

const EMPTY_BLOOM = h(new Uint8Array(256));

function logsBloom(block: ChainBlock, logs: readonly StoredLog[]): Hex {
  if (logs.length === 0) return EMPTY_BLOOM;
  const bloom = new Bloom(undefined, block.common); // the chain's keccak, not noble's (a hash per entry)
  for (const [address, topics] of logs) {
    bloom.add(address);
    for (const t of topics) bloom.add(t);
  }
  return h(bloom.bitvector);
}

export function formatReceipt(block: ChainBlock, index: number): Record<string, unknown> {
  const tx = block.txs[index]!;
  const r = block.stored.receipts[index]!;
  const first = block.firstLogIndex(index);
  return {
    type: q(tx.type),
    transactionHash: block.txHash(index),
    transactionIndex: q(index),
    blockHash: block.hash,
    blockNumber: q(block.number),
    from: h(block.stored.senders[index]!),
    to: tx.to ? tx.to.toString() : null,
    contractAddress: r.contractAddress ? h(r.contractAddress) : null,
    cumulativeGasUsed: q(r.cumulativeGasUsed),
    gasUsed: q(r.gasUsed),
    effectiveGasPrice: q(effectiveGasPrice(tx, block.header.baseFeePerGas ?? 0n)),
    logs: r.logs.map((log, i) => formatLog(block, { kind: 'tx', index }, first + i, log)),
    logsBloom: logsBloom(block, r.logs),
    status: q(r.status),
  };
}
