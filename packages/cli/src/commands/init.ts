import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { println } from '../io.js';
import type { CommandContext } from './context.js';

export interface InitOptions {
  /** Write into a non-empty folder, replacing files of the same names. */
  force?: boolean;
}

const METIS_VERSION = '^0.1.0';
const METIS_PACKAGES = ['cli', 'core', 'evm', 'mempool', 'rpc', 'sequencer', 'settlement-local'] as const;
/** Entries that do not make a folder "non-empty". */
const IGNORED = new Set(['.git']);

/** The files `metis init` writes, by name. */
export function scaffoldFiles(name: string): Record<string, string> {
  const pkg = {
    name: packageName(name),
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      dev: 'metis dev',
      start: 'metis start --config metis.config.ts',
      check: 'metis config check --config metis.config.ts',
    },
    dependencies: Object.fromEntries(METIS_PACKAGES.map((p) => [`@metis/${p}`, METIS_VERSION])),
  };
  return {
    'metis.config.ts': CONFIG_TEMPLATE,
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    '.gitignore': '# Chain data written by `metis start` (dataDir in metis.config.ts)\n.metis/\nnode_modules/\n',
  };
}

/**
 * `metis init [dir]`: scaffolds a rollup project (metis.config.ts, package.json, .gitignore) in an empty or
 * new folder. A non-empty folder is refused with CLI_USAGE (exit code 2) unless `force` is set.
 */
export async function init(dir: string | undefined, options: InitOptions, ctx: CommandContext): Promise<number> {
  const cwd = ctx.cwd ?? process.cwd();
  const target = resolve(cwd, dir ?? '.');
  const existing = await readdir(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    if (e.code === 'ENOTDIR') throw usageError(`${target} exists and is not a folder`);
    throw e;
  });
  const entries = existing.filter((e) => !IGNORED.has(e));
  if (entries.length > 0 && !options.force) {
    throw usageError(
      `${target} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}); choose an empty or new folder, or pass --force to write into it`,
    );
  }

  await mkdir(target, { recursive: true });
  const files = scaffoldFiles(basename(target));
  for (const [name, content] of Object.entries(files)) await writeFile(join(target, name), content);

  const shown = relative(cwd, target) || '.';
  println(
    ctx.io,
    `Created a Metis rollup in ${target}:`,
    ...Object.keys(files).map((f) => `  ${f}`),
    '',
    'Next:',
    ...(shown === '.' ? [] : [`  cd ${shown}`]),
    '  npm install',
    '  npx metis config check   # validate metis.config.ts',
    '  npx metis start          # run the node it describes',
    '  npx metis dev            # or a zero-config devnet',
  );
  return 0;
}

/** A valid npm package name from a folder name. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name || 'metis-rollup';
}

const CONFIG_TEMPLATE = `import { defineConfig } from '@metis/core';
import { evm } from '@metis/evm';
import { mempool } from '@metis/mempool';
import { rpc } from '@metis/rpc';
import { sequencer } from '@metis/sequencer';
import { localSettlement } from '@metis/settlement-local';

/**
 * Your rollup, as plugins. \`metis config check\` validates this file without starting anything;
 * \`metis start\` runs the node it describes.
 */
export default defineConfig({
  // EIP-155 chain id. Pick one no other chain uses before you go public (1337 is for local devnets).
  chainId: 1337,
  name: 'my-rollup',
  // Blocks, state and batches. A relative path is relative to this file. \`metis start --data-dir\` overrides it.
  dataDir: '.metis/data',
  // fatal | error | warn | info | debug | trace | silent (\`--log-level\` overrides it).
  logLevel: 'info',
  plugins: [
    // Execution: the EVM and the chain. The genesis alloc funds accounts at block 0 (balances in wei).
    evm({
      genesis: {
        alloc: {
          // Account 0 of the well-known Hardhat/anvil mnemonic: its key is public, keep it to devnets.
          '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266': { balance: 10_000n * 10n ** 18n },
        },
        // gasLimit: 30_000_000n,
        // baseFeePerGas: 1_000_000_000n,
      },
      // coinbase: '0x...', // receives priority fees
    }),
    // Ingest: checks transactions (signature, nonce, funds, fees) and keeps them until they are ordered.
    // Options: maxSize, maxNonceGap, allowUnprotected (accept pre-EIP-155 transactions).
    mempool({}),
    // Order: seals a block every blockTime ms, or 'instant' (a block as soon as transactions wait).
    sequencer({ blockTime: 1000 }),
    // Commit/prove: groups blocks into batches settled locally; finalityDelay (ms) models the challenge window.
    localSettlement({
      // batchSize: 10,
      // finalityDelay: 0,
    }),
    // JSON-RPC over HTTP and WebSocket on the same port (0 picks a free one).
    rpc({ host: '127.0.0.1', port: 8545 }),
  ],
});
`;
