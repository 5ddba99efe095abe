import { Common, Hardfork, Mainnet, createCustomCommon } from '@ethereumjs/common';
import { ecrecover } from './crypto/ecrecover.js';
import { keccak256 } from './crypto/keccak.js';
import { useFastEipLookup } from './vm/fast-eip-lookup.js';

/** Prague rules for the L2's chain id, with native sender recovery and keccak where available. */
export function createEvmCommon(chainId: bigint): Common {
  const common = createCustomCommon(
    { chainId: Number(chainId), name: `metis-${chainId}` },
    Mainnet,
    { hardfork: Hardfork.Prague, customCrypto: { ecrecover, keccak256 } },
  );
  useFastEipLookup(common);
  return common;
}
