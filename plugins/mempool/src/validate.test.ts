import { Hardfork } from '@ethereumjs/common';
import { RLP } from '@ethereumjs/rlp';
import { createFeeMarket1559Tx, createTxFromRLP } from '@ethereumjs/tx';
import { bigIntToUnpaddedBytes, concatBytes, hexToBytes } from '@ethereumjs/util';
import { ERRORS, type ErrorDescriptor, type ErrorName } from '@metis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEvmState, TEST_CHAIN_ID, testCommon } from './testing/fake-state.js';
import { journalHashes, openPool, removeTempDirs, type Harness } from './testing/harness.js';
import { ETH, GWEI, Wallet } from './testing/wallets.js';

const common = testCommon();
const alice = new Wallet(1);
const bob = new Wallet(2);
const poor = new Wallet(3);

/** A type-2 payload from raw fields (to build what the library refuses to sign). */
function rawType2(fields: { chainId?: bigint; tip?: bigint; cap?: bigint; v?: bigint; r?: bigint; s?: bigint }): Uint8Array {
  const n = (x: bigint): Uint8Array => bigIntToUnpaddedBytes(x);
  const body = [
    n(fields.chainId ?? TEST_CHAIN_ID),
    n(0n),
    n(fields.tip ?? GWEI),
    n(fields.cap ?? 2n * GWEI),
    n(21_000n),
    hexToBytes(`0x${'ab'.repeat(20)}`),
    n(1n),
    new Uint8Array(),
    [],
    n(fields.v ?? 0n),
    n(fields.r ?? 1n),
    n(fields.s ?? 1n),
  ];
  return concatBytes(Uint8Array.of(2), RLP.encode(body));
}

