import { RLP } from '@ethereumjs/rlp';
import type { BlockBody, Hex } from '@metis/core';
import { Interface, Wallet, getBytes, id } from 'ethers';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from './codec.js';

/**
 * The size of batch data for 100 ERC-20 transfers in one block, printed for the design notes. Keys,
 * recipients and amounts are deterministic pseudo-random values.
 */
const erc20 = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const key = (i: number): string => id(`metis size report key ${i}`);
const address = (i: number): string => new Wallet(key(i + 10_000)).address;
const amount = (i: number): bigint => BigInt(id(`amount ${i}`)) % 10n ** 24n; // up to 1M tokens of 18 decimals

async function transfers(senders: 'distinct' | 'one', round: boolean): Promise<Uint8Array[]> {
  const txs: Uint8Array[] = [];
  for (let i = 0; i < 100; i++) {
    const wallet = new Wallet(key(senders === 'one' ? 0 : i));
    const raw = await wallet.signTransaction({
      type: 2,
      chainId: 1337n,
      nonce: senders === 'one' ? i : i % 7,
      to: TOKEN,
      data: erc20.encodeFunctionData('transfer', [address(i), round ? BigInt(1 + (i % 20)) * 10n ** 18n : amount(i)]),
      gasLimit: 60_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });
    txs.push(getBytes(raw));
  }
  return txs;
}

const body = (txs: Uint8Array[]): BlockBody => ({ number: 1n, timestamp: 1_700_000_000n, gasLimit: 30_000_000n, coinbase: `0x${'c0'.repeat(20)}` as Hex, deposits: [], txs, logs: [] });

describe('batch size report', () => {
  it('prints bytes per transaction for 100 ERC-20 transfers in one batch', async () => {
    const lines: string[] = [];
    for (const [label, senders, round] of [
      ['100 senders, random amounts', 'distinct', false],
      ['100 senders, round amounts', 'distinct', true],
      ['1 sender (nonces 0..99), random amounts', 'one', false],
    ] as const) {
      const txs = await transfers(senders, round);
      const rawBytes = txs.reduce((n, t) => n + t.length, 0);
      const rlp = RLP.encode([[1n, 1_700_000_000n, 30_000_000n, new Uint8Array(20), [], txs]]).length;
      const sizes = [1, 6, 9].map((level) => encodeBatch([body(txs)], { level }).length);
      expect(decodeBatch(encodeBatch([body(txs)]))[0]!.txs).toEqual(txs);
      lines.push(
        `${label}: signed txs ${rawBytes} B (${(rawBytes / 100).toFixed(1)} B/tx), RLP ${rlp} B; batch data ` +
          sizes.map((s, i) => `level ${[1, 6, 9][i]}: ${s} B = ${(s / 100).toFixed(1)} B/tx`).join(', '),
      );
    }
    console.log(`\nBatch size, 100 ERC-20 transfers in one block:\n  ${lines.join('\n  ')}\n`);
  });
});
