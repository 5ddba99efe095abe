import { createBlockHeader } from '@ethereumjs/block';
import { describe, expect, it } from 'vitest';
import { createEvmCommon } from '../src/common.js';
import type { StoredLog, StoredReceipt } from '../src/storage/block-codec.js';
import { ChainBlock } from '../src/storage/chain-store.js';

const log = (n: number): StoredLog => [new Uint8Array(20).fill(n), [], new Uint8Array(0)];
const receipt = (logs: number): StoredReceipt => ({ status: 1, cumulativeGasUsed: 0n, gasUsed: 0n, logs: Array.from({ length: logs }, (_, i) => log(i)) });

describe('ChainBlock', () => {
  it("numbers each transaction's first log after the deposits' logs and every earlier transaction's", () => {
    const common = createEvmCommon(1337n);
    const header = createBlockHeader({ number: 5n, extraData: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) }, { common, skipConsensusFormatValidation: true });
    const deposit = { deposit: { index: 0n }, status: 1, gasUsed: 0n, logs: [log(9), log(9)] };
    const stored = { header: header.serialize(), txs: [], senders: [], receipts: [receipt(2), receipt(0), receipt(3), receipt(1)], deposits: [deposit] };
    const block = new ChainBlock(header, stored as never, common);
    expect([0, 1, 2, 3].map((i) => block.firstLogIndex(i))).toEqual([2, 4, 4, 7]);
    expect(block.hash).toBe(block.hash);
    expect(block.hash).toMatch(/^0x[0-9a-f]{64}$/);
  });
});
