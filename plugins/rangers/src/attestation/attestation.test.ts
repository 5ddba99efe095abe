import { isMetisError, type Hex } from '@metis/core';
import { AbiCoder, Wallet, concat, keccak256, recoverAddress, toUtf8Bytes } from 'ethers';
import { hashTypedData, recoverAddress as viemRecoverAddress, recoverTypedDataAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import {
  ATTESTATION_TYPES,
  ATTESTATION_WIRE_LENGTH,
  attestationDigest,
  decodeAttestation,
  encodeAttestation,
  equivocationSigner,
  isEquivocation,
  normalizeAttestation,
  rangerDomain,
  recoverSigner,
  sameAttestation,
  sameInput,
  signAttestation,
  type Attestation,
  type SignedAttestation,
} from './index.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const domain = rangerDomain(31337n, REGISTRY);
const wallet = new Wallet(`0x${'11'.repeat(32)}`);
const other = new Wallet(`0x${'22'.repeat(32)}`);
const root = (b: string): Hex => `0x${b.repeat(32)}`;
const att: Attestation = {
  chainId: 901n,
  batchIndex: 7n,
  prevStateRoot: root('a1'),
  newStateRoot: root('b2'),
  dataHash: root('c3'),
  withdrawalRoot: root('d4'),
};

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return isMetisError(e) ? e.code : `uncoded: ${(e as Error).message}`;
  }
  return undefined;
};
const hexSig = (r: bigint, s: bigint, v: number): Hex => `0x${r.toString(16).padStart(64, '0')}${s.toString(16).padStart(64, '0')}${v.toString(16).padStart(2, '0')}`;
const parts = (sig: Hex): { r: bigint; s: bigint; v: number } => ({ r: BigInt(sig.slice(0, 66)), s: BigInt(`0x${sig.slice(66, 130)}`), v: parseInt(sig.slice(130), 16) });

