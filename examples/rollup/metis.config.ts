import { defineConfig } from '@metis/core';
import { evm } from '@metis/evm';
import { calldataDa, l1 } from '@metis/l1';
import { mempool } from '@metis/mempool';
import { rpc } from '@metis/rpc';
import { sequencer } from '@metis/sequencer';

/**
 * A rollup on an L1: blocks every second, batches posted to the L1 (data in calldata, header to the
 * BatchInbox), deposits from the L1 Bridge credited once 2 L1 blocks deep.
 *
 * 1. `metis deploy --l1 <url> --out l1-deployment.json` (key in METIS_DEPLOYER_KEY) deploys the contracts.
 * 2. `METIS_PROPOSER_KEY=0x... metis start --config metis.config.ts` runs the sequencer; with `register`
 *    it registers the chain and bonds its proposer on the first start (drop `register` on a chain someone
 *    else registered).
 * 3. `metis start --config metis.config.ts --role replica --sequencer-rpc <url>` follows it from L1 alone.
 */
export default defineConfig({
  chainId: Number(process.env.METIS_CHAIN_ID ?? 4242),
  name: 'rollup',
  dataDir: '.metis/data',
  plugins: [
    evm({
      genesis: {
        alloc: {
          // Account 0 of "test test ... junk" (public key material: test networks only).
          '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266': { balance: 10_000n * 10n ** 18n },
        },
      },
    }),
    mempool({}),
    sequencer({ blockTime: 1000 }),
    l1({
      rpcUrl: process.env.METIS_L1_RPC ?? 'http://127.0.0.1:8545',
      // Written by `metis deploy`; relative to the working directory.
      contracts: process.env.METIS_L1_CONTRACTS ?? 'l1-deployment.json',
      // The proposer key comes from METIS_PROPOSER_KEY (proposerKeyEnv), never from this file.
      confirmations: 2,
      batch: { maxBlocks: 30, maxAge: 10_000 },
      register: { challengeWindow: 60, inclusionWindow: 100 },
    }),
    calldataDa(),
    rpc({ port: Number(process.env.METIS_RPC_PORT ?? 9545) }),
  ],
});
