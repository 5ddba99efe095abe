import { defineConfig } from '@metis/core';
import { dac } from '@metis/dac';
import { evm } from '@metis/evm';
import { mempool } from '@metis/mempool';
import { rpc } from '@metis/rpc';
import { sequencer } from '@metis/sequencer';
import { localSettlement } from '@metis/settlement-local';
import { token } from '@metis/token';

/**
 * A chain for decentralized autonomous companies: `npm start` here, then the `metis dac` and `metis token`
 * commands (README.md). dac() places the DAC predeploys in the genesis and serves the metis_dac* views;
 * token() adds the token factory (a DAC launches and mints its token by proposal).
 */
export default defineConfig({
  chainId: 4343,
  name: 'dac-chain',
  // Relative to this file; delete the folder to start over from genesis (the predeploys are in the genesis).
  dataDir: '.metis/data',
  logLevel: 'info',
  plugins: [
    evm({
      genesis: {
        alloc: {
          // Accounts 0 and 1 of "test test test test test test test test test test test junk" (Hardhat/anvil):
          // public keys, devnets only.
          '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266': { balance: 10_000n * 10n ** 18n },
          '0x70997970C51812dc3A010C7d01b50e0d17dc79C8': { balance: 10_000n * 10n ** 18n },
        },
      },
    }),
    mempool(),
    sequencer({ blockTime: 1000 }),
    localSettlement(),
    rpc({ host: '127.0.0.1', port: Number(process.env.METIS_RPC_PORT ?? 8545) }),
    dac({ maxPageSize: 100 }),
    token(),
  ],
});
