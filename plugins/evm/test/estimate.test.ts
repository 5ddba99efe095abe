import type { Hex } from '@metis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ADDRS, genesis, openChain, tempDir } from './helpers.js';
import { rpc } from './rpc-helpers.js';

/**
 * Runtime code that succeeds once per state: `if (sload(0) != 0) revert(); sstore(0, 1)`. Every attempt of the
 * estimate's search must start from the head's state, or every attempt after the first reverts.
 */
const ONCE = ('0x600054600c57600160005500' + '5b60006000fd') as Hex;
const AT = '0x0000000000000000000000000000000000000ce1' as Hex;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('eth_estimateGas', () => {
  it('runs every attempt of its search on the same state (a call that succeeds only once)', async () => {
    const { dir, cleanup } = await tempDir();
    const spec = genesis();
    const chain = await openChain(dir, { ...spec, alloc: { ...spec.alloc, [AT]: { code: ONCE, balance: 0n } } });
    cleanups.push(async () => {
      await chain.close();
      await cleanup();
    });
    const call = rpc(chain);
    const gas = BigInt(await call('eth_estimateGas', { from: ADDRS[0], to: AT }, 'latest'));
    // 21,000 intrinsic + a cold SLOAD and a fresh SSTORE: far below the 30M-50M cap a broken search would return.
    expect(gas).toBeGreaterThan(21_000n + 22_100n);
    expect(gas).toBeLessThan(70_000n);
    // Estimating again gives the same figure: nothing the attempts wrote stayed.
    expect(BigInt(await call('eth_estimateGas', { from: ADDRS[0], to: AT }, 'latest'))).toBe(gas);
    expect(await call('eth_getStorageAt', AT, '0x0', 'latest')).toBe(`0x${'0'.repeat(64)}`);
  });
});
