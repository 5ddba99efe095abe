import { Common, Hardfork, Mainnet, createCustomCommon } from '@ethereumjs/common';
import { ecrecover } from './crypto/ecrecover.js';

/** Prague rules for the L2's chain id, with native sender recovery where available. */
export function createEvmCommon(chainId: bigint): Common {
  return createCustomCommon(
    { chainId: Number(chainId), name: `metis-${chainId}` },
    Mainnet,
    { hardfork: Hardfork.Prague, customCrypto: { ecrecover } },
  );
}
