import { resolve } from 'node:path';
import { resolvePlugins } from '@metis/core';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config/load-config.js';
import { cliLogger, isLogLevel, type LogLevel } from '../logging.js';
import { roleLine } from '../role-line.js';
import { runNode } from '../run-node.js';
import type { CommandContext } from './context.js';

export interface StartCommandOptions {
  /** Config file (or a folder holding metis.config.ts). Default ./metis.config.ts. */
  config?: string;
  /** Overrides the config's dataDir; relative to the working directory. */
  dataDir?: string;
  /** Overrides the config's logLevel. */
  logLevel?: LogLevel;
  /** Overrides the config's role: `replica` derives the chain from L1 instead of producing it. */
  role?: 'sequencer' | 'replica';
  /** Overrides the config's sequencerRpc (where a replica forwards transactions). */
  sequencerRpc?: string;
}

/** `metis start`: runs the node a config file describes, until SIGINT/SIGTERM. */
export async function start(options: StartCommandOptions, ctx: CommandContext): Promise<number> {
  const cwd = ctx.cwd ?? process.cwd();
  const loaded = await loadConfig(options.config ?? DEFAULT_CONFIG_FILE, cwd);
  const written = loaded.config;
  const overrides = {
    ...(options.dataDir === undefined ? {} : { dataDir: resolve(cwd, options.dataDir) }),
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    ...(options.role === undefined ? {} : { role: options.role }),
    ...(options.sequencerRpc === undefined ? {} : { sequencerRpc: options.sequencerRpc }),
  };
  // A config that is not an object is left as is: validation reports it.
  const config = isRecord(written) ? { ...written, ...overrides } : written;
  const configured = isRecord(written) ? written.logLevel : undefined;
  const level: LogLevel = options.logLevel ?? (isLogLevel(configured) ? configured : 'info');

  return runNode({
    ...ctx.run,
    config,
    baseDir: loaded.dir,
    logger: cliLogger(level),
    io: ctx.io,
    banner: (node) => [
      `Metis node "${node.config.name}" (chain id ${node.config.chainId})`,
      `Role:              ${roleLine(node.config.role, node.config.sequencerRpc)}`,
      `Config:            ${loaded.path}`,
      `Data directory:    ${node.config.dataDir}`,
      `Plugins:           ${resolvePlugins(node.config.plugins.map((p) => p.plugin)).map((p) => p.definition.id).join(' -> ')}`,
    ],
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
