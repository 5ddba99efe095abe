import { randomBytes } from 'node:crypto';
import { isMetisError, type DataAvailability, type Hex } from '@metis/core';
import { hexlify, keccak256 } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What a DA plugin gives the conformance suite. */
export interface DaHarness {
  /** A fresh DA instance (a new client, a new node process) over the same persistent storage or network as before. */
  open(): Promise<DataAvailability>;
  /** Releases what `open()` made (stops clients, nodes). */
  close(da: DataAvailability): Promise<void>;
  /** Size of the large round trip, in bytes (default 1 MiB + 1 byte), for backends with limits or slow publishing. */
  readonly largeBytes?: number;
}

/** Default size of the large round trip: just over 1 MiB, so chunked backends need more than one chunk. */
export const DA_CONFORMANCE_LARGE_BYTES = 1024 * 1024 + 1;

/** Codes a refused `retrieve` may carry for a commitment nothing was published under, or one that is malformed. */
const NOT_RETRIEVABLE = ['DA_UNAVAILABLE', 'DA_INVALID'];

const hashOf = (data: Uint8Array): Hex => keccak256(data) as Hex;
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** The MetisError name `promise` rejects with; fails the test if it resolves or rejects with anything else. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  let result: unknown;
  try {
    result = await promise;
  } catch (e) {
    if (isMetisError(e)) return e.descriptor.name;
    expect.fail(`expected a MetisError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  return expect.fail(`expected a MetisError, but it resolved (${result instanceof Uint8Array ? `${result.length} bytes` : String(result)})`);
}

/** `got` is `want`: same keccak-256, same bytes (compared without printing megabytes on failure). */
function expectSameData(got: Uint8Array, want: Uint8Array): void {
  expect(got).toBeInstanceOf(Uint8Array);
  expect(got.length).toBe(want.length);
  expect(hashOf(got)).toBe(hashOf(want));
  expect(Buffer.compare(got, want)).toBe(0);
}

/**
 * Registers `describe('DA conformance: <name>')`: the behaviour every `DataAvailability` must have, whatever
 * stores the data. A DA plugin runs it from one of its test files with its own setup and teardown:
 *
 * ```ts
 * import { daConformanceSuite } from '@metis/testkit';
 *
 * let backend: Backend;
 * daConformanceSuite(
 *   'my-da',
 *   async () => {
 *     backend = await startBackend(); // storage or network that outlives one DA instance
 *     return { open: async () => new MyDA(backend.url), close: async (da) => (da as MyDA).stop() };
 *   },
 *   () => backend?.stop(),
 * );
 * ```
 *
 * `setup` runs once before the tests, then `open()` gives the instance they use; the restart test closes it
 * and opens another over the same storage (persistence). After the tests the open instance is closed, then
 * `teardown` runs (even when setup failed half way, so it must cope with that).
 *
 * The rules checked:
 * - `kind` is a positive integer, `name` a non-empty string;
 * - small, empty and large (`largeBytes`) data round-trip: `retrieve(publish(data), keccak256(data))` is `data`;
 * - several publishes, of the same and of different data, each retrieve their own data (publishing the same
 *   data twice may give the same commitment or another);
 * - `retrieve` with an expected hash that is not the data's fails with DA_INVALID;
 * - a well-formed commitment nothing was published under (a real one with its last byte changed: for formats
 *   ending in a digest, such as L1 transaction hashes or CIDs, still well formed) fails with DA_UNAVAILABLE or
 *   DA_INVALID; so do malformed commitments (empty, random bytes, truncated). Never a success, never an
 *   uncoded error;
 * - data published by one instance is retrieved by the next one after a close and an open.
 */
export function daConformanceSuite(name: string, setup: () => Promise<DaHarness>, teardown?: () => Promise<void>): void {
  describe(`DA conformance: ${name}`, () => {
    let harness: DaHarness | undefined;
    let current: DataAvailability | undefined;
    const da = (): DataAvailability => {
      if (!current) throw new Error('no DA instance is open (setup or open() failed)');
      return current;
    };

    beforeAll(async () => {
      harness = await setup();
      current = await harness.open();
    }, 120_000);

    afterAll(async () => {
      try {
        if (harness && current) await harness.close(current);
      } finally {
        current = undefined;
        await teardown?.();
      }
    }, 120_000);

    it('has a positive integer kind and a non-empty name', () => {
      const { kind, name } = da();
      expect(Number.isSafeInteger(kind) && kind > 0, `kind ${String(kind)}`).toBe(true);
      expect(typeof name).toBe('string');
      expect(name.trim()).not.toBe('');
    });

    it('round-trips small data', { timeout: 60_000 }, async () => {
      const data = Uint8Array.of(...new TextEncoder().encode('metis batch '), ...random(100));
      const commitment = await da().publish(data);
      expect(commitment).toBeInstanceOf(Uint8Array);
      expectSameData(await da().retrieve(commitment, hashOf(data)), data);
    });

    it('round-trips empty data', { timeout: 60_000 }, async () => {
      const empty = new Uint8Array(0);
      const commitment = await da().publish(empty);
      expectSameData(await da().retrieve(commitment, hashOf(empty)), empty);
      // and does not hand out empty data for a hash that is not the empty data's
      expect(await codeOf(da().retrieve(commitment, hashOf(Uint8Array.of(0))))).toBe('DA_INVALID');
    });

    it('round-trips large random data (DaHarness.largeBytes, 1 MiB + 1 byte by default)', { timeout: 180_000 }, async () => {
      const data = random(harness?.largeBytes ?? DA_CONFORMANCE_LARGE_BYTES);
      const commitment = await da().publish(data);
      expectSameData(await da().retrieve(commitment, hashOf(data)), data);
    });

    it('retrieves each of several publishes, of the same and of different data, as its own data', { timeout: 60_000 }, async () => {
      const a = random(64);
      const b = random(65);
      const c = new Uint8Array(a.length); // a's length, other bytes
      const published: Array<{ data: Uint8Array; commitment: Uint8Array }> = [];
      for (const data of [a, b, a, c]) published.push({ data, commitment: await da().publish(data) });
      // in reverse order; a's two commitments may be the same or not, but both retrieve a
      for (const { data, commitment } of [...published].reverse()) expectSameData(await da().retrieve(commitment, hashOf(data)), data);
      // a's commitment does not give b's data
      expect(await codeOf(da().retrieve(published[0]!.commitment, hashOf(b)))).toBe('DA_INVALID');
    });

    it('refuses data that does not match the expected hash (DA_INVALID)', { timeout: 60_000 }, async () => {
      const data = random(200);
      const commitment = await da().publish(data);
      const tampered = Uint8Array.from(data);
      tampered[100] ^= 1;
      expect(await codeOf(da().retrieve(commitment, hashOf(tampered)))).toBe('DA_INVALID');
      const hash = hashOf(data);
      const otherHash = `${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}` as Hex;
      expect(await codeOf(da().retrieve(commitment, otherHash))).toBe('DA_INVALID');
      // still retrievable with the right hash
      expectSameData(await da().retrieve(commitment, hash), data);
    });

    it('refuses a well-formed commitment nothing was published under (DA_UNAVAILABLE or DA_INVALID)', { timeout: 60_000 }, async () => {
      const data = random(50);
      const commitment = await da().publish(data);
      expect(commitment.length).toBeGreaterThan(0);
      const unknown = Uint8Array.from(commitment);
      unknown[unknown.length - 1] ^= 0xff;
      expect(NOT_RETRIEVABLE, `commitment ${hexlify(unknown)}`).toContain(await codeOf(da().retrieve(unknown, hashOf(data))));
    });

    it('refuses malformed commitments with a coded error (DA_INVALID or DA_UNAVAILABLE)', { timeout: 60_000 }, async () => {
      const data = random(50);
      const commitment = await da().publish(data);
      const malformed = {
        empty: new Uint8Array(0),
        'one random byte': random(1),
        '64 random bytes': random(64),
        'truncated by one byte': commitment.subarray(0, commitment.length - 1),
        'truncated to half': commitment.subarray(0, commitment.length >> 1),
      };
      for (const [what, bad] of Object.entries(malformed)) {
        expect(NOT_RETRIEVABLE, `${what}: ${hexlify(bad)}`).toContain(await codeOf(da().retrieve(bad, hashOf(data))));
      }
    });

    it('retrieves data published before a restart with a new instance', { timeout: 120_000 }, async () => {
      const data = random(300);
      const empty = new Uint8Array(0);
      const commitment = await da().publish(data);
      const emptyCommitment = await da().publish(empty);
      const h = harness!;
      const before = da();
      current = undefined;
      await h.close(before);
      current = await h.open();
      expect(current === before, 'open() gave back the closed instance').toBe(false); // (not.toBe deep-compares, slowly)
      expectSameData(await da().retrieve(commitment, hashOf(data)), data);
      expectSameData(await da().retrieve(emptyCommitment, hashOf(empty)), empty);
    });
  });
}
