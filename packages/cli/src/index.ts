/** Programmatic use of the Metis CLI: the same pieces the `metis` binary runs. */
export { buildProgram, run, main, type Handlers, type ProgramOptions, type RunOptions } from './main.js';
export { loadConfig, DEFAULT_CONFIG_FILE, type LoadedConfig } from './config/load-config.js';
export {
  devAccounts,
  devAlloc,
  parseEth,
  formatEth,
  DEV_MNEMONIC,
  DEV_DERIVATION_PATH,
  type DevAccount,
} from './dev/accounts.js';
export { devConfig } from './dev/dev-config.js';
export { DEV_DEFAULTS, type DevConfigOptions } from './dev/defaults.js';
export { devBanner, type DevBannerInput } from './dev/banner.js';
export { runNode, listeningLines, type RunNodeOptions, type Endpoints, type SignalSource } from './run-node.js';
export { cliLogger, LOG_LEVELS, type LogLevel } from './logging.js';
export { formatError, exitCodeOf, EXIT } from './errors.js';
export { processIo, memoryIo, type Io } from './io.js';
export { init, scaffoldFiles, type InitOptions } from './commands/init.js';
export { dev, type DevCommandOptions } from './commands/dev.js';
export { start, type StartCommandOptions } from './commands/start.js';
export { configCheck, type ConfigCheckOptions } from './commands/config-check.js';
export type { CommandContext } from './commands/context.js';
export {
  BUILTIN_COMMANDS,
  wantsPluginCommands,
  takeConfigOption,
  pluginsForCommands,
  registerPluginCommands,
  pluginCommandContext,
} from './plugin-commands.js';
