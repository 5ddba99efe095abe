import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx, type TypedTransaction } from '@ethereumjs/tx';
import { bytesToHex, createAddressFromPrivateKey, createAddressFromString } from '@ethereumjs/util';
import type { Hex } from '@metis/core';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { EvmChain } from '../src/chain.js';
import { executeBlock } from '../src/execute/execute-block.js';
import { tryPlainTransfer } from '../src/execute/plain-transfer.js';
import { genesis, openChain, pooled, prng, randomBytesFrom, tempDir } from './helpers.js';

const keys = Array.from({ length: 6 }, (_, i) => keccak_256(new TextEncoder().encode(`plain-transfer-${i}`)));
const senders = keys.map((k) => createAddressFromPrivateKey(k).toString() as Hex);
const COINBASE = `0x${'c0'.repeat(20)}` as Hex;
const CONTRACT = `0x${'cc'.repeat(20)}` as Hex; // code: STOP
const REVERTER = `0x${'ce'.repeat(20)}` as Hex; // code: REVERT(0, 0)
const EMPTY = `0x${'e0'.repeat(20)}` as Hex; // in the genesis with nothing: an empty account
const PRECOMPILES = [`0x${'00'.repeat(19)}01`, `0x${'00'.repeat(19)}04`, `0x${'00'.repeat(19)}11`] as Hex[];
const BASE_FEE = 1_000_000_000n;

function spec(coinbaseFunded: boolean) {
  const g = genesis();
  const alloc: Record<string, { balance: bigint; code?: Hex; nonce?: bigint }> = { ...g.alloc };
  senders.forEach((s, i) => (alloc[s] = { balance: i === 5 ? 21_000n * 2n * BASE_FEE + 7n : 10n ** 21n }));
  alloc[CONTRACT] = { balance: 1n, code: '0x00' };
  alloc[REVERTER] = { balance: 0n, code: '0x60006000fd' };
  alloc[EMPTY] = { balance: 0n };
  if (coinbaseFunded) alloc[COINBASE] = { balance: 1n };
  return { ...g, alloc };
}

/** A random transaction, mostly a valid plain transfer, often one of the cases the fast path must leave to runTx. */
function randomTx(chain: EvmChain, rand: () => number, sender: number, nonce: bigint, tipless = false): TypedTransaction {
  const blockBaseFee = chain.headHeader.calcNextBaseFee();
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const r = rand();
  const to =
    r < 0.35 ? bytesToHex(randomBytesFrom(rand, 20)) // fresh
      : r < 0.55 ? pick(senders)
        : r < 0.62 ? (tipless ? EMPTY : COINBASE)
          : r < 0.68 ? CONTRACT
            : r < 0.72 ? REVERTER
              : r < 0.78 ? EMPTY
                : r < 0.83 ? pick(PRECOMPILES)
                  : senders[sender]!; // to itself
  const value = pick([0n, 0n, 1n, 12_345n, 10n ** 18n, 10n ** 30n]);
  const gasLimit = pick([21_000n, 21_000n, 21_000n, 30_000n, 20_999n, 100_000n]);
  // tipless: the coinbase gets nothing (no tips, no transfers), so while absent it must stay so (EIP-161)
  const maxFeePerGas = tipless ? blockBaseFee : pick([BASE_FEE, 2n * BASE_FEE, 50n * BASE_FEE, BASE_FEE - 1n]);
  const tip = tipless ? 0n : pick([0n, 1n, BASE_FEE, 100n * BASE_FEE]);
  const data = rand() < 0.1 ? '0x01' : undefined;
  const badNonce = rand() < 0.05 ? 1n : 0n;
  const common = { common: chain.common };
  const base = { nonce: nonce + badNonce, to, value, gasLimit, data };
  const key = keys[sender]!;
  switch (pick([0, 1, 2, 2])) {
    case 0:
      return createLegacyTx({ ...base, gasPrice: maxFeePerGas }, common).sign(key);
    case 1: {
      const accessList = rand() < 0.3 ? [{ address: CONTRACT, storageKeys: [] }] : [];
      return createAccessList2930Tx({ ...base, chainId: 1337n, gasPrice: maxFeePerGas, accessList }, common).sign(key);
    }
    default:
      return createFeeMarket1559Tx({ ...base, chainId: 1337n, maxFeePerGas, maxPriorityFeePerGas: tip > maxFeePerGas ? maxFeePerGas : tip }, common).sign(key);
  }
}

