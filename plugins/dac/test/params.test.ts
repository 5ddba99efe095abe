import { isMetisError } from '@metis/core';
import { describe, expect, it } from 'vitest';
import { addressParam, countParam, dacRefParam, idParam, optionsParam } from '../src/params.js';
import { matchesFilter, proposalState } from '../src/views.js';

const bad = (f: () => unknown): boolean => {
  try {
    f();
    return false;
  } catch (e) {
    return isMetisError(e, 'DAC_INVALID_PARAMS');
  }
};

describe('metis_dac* params', () => {
  it('ids: numbers, quantities or decimal strings, positive', () => {
    expect(idParam(3, 'id')).toBe(3n);
    expect(idParam('0x10', 'id')).toBe(16n);
    expect(idParam('42', 'id')).toBe(42n);
    for (const v of [0, -1, 1.5, '0x', 'abc', null, undefined, {}, '0x0']) expect(bad(() => idParam(v, 'id')), String(v)).toBe(true);
  });

  it('a DAC is an id or a name', () => {
    expect(dacRefParam(1)).toBe(1n);
    expect(dacRefParam('0x2')).toBe(2n);
    expect(dacRefParam('acme')).toBe('acme');
    for (const v of ['', 'x'.repeat(129), 0, true, null]) expect(bad(() => dacRefParam(v)), String(v)).toBe(true);
  });

  it('addresses, options objects and counts', () => {
    expect(addressParam('0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'a')).toBe('0x70997970c51812dc3a010c7d01b50e0d17dc79c8');
    expect(bad(() => addressParam('0x12', 'a'))).toBe(true);
    expect(optionsParam(undefined, 'o', ['limit'])).toEqual({});
    expect(bad(() => optionsParam({ limt: 1 }, 'o', ['limit']))).toBe(true);
    expect(bad(() => optionsParam([], 'o', ['limit']))).toBe(true);
    expect(countParam(undefined, 'limit', 1, 100, 20)).toBe(20);
    expect(countParam('0x5', 'limit', 1, 100, 20)).toBe(5);
    expect(bad(() => countParam(101, 'limit', 1, 100, 20))).toBe(true);
    expect(bad(() => countParam(0, 'limit', 1, 100, 20))).toBe(true);
  });

  it('proposal states and commitment filters', () => {
    const p = { executed: false, voteEnd: 100n, executableAt: 110n, forVotes: 10n, againstVotes: 5n, quorum: 10n };
    expect(proposalState(p, 100n)).toBe('active');
    expect(proposalState(p, 105n)).toBe('queued');
    expect(proposalState(p, 110n)).toBe('executable');
    expect(proposalState({ ...p, forVotes: 5n }, 110n)).toBe('defeated');
    expect(proposalState({ ...p, quorum: 100n }, 110n)).toBe('defeated');
    expect(proposalState({ ...p, executed: true }, 0n)).toBe('executed');
    expect(matchesFilter('delivered', 'active')).toBe(true);
    expect(matchesFilter('kept', 'active')).toBe(false);
    expect(matchesFilter('slashed', 'resolved')).toBe(true);
    expect(matchesFilter('open', 'open')).toBe(true);
    expect(matchesFilter('open', undefined)).toBe(true);
  });
});
