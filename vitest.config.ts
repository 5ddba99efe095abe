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
    // Two files at a time in both projects (vitest's default on 2 cores is one). The end-to-end files
    // spend most of their time waiting on child processes, anvil and block times, so two of them overlap
    // well; every server they start binds its own free port and every node its own data directory.
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
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'contracts/test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
