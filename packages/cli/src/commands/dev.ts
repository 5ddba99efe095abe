import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { devAccounts, devAlloc, parseEth } from '../dev/accounts.js';
import { devBanner } from '../dev/banner.js';
import { DEV_DEFAULTS } from '../dev/defaults.js';
import { cliLogger, type LogLevel } from '../logging.js';
import { runNode } from '../run-node.js';
import type { CommandContext } from './context.js';

export interface DevCommandOptions {
  chainId: number;
  host: string;
  port: number;
  blockTime: number | 'instant';
  /** Kept and resumed when given; otherwise a fresh temporary folder removed on exit. */
  dataDir?: string;
  accounts: number;
  /** Per account, in ETH (decimal string). */
  balance: string;
  mnemonic: string;
  finalityDelay?: number;
  logLevel?: LogLevel;
}

export const DEV_COMMAND_DEFAULTS: DevCommandOptions = {
  chainId: DEV_DEFAULTS.chainId,
  host: DEV_DEFAULTS.host,
  port: DEV_DEFAULTS.port,
  blockTime: DEV_DEFAULTS.blockTime,
  accounts: DEV_DEFAULTS.accounts,
  balance: DEV_DEFAULTS.balance,
  mnemonic: DEV_DEFAULTS.mnemonic,
};

/** `metis dev`: a zero-config devnet with funded accounts, until SIGINT/SIGTERM. */
export async function dev(options: DevCommandOptions, ctx: CommandContext): Promise<number> {
  const accounts = devAccounts(options.accounts, options.mnemonic);
  const balanceWei = parseEth(options.balance);
  const temporary = options.dataDir === undefined;
  const dataDir = temporary
    ? await mkdtemp(join(tmpdir(), 'metis-dev-'))
    : resolve(ctx.cwd ?? process.cwd(), options.dataDir!);
  const cleanup = temporary ? () => rm(dataDir, { recursive: true, force: true }) : undefined;

  let config: unknown;
  try {
    // The plugins load only when a devnet is actually started.
    const { devConfig } = await import('../dev/dev-config.js');
    config = devConfig({
      chainId: options.chainId,
      host: options.host,
      port: options.port,
      blockTime: options.blockTime,
      dataDir,
      alloc: devAlloc(accounts, balanceWei),
      ...(options.finalityDelay === undefined ? {} : { finalityDelay: options.finalityDelay }),
      logLevel: options.logLevel ?? 'info',
    });
  } catch (e) {
    await cleanup?.();
    throw e;
  }

  return runNode({
    ...ctx.run,
    config,
    logger: cliLogger(options.logLevel ?? 'info'),
    io: ctx.io,
    banner: () =>
      devBanner({
        accounts,
        balanceWei,
        mnemonic: options.mnemonic,
        chainId: options.chainId,
        blockTime: options.blockTime,
        dataDir,
        temporary,
      }),
    ...(cleanup ? { cleanup: async () => void (await cleanup()) } : {}),
  });
}