describe('plain ETH transfers without the EVM', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function pair(coinbaseFunded: boolean): Promise<[EvmChain, EvmChain]> {
    const chains: EvmChain[] = [];
    for (let i = 0; i < 2; i++) {
      const { dir, cleanup } = await tempDir();
      const chain = await openChain(dir, spec(coinbaseFunded), { coinbase: COINBASE });
      cleanups.push(async () => {
        await chain.close();
        await cleanup();
      });
      chains.push(chain);
    }
    chains[1]!.plainTransfers = false;
    return chains as [EvmChain, EvmChain];
  }

  for (const [seed, coinbaseFunded] of [[1, false], [2, true], [3, false], [4, true]] as const) {
    it(`makes blocks identical to runTx's, case by case (seed ${seed}, coinbase ${coinbaseFunded ? 'funded' : 'absent'})`, async () => {
      const [fast, reference] = await pair(coinbaseFunded);
      const rand = prng(seed);
      for (let b = 1n; b <= 6n; b++) {
        const txs: TypedTransaction[] = [];
        for (const [i, sender] of senders.entries()) {
          const { nonce } = (await (await fast.stateAt(fast.head.header.stateRoot)).getAccount(createAddressFromString(sender))) ?? { nonce: 0n };
          const count = 1 + Math.floor(rand() * 5);
          for (let k = 0n; k < BigInt(count); k++) txs.push(randomTx(fast, rand, i, nonce + k, b <= 2n));
        }
        const ours = await executeBlock(fast, fast.nextTemplate(b), txs.map(pooled));
        const theirs = await executeBlock(reference, reference.nextTemplate(b), txs.map(pooled));
        expect(ours.block.txHashes, `block ${b}: included`).toEqual(theirs.block.txHashes);
        expect(ours.dropped.map((t) => t.hash), `block ${b}: dropped`).toEqual(theirs.dropped.map((t) => t.hash));
        // the hash covers the state root, the receipts root, the logs bloom and the gas used
        expect(ours.block.hash, `block ${b}`).toBe(theirs.block.hash);
        expect(ours.chainBlock.stored.receipts).toEqual(theirs.chainBlock.stored.receipts);
        expect(ours.accounts).toEqual(theirs.accounts);
        if (b === 2n && !coinbaseFunded) {
          // no tips in blocks 1 and 2: the absent coinbase is still absent (EIP-161), as runTx leaves it
          expect(await (await fast.stateAt(fast.head.header.stateRoot)).getAccount(createAddressFromString(COINBASE))).toBeUndefined();
        }
      }
      expect(fast.head.number).toBe(6n);
    });
  }

  it('leaves an absent coinbase absent after a block of only tipless plain transfers, as runTx does', async () => {
    const [fast, reference] = await pair(false);
    const baseFee = fast.headHeader.calcNextBaseFee();
    const txs = senders.slice(0, 4).map((_, i) =>
      createFeeMarket1559Tx({ chainId: 1337n, nonce: 0n, to: senders[i + 1], value: 10n, gasLimit: 21_000n, maxFeePerGas: baseFee, maxPriorityFeePerGas: 0n }, { common: fast.common }).sign(keys[i]!),
    );
    const ours = await executeBlock(fast, fast.nextTemplate(1n), txs.map(pooled));
    const theirs = await executeBlock(reference, reference.nextTemplate(1n), txs.map(pooled));
    expect(ours.block.txHashes).toHaveLength(4);
    expect(ours.block.hash).toBe(theirs.block.hash);
    expect(await (await fast.stateAt(fast.head.header.stateRoot)).getAccount(createAddressFromString(COINBASE))).toBeUndefined();
  });

  it('takes a valid plain transfer, and leaves to runTx every case it does not model', async () => {
    const [chain] = await pair(false);
    const sender = createAddressFromString(senders[0]!);
    const tx = (fields: Partial<{ to: Hex; value: bigint; gasLimit: bigint; tip: bigint; nonce: bigint; data: Hex }>) =>
      createFeeMarket1559Tx(
        { chainId: 1337n, nonce: fields.nonce ?? 0n, to: fields.to ?? senders[1], value: fields.value ?? 5n, gasLimit: fields.gasLimit ?? 21_000n, maxFeePerGas: 10n * BASE_FEE, maxPriorityFeePerGas: fields.tip ?? 1n, data: fields.data },
        { common: chain.common },
      ).sign(keys[0]!);
    const { createBlock } = await import('@ethereumjs/block');
    const env = createBlock({ header: { number: 1n, gasLimit: 30_000_000n, baseFeePerGas: BASE_FEE, coinbase: COINBASE, timestamp: 1n } }, { common: chain.common });
    const run = (t: TypedTransaction) => chain.exclusive(async () => {
      await chain.vm.evm.journal.checkpoint();
      try {
        return await tryPlainTransfer(chain.vm, t, sender, env, 0n);
      } finally {
        await chain.vm.evm.journal.revert();
      }
    });
    const applied = await run(tx({}));
    expect(applied?.totalGasSpent).toBe(21_000n);
    expect(applied?.minerValue).toBe(21_000n);
    expect(applied?.receipt.cumulativeBlockGasUsed).toBe(21_000n);
    for (const [what, t] of [
      ['calldata', tx({ data: '0x00' })],
      ['a contract', tx({ to: CONTRACT })],
      ['a precompile', tx({ to: PRECOMPILES[0] })],
      ['itself', tx({ to: senders[0] })],
      ['the coinbase', tx({ to: COINBASE })],
      ['a wrong nonce', tx({ nonce: 1n })],
      ['gas below intrinsic', tx({ gasLimit: 20_000n })],
      ['no tip to an absent coinbase', tx({ tip: 0n })],
      ['nothing to an empty account', tx({ to: EMPTY, value: 0n })],
      ['more than its balance', tx({ value: 10n ** 22n })],
    ] as const) {
      expect(await run(t), what).toBeUndefined();
    }
  });
});
