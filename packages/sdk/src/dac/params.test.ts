import { getAddress, parseEther } from 'ethers';
import { describe, expect, it } from 'vitest';
import { isSdkError } from '../errors.js';
import { DEFAULT_DAC_PARAMS, formatDacParams, formatDuration, parseDacParams, parseDuration, toDacParams } from './params.js';
import { dacInterface } from './contracts.js';
import { describeDacFailure } from './send.js';

const invalid = (f: () => unknown): void => {
  try {
    f();
  } catch (e) {
    expect(isSdkError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true);
    return;
  }
  throw new Error('expected INVALID_ARGUMENT');
};

describe('DAC parameters', () => {
  it('defaults are those of a live chain', () => {
    expect(DEFAULT_DAC_PARAMS).toEqual({
      bondSize: parseEther('0.1'),
      initialReputation: 100n,
      reputationStep: 10n,
      challengeWindow: 86_400n,
      voteWindow: 172_800n,
      executionDelay: 86_400n,
      quorumBps: 2000n,
    });
    expect(formatDacParams(DEFAULT_DAC_PARAMS)).toEqual({
      bondSize: '0.1',
      initialReputation: '100',
      reputationStep: '10',
      challengeWindow: '1d',
      voteWindow: '2d',
      executionDelay: '1d',
      quorumBps: '20%',
    });
  });

  it('validates as DacRegistry does, over defaults', () => {
    expect(toDacParams({ bondSize: 5n })).toEqual({ ...DEFAULT_DAC_PARAMS, bondSize: 5n });
    expect(toDacParams({ executionDelay: 0n, reputationStep: 0n, quorumBps: 0n }).executionDelay).toBe(0n);
    invalid(() => toDacParams({ bondSize: 0n }));
    invalid(() => toDacParams({ initialReputation: 0n }));
    invalid(() => toDacParams({ challengeWindow: 0n }));
    invalid(() => toDacParams({ voteWindow: 2n ** 64n }));
    invalid(() => toDacParams({ quorumBps: 10_001n }));
    invalid(() => toDacParams({ bondSize: 1 as never }));
  });

  it('parses and formats text', () => {
    expect(parseDacParams({ bondSize: '0.5', challengeWindow: '12h', voteWindow: '1d12h', executionDelay: '90', quorumBps: '33.5%', initialReputation: '50' })).toEqual({
      ...DEFAULT_DAC_PARAMS,
      bondSize: parseEther('0.5'),
      challengeWindow: 43_200n,
      voteWindow: 129_600n,
      executionDelay: 90n,
      quorumBps: 3350n,
      initialReputation: 50n,
    });
    expect(parseDacParams({ quorumBps: '5000' }).quorumBps).toBe(5000n);
    invalid(() => parseDacParams({ quorumBps: '101%' }));
    invalid(() => parseDacParams({ reputationStep: '-1' }));
    invalid(() => parseDacParams({ nope: '1' } as never));
    expect(parseDuration('2w')).toBe(1_209_600n);
    invalid(() => parseDuration('1 day'));
    expect(formatDuration(5400n)).toBe('1h30m');
    expect(formatDuration(0n)).toBe('0s');
  });
});

describe('DAC reverts', () => {
  it('are named with a hint, including errors of the contracts the predeploys call', () => {
    const iface = dacInterface('proposals');
    const wrap = (data: string) => ({ code: 'CALL_EXCEPTION', data });
    const notMember = iface.encodeErrorResult('NotMember', [1n, '0x00000000000000000000000000000000000000aa']);
    expect(describeDacFailure(wrap(notMember), iface).reason).toBe(`NotMember(1, ${getAddress('0x00000000000000000000000000000000000000aa')}): the account is not a member of this DAC`);
    const cap = iface.encodeErrorResult('ERC20ExceededCap', [11n, 10n]);
    expect(describeDacFailure(wrap(cap), iface).reason).toBe("ERC20ExceededCap(11, 10): the mint would exceed the token's cap");
    const status = dacInterface('commitments').encodeErrorResult('WrongStatus', [4n, 4]);
    expect(describeDacFailure(wrap(status), iface).reason).toBe('WrongStatus(4, 4): the commitment is Kept, which does not allow this');
  });
});
