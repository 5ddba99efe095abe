import { describe, expect, it } from 'vitest';
import { encodeAttestation } from '../attestation/codec.js';
import { rangerDomain } from '../attestation/eip712.js';
import { attestationOf, batchInput, signed, walletOf, wire, withBatches, word } from '../testing/attestations.js';
import { MemoryAttestationView } from '../testing/memory-view.js';
import { AttestationPool, type Verdict } from './pool.js';

const CHAIN = 901n;
const domain = rangerDomain(31337n, '0x5FbDB2315678afecb367f032d93F642f64180aa3');
const r1 = walletOf('r1');
const r2 = walletOf('r2');
const r3 = walletOf('r3');
const outsider = walletOf('outsider');

function setup(options: { maxBatches?: number; maxEvidence?: number; delayMs?: number } = {}): { view: MemoryAttestationView; pool: AttestationPool } {
  const view = withBatches(new MemoryAttestationView({ delayMs: options.delayMs ?? 0 }), [1n, 2n, 3n, 4n, 5n]);
  for (const [w, stake] of [[r1, 100n], [r2, 50n], [r3, 25n]] as const) view.setStake(w.address, stake);
  const pool = new AttestationPool({ l2ChainId: CHAIN, domain, view, ...options });
  return { view, pool };
}

const outcome = (v: Verdict): string => (v.result === 'accept' ? 'accept' : `${v.result}:${v.reason}`);

