import type { BlockHeader, HeaderData } from '@ethereumjs/block';
import { hexToBytes, type Address } from '@ethereumjs/util';
import type { Hex } from '@metis/core';
import { u64 } from '../storage/keys.js';

/** What a block executes in: the template's fields, who is paid, and the deposits consumed after it. */
export interface BlockFrame {
  readonly number: bigint;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
  readonly gasLimit: bigint;
  readonly coinbase: Address;
  /** L1 deposits consumed up to and including this block (its extraData). */
  readonly depositCount: bigint;
}

/**
 * The header frame a block executes in (roots, bloom and gas used are filled in after execution). Its
 * extraData is the 8-byte big-endian deposit count, so the block hash commits to the deposits it credited.
 */
export function headerData(frame: BlockFrame, parent: BlockHeader): HeaderData {
  return {
    parentHash: hexToBytes(frame.parentHash),
    number: frame.number,
    timestamp: frame.timestamp,
    gasLimit: frame.gasLimit,
    baseFeePerGas: parent.calcNextBaseFee(),
    coinbase: frame.coinbase,
    extraData: u64(frame.depositCount),
  };
}
