import type { Common } from '@ethereumjs/common';

interface CommonInternals {
  _activatedEIPsCache: number[];
}

/**
 * Replaces `common.isActivatedEIP` (an `Array.includes` over ~60 EIPs, called several times per opcode)
 * with a Set lookup. The Set is rebuilt whenever Common replaces its array (on a hardfork or EIP change),
 * and the override uses `this`, so copies made by `common.copy()` (the VM and EVM make some) stay right.
 */
export function useFastEipLookup(common: Common): void {
  let source: number[] | undefined;
  let set = new Set<number>();
  common.isActivatedEIP = function isActivatedEIP(this: Common, eip: number): boolean {
    const current = (this as unknown as CommonInternals)._activatedEIPsCache;
    if (current !== source) {
      source = current;
      set = new Set(current);
    }
    return set.has(eip);
  };
}