describe('ingest validation: every rejection has its code and stores nothing', () => {
  let h: Harness;
  const accepted: string[] = [];

  beforeAll(async () => {
    const state = new FakeEvmState(common);
    state.set(alice.address, { balance: 10n * ETH, nonce: 5n });
    state.set(bob.address, { balance: 10n * ETH });
    state.set(poor.address, { balance: 21_000n * 2n * GWEI });
    h = await openPool({ maxTxBytes: 4096, minPriorityFee: 1000n }, state);
    // Something already stored, so "unchanged" is not trivially "empty".
    accepted.push((await h.ingest(alice.eip1559(common, { nonce: 5n }))).hash);
  });

  afterAll(async () => {
    await h.stop();
    // The journal holds exactly what was accepted, nothing of the rejected.
    expect(await journalHashes(h.dir)).toEqual(accepted);
    await removeTempDirs();
  });

  const cases: [string, ErrorName, () => Uint8Array][] = [
    ['oversized (checked before decoding)', 'TX_OVERSIZED', () => new Uint8Array(4097).fill(0xc0)],
    ['empty bytes', 'TX_MALFORMED', () => new Uint8Array()],
    ['garbage', 'TX_MALFORMED', () => hexToBytes('0xdeadbeef')],
    ['truncated', 'TX_MALFORMED', () => bob.eip1559(common).slice(0, 40)],
    ['trailing bytes', 'TX_MALFORMED', () => concatBytes(bob.eip1559(common), Uint8Array.of(0))],
    ['an RLP string, not a list', 'TX_MALFORMED', () => RLP.encode(new Uint8Array(10))],
    ['blob type 3', 'TX_TYPE_UNSUPPORTED', () => concatBytes(Uint8Array.of(3), RLP.encode([]))],
    ['EIP-7702 type 4', 'TX_TYPE_UNSUPPORTED', () => concatBytes(Uint8Array.of(4), RLP.encode([]))],
    ['unknown type 0x7f', 'TX_TYPE_UNSUPPORTED', () => concatBytes(Uint8Array.of(0x7f), RLP.encode([]))],
    [
      'unsigned',
      'TX_SIGNATURE_INVALID',
      () => createFeeMarket1559Tx({ chainId: TEST_CHAIN_ID, maxFeePerGas: 2n * GWEI, gasLimit: 21_000n }, { common }).serialize(),
    ],
    ['r = 0 (no sender recoverable)', 'TX_SIGNATURE_INVALID', () => rawType2({ r: 0n, s: 5n })],
    ['high s (EIP-2)', 'TX_SIGNATURE_INVALID', () => rawType2({ r: 1n, s: 2n ** 255n })],
    ['y-parity 2', 'TX_SIGNATURE_INVALID', () => rawType2({ v: 2n })],
    ['legacy without EIP-155', 'TX_UNPROTECTED', () => bob.legacy(testCommon(TEST_CHAIN_ID, Hardfork.TangerineWhistle))],
    ['type 2 for another chain', 'TX_WRONG_CHAIN', () => bob.eip1559(testCommon(999n))],
    ['type 1 for another chain', 'TX_WRONG_CHAIN', () => bob.eip2930(testCommon(999n))],
    ['EIP-155 legacy for another chain', 'TX_WRONG_CHAIN', () => bob.legacy(testCommon(999n))],
    ['tip above the fee cap', 'TX_FEE_CAP_BELOW_TIP', () => rawType2({ tip: 3n * GWEI, cap: 2n * GWEI })],
    ['gas above the block limit', 'TX_GAS_LIMIT', () => bob.eip1559(common, { gasLimit: 30_000_001n })],
    ['gas below 21,000', 'TX_INTRINSIC_GAS', () => bob.eip1559(common, { gasLimit: 20_999n })],
    ['gas below calldata cost', 'TX_INTRINSIC_GAS', () => bob.eip1559(common, { gasLimit: 21_000n, data: new Uint8Array(10).fill(1) })],
    [
      'gas below access-list cost',
      'TX_INTRINSIC_GAS',
      () => bob.eip1559(common, { gasLimit: 21_000n, accessList: [[hexToBytes(`0x${'cd'.repeat(20)}`), []]] }),
    ],
    ['gas below creation cost', 'TX_INTRINSIC_GAS', () => bob.eip1559(common, { gasLimit: 50_000n, to: null })],
    ['max fee below the next base fee', 'TX_UNDERPRICED', () => bob.eip1559(common, { maxFeePerGas: GWEI - 1n, maxPriorityFeePerGas: 0n })],
    ['tip below minPriorityFee', 'TX_UNDERPRICED', () => bob.eip1559(common, { maxPriorityFeePerGas: 999n })],
    ['nonce below the state nonce', 'TX_NONCE_TOO_LOW', () => alice.eip1559(common, { nonce: 4n })],
    ['nonce more than maxNonceGap ahead', 'TX_NONCE_TOO_HIGH', () => alice.eip1559(common, { nonce: 5n + 65n })],
    ['cost above the balance', 'TX_INSUFFICIENT_FUNDS', () => poor.eip1559(common, { value: 1n })],
    ['already in the pool', 'TX_ALREADY_KNOWN', () => alice.eip1559(common, { nonce: 5n })],
    ['same nonce, same price', 'TX_REPLACEMENT_UNDERPRICED', () => alice.eip1559(common, { nonce: 5n, value: 2n })],
  ];

  it.each(cases)('%s → %s', async (_name, code, make) => {
    const raw = make();
    const before = { size: h.pool.size, executable: h.pool.executableCount, pending: h.pending.length };
    const err = await h.reject(raw);
    expect(err.is(code), `${err.descriptor.name}: ${err.message}`).toBe(true);
    expect(err.code).toBe(`METIS-${ERRORS[code].code}`);
    expect(err.descriptor.rpcCode).toBe((ERRORS[code] as ErrorDescriptor).rpcCode);
    expect({ size: h.pool.size, executable: h.pool.executableCount, pending: h.pending.length }).toEqual(before);
  });

  it('uses geth-like messages clients match on', async () => {
    expect((await h.reject(alice.eip1559(common, { nonce: 1n }))).message).toMatch(/^nonce too low/);
    expect((await h.reject(poor.eip1559(common, { value: 1n }))).message).toMatch(/^insufficient funds for gas \* price \+ value/);
    expect((await h.reject(alice.eip1559(common, { nonce: 5n, value: 3n }))).message).toMatch(/^replacement transaction underpriced/);
    expect((await h.reject(alice.eip1559(common, { nonce: 5n }))).message).toBe('already known');
  });

  it('accepts the same kinds of transactions when valid: legacy EIP-155, type 1, type 2, and a creation', async () => {
    const carol = new Wallet(4);
    h.state.set(carol.address, { balance: ETH });
    for (const raw of [
      carol.legacy(common, { nonce: 0n }),
      carol.eip2930(common, { nonce: 1n, gasLimit: 21_000n + 2_400n, accessList: [[hexToBytes(`0x${'cd'.repeat(20)}`), []]] }),
      carol.eip1559(common, { nonce: 2n }),
      carol.eip1559(common, { nonce: 3n, to: null, gasLimit: 60_000n, data: Uint8Array.of(0x60, 0x00) }),
    ]) {
      accepted.push((await h.ingest(raw)).hash);
    }
    expect(await h.pool.pendingNonce(carol.address)).toBe(4n);
  });
});