describe('EIP-712 attestation', () => {
  it('digest: ethers, viem and a hand-made abi.encode (as RangerAttestations.sol) agree', () => {
    const typeHash = keccak256(toUtf8Bytes('Attestation(uint256 chainId,uint64 batchIndex,bytes32 prevStateRoot,bytes32 newStateRoot,bytes32 dataHash,bytes32 withdrawalRoot)'));
    const coder = AbiCoder.defaultAbiCoder();
    const structHash = keccak256(
      coder.encode(['bytes32', 'uint256', 'uint64', 'bytes32', 'bytes32', 'bytes32', 'bytes32'], [typeHash, att.chainId, att.batchIndex, att.prevStateRoot, att.newStateRoot, att.dataHash, att.withdrawalRoot]),
    );
    const domainTypeHash = keccak256(toUtf8Bytes('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'));
    const separator = keccak256(
      coder.encode(['bytes32', 'bytes32', 'bytes32', 'uint256', 'address'], [domainTypeHash, keccak256(toUtf8Bytes('Metis Rangers')), keccak256(toUtf8Bytes('1')), 31337n, REGISTRY]),
    );
    const byHand = keccak256(concat(['0x1901', separator, structHash]));
    const viem = hashTypedData({
      domain: { name: 'Metis Rangers', version: '1', chainId: 31337n, verifyingContract: REGISTRY },
      types: { Attestation: ATTESTATION_TYPES.Attestation.map((f) => ({ name: f.name, type: f.type })) },
      primaryType: 'Attestation',
      message: { ...att },
    });
    expect(attestationDigest(domain, att)).toBe(byHand);
    expect(viem).toBe(byHand);
    expect(domain).toEqual({ name: 'Metis Rangers', version: '1', chainId: 31337n, verifyingContract: REGISTRY.toLowerCase() });
  });

  it('signs and recovers (lower-case signer), and viem recovers the same signer', async () => {
    const sig = await signAttestation(wallet, domain, att);
    expect(sig).toMatch(/^0x[0-9a-f]{130}$/);
    expect([27, 28]).toContain(parts(sig).v);
    expect(parts(sig).s <= N / 2n).toBe(true);
    expect(recoverSigner(domain, att, sig)).toBe(wallet.address.toLowerCase());
    const viemSigner = await recoverTypedDataAddress({
      domain: { name: 'Metis Rangers', version: '1', chainId: 31337n, verifyingContract: REGISTRY },
      types: { Attestation: ATTESTATION_TYPES.Attestation.map((f) => ({ name: f.name, type: f.type })) },
      primaryType: 'Attestation',
      message: { ...att },
      signature: sig,
    });
    expect(viemSigner.toLowerCase()).toBe(wallet.address.toLowerCase());
    // upper-case hex in, same digest and signer
    const upper = { ...att, dataHash: att.dataHash.toUpperCase().replace('0X', '0x') as Hex };
    expect(attestationDigest(domain, upper)).toBe(attestationDigest(domain, att));
    expect(recoverSigner(domain, upper, sig.toUpperCase().replace('0X', '0x') as Hex)).toBe(wallet.address.toLowerCase());
  });

  it('a signature binds every field and the domain: change one, another (or no) signer comes out', async () => {
    const sig = await signAttestation(wallet, domain, att);
    const me = wallet.address.toLowerCase();
    const variants: Attestation[] = [
      { ...att, chainId: 902n },
      { ...att, batchIndex: 8n },
      { ...att, prevStateRoot: root('a2') },
      { ...att, newStateRoot: root('b3') },
      { ...att, dataHash: root('c4') },
      { ...att, withdrawalRoot: root('d5') },
    ];
    for (const v of variants) expect(recoverSigner(domain, v, sig)).not.toBe(me);
    expect(recoverSigner(rangerDomain(1n, REGISTRY), att, sig)).not.toBe(me);
    expect(recoverSigner(rangerDomain(31337n, '0x0000000000000000000000000000000000000001'), att, sig)).not.toBe(me);
  });

  it('rejects high s (its malleable twin, which plain ecrecover accepts), v outside {27,28}, bad r/s and lengths', async () => {
    const sig = await signAttestation(wallet, domain, att);
    const { r, s, v } = parts(sig);
    const twin = hexSig(r, N - s, v === 27 ? 28 : 27);
    // the twin is a valid secp256k1 signature of the same digest...
    expect(await viemRecoverAddress({ hash: attestationDigest(domain, att), signature: twin })).toBe(wallet.address);
    // ...that OpenZeppelin's ECDSA.recover, and so we, refuse
    expect(code(() => recoverSigner(domain, att, twin))).toBe('METIS-902');
    for (const badV of [0, 1, 26, 29, 255]) expect(code(() => recoverSigner(domain, att, hexSig(r, s, badV))), `v ${badV}`).toBe('METIS-902');
    expect(code(() => recoverSigner(domain, att, hexSig(0n, s, v)))).toBe('METIS-902');
    expect(code(() => recoverSigner(domain, att, hexSig(N, s, v)))).toBe('METIS-902');
    expect(code(() => recoverSigner(domain, att, hexSig(r, 0n, v)))).toBe('METIS-902');
    expect(code(() => recoverSigner(domain, att, sig.slice(0, -2) as Hex))).toBe('METIS-902');
    expect(code(() => recoverSigner(domain, att, `${sig}00` as Hex))).toBe('METIS-902');
    expect(code(() => recoverSigner(domain, att, `0x${'zz'.repeat(65)}`))).toBe('METIS-902');
    expect(code(() => recoverSigner(domain, att, new Uint8Array(64)))).toBe('METIS-902');
    // an r that is no curve point's x: nothing recovers
    let offCurve: Hex | undefined;
    for (let x = 1n; x < 100n && !offCurve; x++) {
      const candidate = hexSig(x, s, v);
      try {
        recoverAddress(attestationDigest(domain, att), candidate);
      } catch {
        offCurve = candidate;
      }
    }
    expect(offCurve).toBeDefined();
    expect(code(() => recoverSigner(domain, att, offCurve!))).toBe('METIS-902');
    // bytes work as well as hex
    expect(recoverSigner(domain, att, Buffer.from(sig.slice(2), 'hex'))).toBe(wallet.address.toLowerCase());
  });

  it('refuses malformed attestations (METIS-901): out-of-range integers, numbers for bigints, roots not 32 bytes', async () => {
    const bad: unknown[] = [
      { ...att, batchIndex: 1n << 64n },
      { ...att, batchIndex: -1n },
      { ...att, batchIndex: 7 },
      { ...att, chainId: 1n << 256n },
      { ...att, chainId: 901 },
      { ...att, prevStateRoot: root('a1').slice(0, 64) },
      { ...att, newStateRoot: `${root('b2')}00` },
      { ...att, dataHash: `0x${'g'.repeat(64)}` },
      { ...att, withdrawalRoot: undefined },
      null,
    ];
    for (const b of bad) {
      expect(code(() => normalizeAttestation(b as Attestation))).toBe('METIS-901');
      expect(code(() => attestationDigest(domain, b as Attestation))).toBe('METIS-901');
    }
    await expect(signAttestation(wallet, domain, bad[0] as Attestation)).rejects.toMatchObject({ code: 'METIS-901' });
    expect(code(() => rangerDomain(1n, 'not an address'))).toBe('METIS-901');
    expect(code(() => rangerDomain(0n, REGISTRY))).toBe('METIS-901');
    // the extremes are fine
    expect(normalizeAttestation({ ...att, chainId: (1n << 256n) - 1n, batchIndex: (1n << 64n) - 1n })).toBeTruthy();
  });

  it('signAttestation refuses what a misbehaving signer returns: another key, a high-s signature', async () => {
    const liar = { address: wallet.address, signTypedData: other.signTypedData.bind(other) };
    await expect(signAttestation(liar, domain, att)).rejects.toMatchObject({ code: 'METIS-902' });
    const malleable = {
      signTypedData: async (...args: Parameters<Wallet['signTypedData']>): Promise<string> => {
        const { r, s, v } = parts((await wallet.signTypedData(...args)) as Hex);
        return hexSig(r, N - s, v === 27 ? 28 : 27);
      },
    };
    await expect(signAttestation(malleable, domain, att)).rejects.toMatchObject({ code: 'METIS-902' });
  });
});

