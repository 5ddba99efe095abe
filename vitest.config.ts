import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Unit tests import workspace packages from source; end-to-end tests run the built `metis` binary. */
const alias = [
  { find: /^@metis\/core\/polyfills$/, replacement: src('./packages/core/src/polyfills.ts') },
  { find: /^@metis\/core$/, replacement: src('./packages/core/src/index.ts') },
  { find: /^@metis\/rpc$/, replacement: src('./packages/rpc/src/index.ts') },
  { find: /^@metis\/testkit$/, replacement: src('./packages/testkit/src/index.ts') },
  { find: /^@metis\/evm$/, replacement: src('./plugins/evm/src/index.ts') },
  { find: /^@metis\/mempool$/, replacement: src('./plugins/mempool/src/index.ts') },
  { find: /^@metis\/sequencer$/, replacement: src('./plugins/sequencer/src/index.ts') },
  { find: /^@metis\/settlement-local$/, replacement: src('./plugins/settlement-local/src/index.ts') },
  { find: /^@metis\/l1$/, replacement: src('./plugins/l1/src/index.ts') },
  { find: /^@metis\/ipfs$/, replacement: src('./plugins/ipfs/src/index.ts') },
  { find: /^@metis\/rangers$/, replacement: src('./plugins/rangers/src/index.ts') },
  { find: /^@metis\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
  { find: /^@metis\/dac$/, replacement: src('./plugins/dac/src/index.ts') },
  { find: /^@metis\/token$/, replacement: src('./plugins/token/src/index.ts') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    setupFiles: [src('./test/setup/polyfills.ts')],
    // Two files at a time (vitest's default on 2 cores is one) for the unit tests and the contract tests:
    // each starts its own servers on free ports, its own anvil and its own data directories.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'plugins/*/test/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'contracts',
          include: ['contracts/test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // One file at a time, after the others: each runs several nodes, rangers and an L1 as child
        // processes and waits on block times and challenge windows, which two such files side by side on
        // two cores can miss.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
