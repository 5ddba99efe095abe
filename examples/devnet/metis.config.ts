import { defineConfig } from '@metis/core';
import { evm } from '@metis/evm';
import { mempool } from '@metis/mempool';
import { rpc } from '@metis/rpc';
import { sequencer } from '@metis/sequencer';
import { localSettlement } from '@metis/settlement-local';

/**
 * A minimal local devnet: `npm start` here, or `metis start --config examples/devnet/metis.config.ts`.
 * Copy it as the starting point of your own rollup.
 */
export default defineConfig({
  chainId: 1337,
  name: 'devnet',
  // Relative to this file; delete the folder to start over from genesis.
  dataDir: '.metis/data',
  logLevel: 'info',
  plugins: [
    evm({
      genesis: {
        alloc: {
          // Account 0 of "test test test test test test test test test test test junk" (Hardhat/anvil).
          // Private key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80: public, devnets only.
          '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266': { balance: 10_000n * 10n ** 18n },
        },
      },
    }),
    mempool({}),
    sequencer({ blockTime: 1000 }),
    localSettlement({}),
    rpc({ host: '127.0.0.1', port: Number(process.env.METIS_RPC_PORT ?? 8545) }),
  ],
});