describe('wire codec (234 bytes)', () => {
  it('lays out version ‖ chainId ‖ batchIndex ‖ roots ‖ r ‖ s ‖ v and round-trips', async () => {
    const signed: SignedAttestation = { attestation: att, signature: await signAttestation(wallet, domain, att) };
    const bytes = encodeAttestation(signed);
    expect(bytes.length).toBe(ATTESTATION_WIRE_LENGTH);
    expect(ATTESTATION_WIRE_LENGTH).toBe(234);
    const hex = Buffer.from(bytes).toString('hex');
    expect(hex.slice(0, 2)).toBe('01');
    expect(hex.slice(2, 66)).toBe(901n.toString(16).padStart(64, '0'));
    expect(hex.slice(66, 82)).toBe('0000000000000007');
    expect(hex.slice(82, 338)).toBe(`${'a1'.repeat(32)}${'b2'.repeat(32)}${'c3'.repeat(32)}${'d4'.repeat(32)}`);
    expect(`0x${hex.slice(338)}`).toBe(signed.signature);
    expect(decodeAttestation(bytes)).toEqual(signed);
    expect(encodeAttestation(decodeAttestation(bytes))).toEqual(bytes);
    // a view into a larger buffer decodes the same
    const big = new Uint8Array(300);
    big.set(bytes, 33);
    expect(decodeAttestation(big.subarray(33, 33 + 234))).toEqual(signed);
    // upper-case in, lower-case out, same bytes
    const upper: SignedAttestation = { attestation: { ...att, dataHash: `0x${'C3'.repeat(32)}` }, signature: signed.signature.toUpperCase().replace('0X', '0x') as Hex };
    expect(encodeAttestation(upper)).toEqual(bytes);
    // the extremes of the integer fields
    const max = { ...att, chainId: (1n << 256n) - 1n, batchIndex: (1n << 64n) - 1n };
    const maxSigned = { attestation: max, signature: await signAttestation(wallet, domain, max) };
    expect(decodeAttestation(encodeAttestation(maxSigned))).toEqual(maxSigned);
  });

  it('decodes strictly: exact length, version 0x01 (METIS-901); a canonical signature (METIS-902)', async () => {
    const signed: SignedAttestation = { attestation: att, signature: await signAttestation(wallet, domain, att) };
    const bytes = encodeAttestation(signed);
    for (const len of [0, 1, 233, 235, 468]) {
      const b = new Uint8Array(len);
      b.set(bytes.subarray(0, Math.min(len, 234)));
      expect(code(() => decodeAttestation(b)), `length ${len}`).toBe('METIS-901');
    }
    for (const version of [0x00, 0x02, 0xff]) {
      const b = bytes.slice();
      b[0] = version;
      expect(code(() => decodeAttestation(b)), `version ${version}`).toBe('METIS-901');
    }
    expect(code(() => decodeAttestation('not bytes' as unknown as Uint8Array))).toBe('METIS-901');
    const { r, s, v } = parts(signed.signature);
    const withSig = (sig: Hex): Uint8Array => {
      const b = bytes.slice();
      b.set(Buffer.from(sig.slice(2), 'hex'), 169);
      return b;
    };
    expect(code(() => decodeAttestation(withSig(hexSig(r, N - s, v === 27 ? 28 : 27))))).toBe('METIS-902');
    expect(code(() => decodeAttestation(withSig(hexSig(r, s, v - 27))))).toBe('METIS-902');
    expect(code(() => decodeAttestation(withSig(hexSig(0n, s, v))))).toBe('METIS-902');
    expect(code(() => decodeAttestation(new Uint8Array(234).fill(1)))).toBe('METIS-902');
    // encoding refuses what decoding would refuse
    expect(code(() => encodeAttestation({ ...signed, signature: hexSig(r, N - s, v) }))).toBe('METIS-902');
    expect(code(() => encodeAttestation({ ...signed, attestation: { ...att, batchIndex: 1n << 64n } }))).toBe('METIS-901');
  });

  it('random bytes of the right length and version: decoded (and then re-encoded to the same bytes) or refused with a code, never an uncoded error', () => {
    let decoded = 0;
    for (let i = 0; i < 100; i++) {
      const b = new Uint8Array(234);
      crypto.getRandomValues(b);
      b[0] = 1;
      b[233] = 27 + (i % 2);
      b[201] = b[201]! & 0x7f; // low s, mostly
      try {
        const s = decodeAttestation(b);
        decoded++;
        expect(encodeAttestation(s)).toEqual(b);
        try {
          recoverSigner(domain, s.attestation, s.signature);
        } catch (e) {
          expect(isMetisError(e, 'ATTESTATION_SIGNATURE_INVALID')).toBe(true);
        }
      } catch (e) {
        expect(isMetisError(e)).toBe(true);
      }
    }
    expect(decoded).toBeGreaterThan(50);
  });
});

