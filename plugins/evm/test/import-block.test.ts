import { createFeeMarket1559Tx, createLegacyTx } from '@ethereumjs/tx';
import { RLP } from '@ethereumjs/rlp';
import { bigIntToUnpaddedBytes, bytesToBigInt, bytesToHex, concatBytes, createAddressFromString, hexToBytes } from '@ethereumjs/util';
import { createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common';
import { isMetisError, type BlockImport, type Hex } from '@metis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { blockBody, type EvmChain } from '../src/chain.js';
import { L2_BRIDGE } from '../src/constants.js';
import { executeBlock } from '../src/execute/execute-block.js';
import { importBlock } from '../src/execute/import-block.js';
import { encodeBlock } from '../src/storage/block-codec.js';
import { ADDRS, KEYS, REVERT_META, deposit, genesis, openChain, pooled, tempDir, transfer } from './helpers.js';
import { recorder, reverter, reverterAbi } from './rpc-helpers.js';

const ETH = 10n ** 18n;
const REVERTER: Hex = '0x000000000000000000000000000000000000c0de';
const TOKEN: Hex = '0x2222222222222222222222222222222222222222';
const SEQUENCER_COINBASE: Hex = '0x00000000000000000000000000000000000000cb';

function spec() {
  const g = genesis();
  return {
    ...g,
    alloc: {
      ...g.alloc,
      [L2_BRIDGE]: { balance: 0n, code: recorder.deployedBytecode },
      [REVERTER]: { balance: 0n, code: reverter.deployedBytecode },
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

/** The same transaction with its signature's s flipped to n - s (a valid curve signature EIP-2 forbids). */
function highS(tx: ReturnType<typeof transfer>): Uint8Array {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const fields = RLP.decode(tx.serialize().subarray(1)) as Uint8Array[];
  fields[9] = bigIntToUnpaddedBytes(1n - bytesToBigInt(fields[9]!));
  fields[11] = bigIntToUnpaddedBytes(n - bytesToBigInt(fields[11]!));
  return concatBytes(Uint8Array.of(2), RLP.encode(fields));
}

const root = async (chain: EvmChain): Promise<Hex> => bytesToHex(await chain.state.getStateRoot()) as Hex;
const balance = async (chain: EvmChain, a: Hex): Promise<bigint> => (await chain.state.getAccount(createAddressFromString(a)))?.balance ?? 0n;

describe('importBlock', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  /** A chain over the shared genesis; the sequencer's pays a coinbase the replica's options do not name. */
  const open = async (coinbase: Hex = `0x${'00'.repeat(20)}`) => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir, spec(), { coinbase, deposits: { gasLimit: 400_000n } });
    cleanups.unshift(() => chain.close());
    return chain;
  };

  /** Three blocks on a sequencer chain: deposits, contract calls, a reverting tx, a failed deposit. */
  async function produce(a: EvmChain): Promise<BlockImport[]> {
    const call = (nonce: bigint, fn: string, args: unknown[] = []) =>
      pooled(transfer(a, KEYS[0], nonce, REVERTER, 0n, { data: reverterAbi.encodeFunctionData(fn, args) as Hex, gasLimit: 100_000n }));
    await executeBlock(
      a,
      a.nextTemplate(10n),
      [call(0n, 'succeed', [7n]), call(1n, 'revertWithReason'), pooled(transfer(a, KEYS[0], 2n, ADDRS[1]!, 5n))],
      [deposit(0n, ADDRS[1]!, 2n * ETH), deposit(1n, ADDRS[1]!, 5n, { l1Token: TOKEN, tokenMeta: '0xabcd' })],
    );
    // ADDRS[1] spends what deposit 0 gave it.
    // ...and a stale transaction is dropped by the producer: it is not part of the block.
    const second = await executeBlock(a, a.nextTemplate(20n), [
      pooled(transfer(a, KEYS[1], 0n, ADDRS[0]!, ETH)),
      pooled(transfer(a, KEYS[1], 0n, ADDRS[0]!, 2n)),
      call(3n, 'succeed', [1n]),
    ]);
    expect(second.dropped).toHaveLength(1);
    await executeBlock(a, a.nextTemplate(30n), [], [deposit(2n, ADDRS[1]!, ETH, { tokenMeta: REVERT_META }), deposit(3n, ADDRS[1]!, 3n)]);
    const bodies: BlockImport[] = [];
    for (let n = 1n; n <= a.head.number; n++) {
      const { logs: _logs, ...body } = blockBody((await a.store.block(n))!);
      bodies.push(body);
    }
    return bodies;
  }

  it('re-executes produced blocks byte for byte: same hashes, state roots, receipts and deposit outcomes', async () => {
    const a = await open(SEQUENCER_COINBASE);
    const bodies = await produce(a);
    expect(bodies.map((b) => [b.deposits.length, b.txs.length])).toEqual([
      [2, 3],
      [0, 2],
      [2, 0],
    ]);
    expect((await a.store.block(1n))!.stored.receipts.map((r) => r.status)).toEqual([1, 0, 1]);
    expect((await a.store.block(3n))!.stored.deposits.map((d) => d.status)).toEqual([0, 1]);

    const b = await open();
    for (const body of bodies) {
      const { block } = await importBlock(b, body);
      const produced = (await a.store.block(body.number))!;
      expect(block.hash).toBe(produced.hash);
      expect(block.stateRoot).toBe(bytesToHex(produced.header.stateRoot));
      expect(block.depositCount).toBe(produced.depositCount);
      expect(b.head.header.coinbase.toString()).toBe(SEQUENCER_COINBASE);
      expect(encodeBlock(b.head.stored)).toEqual(encodeBlock(produced.stored));
    }
    expect(b.head.hash).toBe(a.head.hash);
    expect(b.head.depositCount).toBe(4n);
    expect(await balance(b, SEQUENCER_COINBASE)).toBe(await balance(a, SEQUENCER_COINBASE));
    expect(await balance(b, SEQUENCER_COINBASE)).toBeGreaterThan(0n);
    // The imported blocks are indexed like produced ones.
    const reverted = (await b.store.block(1n))!.txHash(1);
    expect(await b.store.txLocation(reverted)).toEqual({ block: 1n, index: 1 });
    // Importing a block again is refused: it no longer follows the head.
    const again = await rejection(importBlock(b, bodies[2]!));
    expect(isMetisError(again, 'BATCH_INVALID')).toBe(true);
  });

  it('recovers each sender once, with the chain Common\'s ecrecover', async () => {
    const a = await open();
    const bodies = await produce(a);
    const b = await open();
    const crypto = b.common.customCrypto;
    const original = crypto.ecrecover!;
    let recoveries = 0;
    crypto.ecrecover = (...args) => {
      recoveries++;
      return original(...args);
    };
    try {
      for (const body of bodies) await importBlock(b, body);
    } finally {
      crypto.ecrecover = original;
    }
    expect(recoveries).toBe(bodies.reduce((n, body) => n + body.txs.length, 0));
    expect(b.head.hash).toBe(a.head.hash);
  });

  it('refuses a block that does not apply, leaving the state and the head unchanged', async () => {
    const a = await open();
    const [first] = await produce(a);
    const b = await open();
    const before = { hash: b.head.hash, root: await root(b) };
    const otherCommon = createCustomCommon({ chainId: 1 }, Mainnet, { hardfork: Hardfork.Prague });
    const tx = (nonce: bigint, extra: Parameters<typeof transfer>[5] = {}) => transfer(b, KEYS[0], nonce, ADDRS[1]!, 1n, extra).serialize();
    const unsigned = createFeeMarket1559Tx({ chainId: 1337n, nonce: 0n, to: ADDRS[1], gasLimit: 21_000n, maxFeePerGas: 10n ** 10n }, { common: b.common });
    // r = 5 is the x of no curve point: recovery fails.
    const badSignature = createFeeMarket1559Tx(
      { chainId: 1337n, nonce: 0n, to: ADDRS[1], gasLimit: 21_000n, maxFeePerGas: 10n ** 10n, v: 0n, r: 5n, s: 1n },
      { common: b.common },
    );
    const wrongChain = createLegacyTx({ nonce: 0n, to: ADDRS[1], gasLimit: 21_000n, gasPrice: 10n ** 10n }, { common: otherCommon }).sign(hexToBytes(KEYS[0]));
    const cases: [string, BlockImport, 'BATCH_INVALID' | 'DEPOSIT_INVALID'][] = [
      ['not the next number', { ...first!, number: 2n }, 'BATCH_INVALID'],
      ['timestamp not after the parent', { ...first!, timestamp: 0n }, 'BATCH_INVALID'],
      ['deposits not starting at the head count', { ...first!, deposits: first!.deposits.slice(1) }, 'DEPOSIT_INVALID'],
      ['deposits with a gap', { ...first!, deposits: [first!.deposits[0]!, deposit(2n, ADDRS[1]!, 1n)] }, 'DEPOSIT_INVALID'],
      ['a bad coinbase', { ...first!, coinbase: '0x12' as Hex }, 'BATCH_INVALID'],
      ['garbage bytes', { ...first!, txs: [...first!.txs, Uint8Array.of(1, 2, 3)] }, 'BATCH_INVALID'],
      ['an unsigned transaction', { ...first!, txs: [unsigned.serialize()] }, 'BATCH_INVALID'],
      ['an invalid signature', { ...first!, txs: [badSignature.serialize()] }, 'BATCH_INVALID'],
      ['a high-s signature', { ...first!, txs: [highS(transfer(b, KEYS[0], 0n, ADDRS[1]!, 1n))] }, 'BATCH_INVALID'],
      ['another chain', { ...first!, txs: [wrongChain.serialize()] }, 'BATCH_INVALID'],
      // Deposits and a first transaction apply, then one fails: everything is undone.
      ['a nonce gap', { ...first!, txs: [tx(0n), tx(5n)] }, 'BATCH_INVALID'],
      ['a replayed transaction', { ...first!, txs: [tx(0n), tx(0n)] }, 'BATCH_INVALID'],
      ['no funds', { ...first!, txs: [transfer(b, KEYS[1], 0n, ADDRS[0]!, 3n * ETH).serialize()] }, 'BATCH_INVALID'],
      ['more gas than the block has', { ...first!, gasLimit: 30_000n, txs: [tx(0n), tx(1n)] }, 'BATCH_INVALID'],
    ];
    for (const [what, block, code] of cases) {
      const e = await rejection(importBlock(b, block));
      expect(isMetisError(e, code), `${what}: ${String(e)}`).toBe(true);
      expect(b.head.hash, what).toBe(before.hash);
      expect(await root(b), what).toBe(before.root);
      expect(await balance(b, ADDRS[1]!), what).toBe(0n);
    }
    // Still importable afterwards, and identical to the producer's block.
    const { block } = await importBlock(b, first!);
    expect(block.hash).toBe((await a.store.block(1n))!.hash);
  });
});