describe('AttestationPool.judge', () => {
  it('accepts a staked signer attestation of the batch on L1, keeps it with signer and stake; the same bytes again are a duplicate', async () => {
    const { pool } = setup();
    const bytes = await wire(r1, domain, attestationOf(CHAIN, 1n));
    const v = await pool.judge(bytes);
    expect(outcome(v)).toBe('accept');
    if (v.result !== 'accept') return;
    expect(v.attestation).toMatchObject({ signer: r1.address.toLowerCase(), stake: 100n, attestation: attestationOf(CHAIN, 1n) });
    expect(v.attestation.msgId).toMatch(/^[0-9a-f]{64}$/);
    expect(outcome(await pool.judge(bytes))).toBe('ignore:duplicate');
    expect(pool.attestations(1n)).toHaveLength(1);
    expect(pool.batches()).toEqual([1n]);
  });

  it('rejects garbage, another chain, bad signatures, unknown or unstaked signers, another input, final batches', async () => {
    const { view, pool } = setup();
    view.finalize(2n);
    const good = await wire(r1, domain, attestationOf(CHAIN, 1n));
    const highV = good.slice();
    highV[233] = 29;
    const tampered = good.slice();
    tampered[80] = tampered[80]! ^ 1; // newStateRoot changed under r1's signature: someone else (no stake) "signed"
    const cases: [string, Uint8Array][] = [
      ['reject:malformed', new Uint8Array(10)],
      ['reject:malformed', new Uint8Array([...good, 0])],
      ['reject:malformed', Uint8Array.from(good, (b, i) => (i === 0 ? 2 : b))],
      ['reject:bad-signature', highV],
      ['reject:wrong-chain', await wire(r1, domain, attestationOf(902n, 1n))],
      ['reject:unstaked', await wire(outsider, domain, attestationOf(CHAIN, 1n))],
      ['reject:unstaked', tampered],
      ['reject:unstaked', await wire(r1, rangerDomain(1n, '0x5FbDB2315678afecb367f032d93F642f64180aa3'), attestationOf(CHAIN, 1n))],
      ['reject:wrong-input', await wire(r1, domain, { ...attestationOf(CHAIN, 1n), prevStateRoot: word('other') })],
      ['reject:wrong-input', await wire(r1, domain, { ...attestationOf(CHAIN, 1n), dataHash: word('other') })],
      ['reject:stale', await wire(r1, domain, attestationOf(CHAIN, 2n))],
      ['ignore:unknown-batch', await wire(r1, domain, attestationOf(CHAIN, 99n))],
    ];
    for (const [expected, bytes] of cases) expect(outcome(await pool.judge(bytes)), expected).toBe(expected);
    expect(pool.batches()).toEqual([]);
    expect(pool.equivocations()).toEqual([]);
  });

  it('a view that throws makes the message ignored (view-error), not rejected', async () => {
    const { pool } = setup();
    const failing = new AttestationPool({
      l2ChainId: CHAIN,
      domain,
      view: {
        batch: () => Promise.reject(new Error('L1 down')),
        stakeOf: () => 1n,
      },
    });
    const bytes = await wire(r1, domain, attestationOf(CHAIN, 1n));
    expect(outcome(await failing.judge(bytes))).toBe('ignore:view-error');
    expect(outcome(await pool.judge(bytes))).toBe('accept');
  });

  it('a second output from one signer for the same input is equivocation: rejected, both signed attestations kept as evidence', async () => {
    const { pool } = setup();
    const first = await signed(r1, domain, attestationOf(CHAIN, 1n));
    const second = await signed(r1, domain, attestationOf(CHAIN, 1n, 'lie'));
    expect(outcome(await pool.judge(encodeAttestation(first)))).toBe('accept');
    const v = await pool.judge(encodeAttestation(second));
    expect(outcome(v)).toBe('reject:equivocation');
    expect(v.result === 'reject' && v.evidence).toMatchObject({ signer: r1.address.toLowerCase(), first, second });
    expect(pool.equivocations()).toEqual([expect.objectContaining({ signer: r1.address.toLowerCase(), first, second })]);
    // the first stays collected; a third output is rejected too, evidence not duplicated
    expect(pool.attestations(1n).map((a) => a.attestation)).toEqual([first.attestation]);
    const third = await signed(r1, domain, attestationOf(CHAIN, 1n, 'lie2'));
    const v3 = await pool.judge(encodeAttestation(third));
    expect(outcome(v3)).toBe('reject:equivocation');
    expect(v3.result === 'reject' && v3.evidence).toBeFalsy();
    expect(pool.equivocations()).toHaveLength(1);
    // other signers are unaffected
    expect(outcome(await pool.judge(await wire(r2, domain, attestationOf(CHAIN, 1n, 'lie'))))).toBe('accept');
  });

  it('our own conflicting attestation (local) is refused without recording evidence against ourselves', async () => {
    const { pool } = setup();
    expect(outcome(await pool.judge(await wire(r1, domain, attestationOf(CHAIN, 1n)), { local: true }))).toBe('accept');
    expect(outcome(await pool.judge(await wire(r1, domain, attestationOf(CHAIN, 1n, 'lie')), { local: true }))).toBe('reject:equivocation');
    expect(pool.equivocations()).toEqual([]);
  });

  it('judges concurrent messages of one signer consistently (slow view): one accepted, the other an equivocation', async () => {
    const { pool } = setup({ delayMs: 20 });
    const [a, b] = await Promise.all([
      pool.judge(await wire(r1, domain, attestationOf(CHAIN, 1n))),
      pool.judge(await wire(r1, domain, attestationOf(CHAIN, 1n, 'lie'))),
    ]);
    expect([outcome(a), outcome(b)].sort()).toEqual(['accept', 'reject:equivocation']);
    const same = await wire(r2, domain, attestationOf(CHAIN, 1n));
    const [c, d] = await Promise.all([pool.judge(same), pool.judge(same)]);
    expect([outcome(c), outcome(d)].sort()).toEqual(['accept', 'ignore:duplicate']);
  });

  it('lists attestations by signer ascending, with their stakes', async () => {
    const { pool } = setup();
    for (const w of [r3, r1, r2]) await pool.judge(await wire(w, domain, attestationOf(CHAIN, 3n)));
    const list = pool.attestations(3n);
    expect(list.map((a) => a.signer)).toEqual([r1, r2, r3].map((w) => w.address.toLowerCase()).sort());
    expect(list.reduce((s, a) => s + a.stake, 0n)).toBe(175n);
    expect(pool.attestations(4n)).toEqual([]);
  });

  it('keeps only the highest maxBatches batches and maxEvidence pieces of evidence; pruneBelow forgets', async () => {
    const { pool, view } = setup({ maxBatches: 2, maxEvidence: 2 });
    for (const i of [1n, 2n, 3n]) expect(outcome(await pool.judge(await wire(r1, domain, attestationOf(CHAIN, i))))).toBe('accept');
    expect(pool.batches()).toEqual([2n, 3n]);
    // an evicted batch's attestation is accepted again (it is valid) but not kept
    expect(outcome(await pool.judge(await wire(r1, domain, attestationOf(CHAIN, 1n))))).toBe('accept');
    expect(pool.batches()).toEqual([2n, 3n]);
    for (const w of [r1, r2, r3]) view.setStake(w.address, 1n);
    for (const w of [r2, r3]) await pool.judge(await wire(w, domain, attestationOf(CHAIN, 3n)));
    for (const w of [r1, r2, r3]) expect(outcome(await pool.judge(await wire(w, domain, attestationOf(CHAIN, 3n, 'lie'))))).toBe('reject:equivocation');
    expect(pool.equivocations().map((e) => e.signer)).toEqual([r2, r3].map((w) => w.address.toLowerCase()));
    pool.pruneBelow(3n);
    expect(pool.batches()).toEqual([3n]);
  });

  it('drops what it collected for a batch whose input changed on L1 (batches removed, another appended)', async () => {
    const { pool, view } = setup();
    expect(outcome(await pool.judge(await wire(r1, domain, attestationOf(CHAIN, 4n))))).toBe('accept');
    view.setBatch(4n, { prevStateRoot: batchInput(4n).prevStateRoot, dataHash: word('replacement data') });
    const replacement = { ...attestationOf(CHAIN, 4n, 'new'), dataHash: word('replacement data') };
    expect(outcome(await pool.judge(await wire(r1, domain, replacement)))).toBe('accept');
    expect(pool.attestations(4n).map((a) => a.attestation)).toEqual([replacement]);
    expect(pool.equivocations()).toEqual([]);
  });
});