describe('input, output, equivocation', () => {
  it('sameInput compares chainId, batchIndex, prevStateRoot, dataHash; isEquivocation needs another output', () => {
    expect(sameInput(att, { ...att, newStateRoot: root('ff') })).toBe(true);
    expect(sameInput(att, { ...att, withdrawalRoot: root('ff') })).toBe(true);
    expect(sameInput(att, { ...att, dataHash: `0x${'C3'.repeat(32)}` })).toBe(true);
    for (const diff of [{ chainId: 1n }, { batchIndex: 8n }, { prevStateRoot: root('ff') }, { dataHash: root('ff') }]) expect(sameInput(att, { ...att, ...diff })).toBe(false);
    expect(isEquivocation(att, att)).toBe(false);
    expect(isEquivocation(att, { ...att, newStateRoot: root('ff') })).toBe(true);
    expect(isEquivocation(att, { ...att, withdrawalRoot: root('ff') })).toBe(true);
    expect(isEquivocation(att, { ...att, batchIndex: 8n, newStateRoot: root('ff') })).toBe(false);
    expect(isEquivocation(att, { ...att, prevStateRoot: root('ff'), newStateRoot: root('ff') })).toBe(false);
    expect(sameAttestation(att, { ...att })).toBe(true);
  });

  it('equivocationSigner: one key, same input, two outputs', async () => {
    const conflicting = { ...att, newStateRoot: root('ee') };
    const a = { attestation: att, signature: await signAttestation(wallet, domain, att) };
    const b = { attestation: conflicting, signature: await signAttestation(wallet, domain, conflicting) };
    const c = { attestation: conflicting, signature: await signAttestation(other, domain, conflicting) };
    expect(equivocationSigner(domain, a, b)).toBe(wallet.address.toLowerCase());
    expect(equivocationSigner(domain, a, c)).toBeUndefined(); // two keys
    expect(equivocationSigner(domain, a, a)).toBeUndefined(); // same output
    expect(code(() => equivocationSigner(domain, a, { ...b, signature: `0x${'00'.repeat(65)}` }))).toBe('METIS-902');
  });
});
