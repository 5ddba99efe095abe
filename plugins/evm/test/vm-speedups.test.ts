import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { hexToBytes } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { useFastEipLookup } from '../src/vm/fast-eip-lookup.js';
import { installJumpAnalysisCache } from '../src/vm/jump-analysis-cache.js';

const EIPS = Array.from({ length: 8000 }, (_, i) => i);

describe('fast EIP lookup', () => {
  it('answers exactly like Common, also after a hardfork change and on copies', () => {
    const plain = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    const fast = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });
    useFastEipLookup(fast);
    const active = (c: Common) => EIPS.filter((e) => c.isActivatedEIP(e));
    expect(active(fast)).toEqual(active(plain));
    expect(active(fast)).toContain(7702);
    fast.setHardfork(Hardfork.London);
    plain.setHardfork(Hardfork.London);
    expect(active(fast)).toEqual(active(plain));
    expect(fast.isActivatedEIP(7702)).toBe(false);
    const copy = fast.copy();
    copy.setHardfork(Hardfork.Prague);
    expect(copy.isActivatedEIP(7702)).toBe(true);
    expect(fast.isActivatedEIP(7702)).toBe(false);
  });
});

describe('jump analysis cache', () => {
  it('patches the interpreter and keeps jumps working across repeated calls of the same code', async () => {
    expect(await installJumpAnalysisCache()).toBe(true);
    const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Prague }) });
    // PUSH1 4, JUMP, INVALID, JUMPDEST, PUSH1 42, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN
    const jumps = hexToBytes('0x600456fe5b602a60005260206000f3');
    // PUSH1 3, JUMP, JUMPDEST-inside-push (0x605b), ...: jumping to 3 lands inside PUSH1's data: invalid.
    const intoPush = hexToBytes('0x600356605b00');
    for (let i = 0; i < 3; i++) {
      const ok = await evm.runCode({ code: jumps, gasLimit: 100_000n });
      expect(ok.executionGasUsed > 0n).toBe(true);
      expect(ok.returnValue[31]).toBe(42);
      const bad = await evm.runCode({ code: intoPush, gasLimit: 100_000n });
      expect(bad.exceptionError?.error).toMatch(/^invalid JUMP/);
    }
  });
});
