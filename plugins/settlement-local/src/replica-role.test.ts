import { describe, expect, it } from 'vitest';
import { configIssues, validateConfig, type MetisError } from '@metis/core';
import { localSettlement } from './plugin.js';

describe('local settlement and the node role', () => {
  it('is refused on a replica, with the reason, and accepted on a sequencer', () => {
    let error: MetisError | undefined;
    try {
      validateConfig({ chainId: 1, role: 'replica', plugins: [localSettlement()] });
    } catch (e) {
      error = e as MetisError;
    }
    expect(error?.is('CONFIG_INVALID')).toBe(true);
    expect(configIssues(error!)).toEqual([{ path: 'plugins[0].settlement-local.role', message: expect.stringMatching(/use the l1 plugin/) }]);
    expect(validateConfig({ chainId: 1, plugins: [localSettlement()] }).role).toBe('sequencer');
  });
});