describe('replay protection option', () => {
  afterAll(removeTempDirs);

  it('accepts an unprotected legacy transaction when allowUnprotected is set', async () => {
    const state = new FakeEvmState(common);
    state.set(bob.address, { balance: ETH });
    const h = await openPool({ allowUnprotected: true }, state);
    const raw = bob.legacy(testCommon(TEST_CHAIN_ID, Hardfork.TangerineWhistle));
    expect(createTxFromRLP(raw, { common }).supports(155)).toBe(false);
    const tx = await h.ingest(raw);
    expect(tx.sender).toBe(bob.address);
    await h.stop();
  });
});

describe('the pooled transaction', () => {
  afterAll(removeTempDirs);

  it('carries the decoded tx with its sender recovered once and cached', async () => {
    const state = new FakeEvmState(common);
    state.set(bob.address, { balance: ETH });
    const h = await openPool({}, state);
    const raw = bob.eip1559(common, { nonce: 0n, value: 7n });
    const tx = await h.ingest(raw);
    const decoded = tx.decoded as ReturnType<typeof createFeeMarket1559Tx>;
    expect(decoded.cache.senderPubKey).toBeInstanceOf(Uint8Array);
    expect(decoded.cache.hash).toBeInstanceOf(Uint8Array);
    expect(decoded.getSenderAddress().toString()).toBe(bob.address);
    expect(tx).toMatchObject({ sender: bob.address, nonce: 0n, gasLimit: 21_000n, maxFeePerGas: 2n * GWEI, maxPriorityFeePerGas: GWEI, source: 'rpc' });
    expect(tx.raw).toEqual(raw);
    expect(tx.hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(Object.isFrozen(tx)).toBe(true);
    expect(h.pool.get(tx.hash)).toBe(tx);
    expect(h.pool.get(tx.hash.toUpperCase().replace('0X', '0x') as typeof tx.hash)).toBe(tx);
    expect(h.pending).toEqual([tx]);
    await h.stop();
  });

  it('recovers the sender exactly once, and later sender and hash reads cost nothing', async () => {
    const counting = testCommon();
    let recoveries = 0;
    const recover = counting.customCrypto.ecrecover!;
    counting.customCrypto.ecrecover = (...args) => {
      recoveries++;
      return recover(...args);
    };
    const state = new FakeEvmState(counting);
    state.set(bob.address, { balance: ETH });
    const h = await openPool({}, state);
    const tx = await h.ingest(bob.eip1559(counting, { nonce: 0n }));
    expect(recoveries).toBe(1);
    const decoded = tx.decoded as ReturnType<typeof createFeeMarket1559Tx>;
    expect(Object.isFrozen(decoded)).toBe(true);
    // The address is pinned: the same object every time, not a fresh keccak of the public key.
    expect(decoded.getSenderAddress()).toBe(decoded.getSenderAddress());
    expect(decoded.getSenderAddress().toString()).toBe(bob.address);
    expect(decoded.hash()).toBe(decoded.hash());
    expect(decoded.verifySignature()).toBe(true);
    expect(recoveries).toBe(1);
    await h.stop();
  });
});
