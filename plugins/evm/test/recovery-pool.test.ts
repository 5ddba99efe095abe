import { RLP } from '@ethereumjs/rlp';
import { createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx, createTxFromRLP, type TypedTransaction } from '@ethereumjs/tx';
import { bigIntToUnpaddedBytes, bytesToHex, concatBytes, hexToBytes, privateToPublic } from '@ethereumjs/util';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvmCommon } from '../src/common.js';
import { RecoveryPool } from '../src/crypto/recovery-pool.js';
import { txDecodeOptions } from '../src/execute/decode-tx.js';
import { KEYS } from './helpers.js';

const common = createEvmCommon(1337n);
const to = hexToBytes(`0x${'ab'.repeat(20)}`);
const keys = KEYS.map((k) => hexToBytes(k));

/** Signed transactions of every pooled type, from the test keys in turn; decoded unfrozen, as intake does. */
function burst(n: number): { tx: TypedTransaction; publicKey: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const key = keys[i % keys.length]!;
    const base = { nonce: BigInt(i), gasLimit: 21_000n, to, value: 1n };
    const signed =
      i % 3 === 0
        ? createLegacyTx({ ...base, gasPrice: 10n ** 9n }, { common }).sign(key)
        : i % 3 === 1
          ? createAccessList2930Tx({ ...base, chainId: 1337n, gasPrice: 10n ** 9n }, { common }).sign(key)
          : createFeeMarket1559Tx({ ...base, chainId: 1337n, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 1n }, { common }).sign(key);
    return { tx: createTxFromRLP(signed.serialize(), txDecodeOptions(common)), publicKey: bytesToHex(privateToPublic(key)) };
  });
}

/** A type-2 transaction whose r is no point on the curve: it decodes, but no key recovers from it. */
function unrecoverable(): TypedTransaction {
  const n = bigIntToUnpaddedBytes;
  const body = [n(1337n), n(0n), n(1n), n(10n ** 9n), n(21_000n), to, n(1n), new Uint8Array(), [], n(0n), n(2n ** 256n - 1n), n(1n)];
  return createTxFromRLP(concatBytes(Uint8Array.of(2), RLP.encode(body)), txDecodeOptions(common));
}

describe('RecoveryPool (sender recovery on a worker thread)', () => {
  const pools: RecoveryPool[] = [];
  const start = (): RecoveryPool => {
    const pool = RecoveryPool.start();
    if (!pool) throw new Error('the native secp256k1 module is missing: the worker has nothing to run');
    pools.push(pool);
    return pool;
  };
  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.stop();
  });

  it('pins, for a burst of every transaction type, the same public key as the signer has', async () => {
    const pool = start();
    const txs = burst(40);
    await Promise.all(txs.map(({ tx }) => pool.prefetch(tx)));
    for (const { tx, publicKey } of txs) {
      expect(tx.cache.senderPubKey, `type ${tx.type}`).toBeDefined();
      expect(bytesToHex(tx.cache.senderPubKey!)).toBe(publicKey);
      expect(bytesToHex(tx.getSenderPublicKey())).toBe(publicKey);
    }
  });

  it('recovers a burst larger than one message in chunks of at most 128', async () => {
    const pool = start();
    const worker = (pool as unknown as { worker: { postMessage: (m: { recids: Uint8Array }, t: unknown) => void } }).worker;
    const sizes: number[] = [];
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (m, t) => {
      sizes.push(m.recids.length);
      post(m, t);
    };
    const txs = burst(300);
    await Promise.all(txs.map(({ tx }) => pool.prefetch(tx)));
    for (const { tx, publicKey } of txs) expect(bytesToHex(tx.cache.senderPubKey!)).toBe(publicKey);
    expect(sizes).toEqual([128, 128, 44]);
  });

  it('leaves a signature that does not recover to the caller, which refuses it as before', async () => {
    const pool = start();
    const txs = burst(20);
    const bad = unrecoverable();
    await Promise.all([...txs.map(({ tx }) => pool.prefetch(tx)), pool.prefetch(bad)]);
    expect(txs.every(({ tx }) => tx.cache.senderPubKey !== undefined)).toBe(true);
    expect(bad.cache.senderPubKey).toBeUndefined();
    expect(() => bad.getSenderPublicKey()).toThrow(/Invalid Signature/);
  });

  it('leaves a small burst to inline recovery (not worth a message)', async () => {
    const pool = start();
    const txs = burst(3);
    await Promise.all(txs.map(({ tx }) => pool.prefetch(tx)));
    expect(txs.map(({ tx }) => tx.cache.senderPubKey)).toEqual([undefined, undefined, undefined]);
  });

  it('resolves what waits when stopped, and pins nothing after', async () => {
    const pool = start();
    const waiting = burst(20).map(({ tx }) => pool.prefetch(tx));
    await pool.stop();
    await Promise.all(waiting);
    const later = burst(20);
    await Promise.all(later.map(({ tx }) => pool.prefetch(tx)));
    expect(later.every(({ tx }) => tx.cache.senderPubKey === undefined)).toBe(true);
  });
});
