import { computeAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { DEV_ADDRESSES, DEV_KEYS } from './dev-accounts.js';

describe('dev accounts', () => {
  it('pairs each key with its checksummed address', () => {
    expect(DEV_KEYS.map((k) => computeAddress(k))).toEqual([...DEV_ADDRESSES]);
  });
});
