import { describe, expect, it } from 'vitest';
import type { Hex } from '@metis/core';
import type { Attestation } from '../attestation/index.js';
import { reachesQuorum, tallies, tallyFor, type Vote } from './quorum.js';

const root = (b: number): Hex => `0x${b.toString(16).padStart(2, '0').repeat(32)}` as Hex;
const att = (newRoot: number, withdrawal = 0): Attestation => ({ chainId: 7n, batchIndex: 3n, prevStateRoot: root(1), newStateRoot: root(newRoot), dataHash: root(2), withdrawalRoot: root(withdrawal) });
const vote = (signer: string, a: Attestation, stake: bigint): Vote => ({ attestation: a, signature: `0x${signer.slice(2, 4).repeat(65)}` as Hex, signer: signer as Hex, stake });

describe('quorum math', () => {
  it('needs two thirds of the stake, as the contracts count it (signed * 3 >= total * 2), and some stake at all', () => {
    expect(reachesQuorum(2n, 3n)).toBe(true);
    expect(reachesQuorum(3n, 4n)).toBe(true);
    expect(reachesQuorum(2n, 4n)).toBe(false);
    expect(reachesQuorum(66n, 100n)).toBe(false);
    expect(reachesQuorum(67n, 100n)).toBe(true);
    expect(reachesQuorum(0n, 0n)).toBe(false);
  });

  it('groups votes by output, one per signer, signatures sorted by signer address, heaviest output first', () => {
    const good = att(9);
    const bad = att(8);
    const votes = [
      vote('0xcc00000000000000000000000000000000000003', good, 10n),
      vote('0x0a00000000000000000000000000000000000001', good, 10n),
      vote('0xBB00000000000000000000000000000000000002', good, 10n),
      vote('0xdd00000000000000000000000000000000000004', bad, 10n),
      // the same signer twice for one output counts once; no stake counts nothing
      vote('0x0a00000000000000000000000000000000000001', good, 10n),
      vote('0xee00000000000000000000000000000000000005', bad, 0n),
    ];
    const [first, second] = tallies(votes);
    expect(first!.attestation.newStateRoot).toBe(good.newStateRoot);
    expect(first!.signers).toEqual(['0x0a00000000000000000000000000000000000001', '0xbb00000000000000000000000000000000000002', '0xcc00000000000000000000000000000000000003']);
    expect(first!.signatures.map((s) => s.slice(2, 4))).toEqual(['0a', 'BB', 'cc']);
    expect(first!.stake).toBe(30n);
    expect(second!.stake).toBe(10n);
    expect(tallies(votes)).toHaveLength(2);
    // A different withdrawal root is another output.
    expect(tallies([vote('0x0a00000000000000000000000000000000000001', att(9, 1), 1n), vote('0x0b00000000000000000000000000000000000001', att(9, 2), 1n)])).toHaveLength(2);
    expect(tallyFor(votes, { newStateRoot: good.newStateRoot, withdrawalRoot: good.withdrawalRoot })?.stake).toBe(30n);
    expect(tallyFor(votes, { newStateRoot: root(7), withdrawalRoot: good.withdrawalRoot })).toBeUndefined();
  });
});
