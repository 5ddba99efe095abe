import { makeError } from 'ethers';
import { describe, expect, it } from 'vitest';
import { rangerErrorInterface, revertName } from './ranger-l1.js';

describe('revertName', () => {
  const errors = rangerErrorInterface();
  it('names the custom error of a ranger contract however the revert arrives', () => {
    const data = errors.encodeErrorResult('AlreadyReported', [901n, '0x00000000000000000000000000000000000000aa', 3n]);
    // From the TxSender (L1_TX_FAILED with the decoded name).
    expect(revertName({ data: { errorName: 'InsufficientQuorum' } })).toBe('InsufficientQuorum');
    // A raw CALL_EXCEPTION (a provider's estimateGas): decoded from its data.
    expect(revertName(makeError('execution reverted', 'CALL_EXCEPTION', { action: 'estimateGas', data, reason: null, transaction: { to: null, data: '0x' }, invocation: null, revert: null }))).toBe('AlreadyReported');
    // Errors of the inbox and the quorum library are known too.
    const quorum = errors.encodeErrorResult('InsufficientQuorum', [1n, 5n]);
    expect(revertName(makeError('execution reverted', 'CALL_EXCEPTION', { action: 'call', data: quorum, reason: null, transaction: { to: null, data: '0x' }, invocation: null, revert: null }))).toBe('InsufficientQuorum');
    expect(revertName(new Error('network down'))).toBeUndefined();
  });
});
