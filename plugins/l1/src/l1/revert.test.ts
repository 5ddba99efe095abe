import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { decodeRevert } from './revert.js';

const custom = new Interface(['error CustomFailure(address caller, uint256 code, string reason)']);
const builtin = new Interface(['error Error(string)', 'error Panic(uint256)']);

describe('decodeRevert', () => {
  it('decodes custom errors with the given ABI, and the built-in Error / Panic without one', () => {
    const data = custom.encodeErrorResult('CustomFailure', [`0x${'ab'.repeat(20)}`, 7n, 'custom']);
    expect(decodeRevert(data, custom)).toMatchObject({ name: 'CustomFailure', args: [expect.stringMatching(/^0x[aAbB]{40}$/), 7n, 'custom'] });
    expect(decodeRevert(data, custom).text).toMatch(/^CustomFailure\(0x[0-9a-fA-F]{40}, 7, "custom"\)$/);
    expect(decodeRevert(builtin.encodeErrorResult('Error', ['nope'])).text).toBe('Error("nope")');
    expect(decodeRevert(builtin.encodeErrorResult('Panic', [0x12n])).text).toBe('Panic(18)');
  });

  it('falls back to the raw data for unknown or malformed reverts, and never throws', () => {
    const data = custom.encodeErrorResult('CustomFailure', [`0x${'ab'.repeat(20)}`, 7n, 'custom']);
    expect(decodeRevert(data)).toEqual({ data, text: `revert data ${data}` });
    expect(decodeRevert(data.slice(0, 20), custom).name).toBeUndefined();
    expect(decodeRevert(undefined).text).toBe('reverted without data');
    expect(decodeRevert('0x1234').text).toBe('revert data 0x1234');
  });
});
