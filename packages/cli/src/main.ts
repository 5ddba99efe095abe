import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { configCheck, type ConfigCheckOptions } from './commands/config-check.js';
import { bridgeHandlers, registerBridgeCommands, type BridgeHandlers } from './commands/bridge-program.js';
import { registerDaCommands } from './commands/da-program.js';
import type { CommandContext } from './commands/context.js';
import { DEV_COMMAND_DEFAULTS, dev, type DevCommandOptions } from './commands/dev.js';
import { init, type InitOptions } from './commands/init.js';
import { start, type StartCommandOptions } from './commands/start.js';
import { DEFAULT_CONFIG_FILE } from './config/load-config.js';
import { EXIT, exitCodeOf, formatError } from './errors.js';
import { eprintln, processIo, type Io } from './io.js';
import { LOG_LEVELS } from './logging.js';
import { pluginCommandContext, pluginsForCommands, registerPluginCommands, takeConfigOption, wantsPluginCommands } from './plugin-commands.js';
import type { AnyPlugin } from '@metis/core';

/** The command implementations the program dispatches to; tests replace them to check option parsing. */
export interface Handlers extends BridgeHandlers {
  init(dir: string | undefined, options: InitOptions & { logLevel?: string }, ctx: CommandContext): Promise<number>;
  dev(options: DevCommandOptions, ctx: CommandContext): Promise<number>;
  start(options: StartCommandOptions, ctx: CommandContext): Promise<number>;
  configCheck(options: ConfigCheckOptions & { logLevel?: string }, ctx: CommandContext): Promise<number>;
}

export interface ProgramOptions {
  io?: Io;
  cwd?: string;
  handlers?: Partial<Handlers>;
  /** Receives the exit code a command returned. */
  onResult?: (code: number) => void;
  /**
   * `run` only: the plugins whose commands (`PluginDefinition.commands`) are offered. Default: those of
   * `--config <file>`, else of `./metis.config.ts` when present, else the zero-config devnet's; loaded only
   * when the command asked for is not built in, or for help.
   */
  plugins?: readonly AnyPlugin[];
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const int =
  (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${what} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}.`);
    }
    return n;
  };

const blockTime = (value: string): number | 'instant' => {
  if (value.trim() === 'instant') return 'instant';
  return int('Block time (ms)', 1)(value);
};

const eth = (value: string): string => {
  if (!/^\d+(\.\d{1,18})?$/.test(value.trim())) throw new InvalidArgumentError('Balance must be a decimal amount of ETH, such as 10000 or 0.5.');
  return value.trim();
};

const logLevelOption = (flags = '--log-level <level>', description = 'log level (logs go to stdout: pretty on a terminal, JSON lines when piped)'): Option =>
  new Option(flags, description).choices(LOG_LEVELS);

const httpUrl = (value: string): string => {
  if (!/^https?:\/\/[^\s/]+/.test(value.trim())) throw new InvalidArgumentError('Sequencer RPC must be an http(s) URL.');
  return value.trim();
};

const roleOption = (what: string): Option => new Option('--role <role>', what).choices(['sequencer', 'replica']);
const sequencerRpcOption = (): Option =>
  new Option('--sequencer-rpc <url>', 'replica: forward eth_sendRawTransaction to this sequencer (without it, transactions are refused)').argParser(httpUrl);

/**
 * The `metis` program: init, dev, start, config check. Errors from commander (unknown option, bad value)
 * throw a CommanderError instead of exiting; `run` turns them into exit code 2.
 */
export function buildProgram(options: ProgramOptions = {}): Command {
  const io = options.io ?? processIo;
  const handlers: Handlers = { init, dev, start, configCheck, ...bridgeHandlers, ...options.handlers };
  const ctx: CommandContext = { io, ...(options.cwd ? { cwd: options.cwd } : {}) };
  const done = (code: number): void => options.onResult?.(code);

  const program = new Command('metis')
    .description('Metis: build and run optimistic rollups out of plugins.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    // Settings copied to every subcommand created below.
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  program
    .command('init')
    .description('scaffold a rollup project (metis.config.ts, package.json, .gitignore) in an empty or new folder')
    .argument('[dir]', 'target folder, created if missing', '.')
    .option('-f, --force', 'write into a non-empty folder, replacing files of the same names', false)
    .addOption(logLevelOption())
    .action(async (dir: string, opts: InitOptions & { logLevel?: string }) => done(await handlers.init(dir, opts, ctx)));

  const d = DEV_COMMAND_DEFAULTS;
  program
    .command('dev')
    .description('run a zero-config devnet with funded accounts (like anvil), until Ctrl-C')
    .option('--chain-id <id>', 'chain id', int('Chain id', 1), d.chainId)
    .option('-p, --port <port>', 'JSON-RPC port, HTTP and WebSocket (0 = a free port)', int('Port', 0, 65535), d.port)
    .option('--host <host>', 'interface to bind', d.host)
    .option('-b, --block-time <ms|instant>', "milliseconds between blocks, or 'instant' (a block as soon as transactions wait)", blockTime, d.blockTime)
    .option('--data-dir <dir>', 'keep chain data here and resume it on the next run (default: a temporary folder removed on exit)')
    .option('-a, --accounts <n>', 'number of funded dev accounts', int('Accounts', 0, 10_000), d.accounts)
    .option('--balance <eth>', 'balance of each dev account, in ETH', eth, d.balance)
    .option('-m, --mnemonic <phrase>', "mnemonic the dev accounts derive from (m/44'/60'/0'/0/i)", d.mnemonic)
    .option('--finality-delay <ms>', "without an L1 (--no-l1): milliseconds before a batch is final (default: the local settlement's)", int('Finality delay', 0))
    .option('--l1 <url>', 'settle on this L1 (JSON-RPC URL): the contracts are deployed there with the dev keys (default: an embedded anvil)')
    .option('--no-l1', 'no L1: batches are recorded locally (the lightest devnet)')
    .option('--challenge-window <s>', 'seconds before a batch on L1 is final (withdrawals can be finalized then)', int('Challenge window', 0), d.challengeWindow)
    .addOption(new Option('--da <kind>', "where batch data goes on the L1: 'ipfs' (an embedded IPFS node, loopback only) or 'calldata' (L1 calldata); a replica must use its sequencer's").choices(['ipfs', 'calldata']).default(d.da))
    .option('--ipfs-peer <multiaddr...>', "IPFS peers to dial, besides those the sequencer publishes in its L1 registry record")
    .addOption(
      new Option('--role <role>', "'replica': no blocks made here, the chain is derived from a dev sequencer's L1 batches (needs --l1 and --l1-contracts); 'ranger': a replica that attests every batch (key in METIS_RANGER_KEY)").choices(['sequencer', 'replica', 'ranger']),
    )
    .option('--rangers <n>', 'start this many rangers (each its own process, staked on the L1): batches finalize by quorum certificate in seconds', int('Rangers', 0, 64), d.rangers)
    .option('--ranger-stake <eth>', 'ETH each ranger stakes (with --rangers, or for --role ranger)', eth, d.rangerStake)
    .addOption(logLevelOption('--ranger-log-level <level>', 'log level of the rangers --rangers starts').default('warn'))
    .option('--plugin <module...>', 'add plugins to the devnet: modules whose default export is a plugin (or a list of plugins)')
    .option('--l1-contracts <file>', "replica: the sequencer's L1 deployment file (<its data dir>/l1-deployment.json)")
    .addOption(sequencerRpcOption())
    .addOption(logLevelOption().default('info'))
    .action(async (opts: DevCommandOptions) => done(await handlers.dev(opts, ctx)));

  program
    .command('start')
    .description('run the node described by a config file, until Ctrl-C')
    .option('-c, --config <path>', 'config file (TypeScript or JavaScript) or a folder holding metis.config.ts', `./${DEFAULT_CONFIG_FILE}`)
    .option('--data-dir <dir>', "data directory, overriding the config's dataDir")
    .addOption(roleOption("overrides the config's role: 'replica' derives the chain from the settlement layer instead of producing it"))
    .addOption(sequencerRpcOption())
    .addOption(logLevelOption())
    .action(async (opts: StartCommandOptions) => done(await handlers.start(opts, ctx)));

  const config = program.command('config').description('work with a config file without running it');
  config
    .command('check')
    .description('load and validate a config file; print every problem with its path (exit 2) or a summary (exit 0). Starts nothing.')
    .option('-c, --config <path>', 'config file (TypeScript or JavaScript) or a folder holding metis.config.ts', `./${DEFAULT_CONFIG_FILE}`)
    .addOption(logLevelOption())
    .action(async (opts: ConfigCheckOptions & { logLevel?: string }) => done(await handlers.configCheck(opts, ctx)));

  // deploy, deposit, withdraw, withdrawals (commands/bridge-program.ts)
  registerBridgeCommands(program, handlers, ctx, done);
  // da get, da challenge, da resolve (commands/da-program.ts)
  registerDaCommands(program, ctx, done);

  return program;
}

export interface RunOptions extends Omit<ProgramOptions, 'onResult'> {
  /** Print stacks of failures (also with METIS_DEBUG=1). */
  debug?: boolean;
}

/**
 * Runs the CLI on `args` (without node and the script path) and resolves with the exit code:
 * 0 success, 1 runtime failure, 2 usage error or invalid config. Never throws.
 */
export async function run(args: readonly string[], options: RunOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  let code: number = EXIT.OK;
  try {
    const program = buildProgram({ ...options, io, onResult: (c) => (code = c) });
    let argv = [...args];
    if (wantsPluginCommands(argv)) {
      const taken = takeConfigOption(argv);
      argv = taken.args;
      const cwd = options.cwd ?? process.cwd();
      const plugins = options.plugins ?? (await pluginsForHelpOrCommand(argv, taken.config, cwd, io));
      await registerPluginCommands(program, plugins, pluginCommandContext(io, cwd, (c) => (code = c)));
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; everything else commander rejects is a usage error.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    eprintln(io, ...formatError(e, { withStack: options.debug ?? process.env.METIS_DEBUG === '1' }));
    return exitCodeOf(e);
  }
}

/** The plugins offering commands; for the program's help alone, a config that fails to load leaves them out (with a warning). */
async function pluginsForHelpOrCommand(argv: readonly string[], config: string | undefined, cwd: string, io: Io): Promise<readonly AnyPlugin[]> {
  const named = argv.filter((a) => !a.startsWith('-')).filter((a) => a !== 'help');
  try {
    return await pluginsForCommands(config, cwd);
  } catch (e) {
    if (named.length > 0) throw e;
    eprintln(io, `warning: plugin commands not listed: ${formatError(e).join(' ')}`);
    return [];
  }
}

/** Entry point of the `metis` binary: runs the CLI on process.argv and exits with its code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  const debug = process.env.METIS_DEBUG === '1';
  const fatal = (e: unknown): void => {
    eprintln(processIo, ...formatError(e, { withStack: debug }));
    process.exit(EXIT.FAILURE);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  const code = await run(argv, { debug });
  process.exit(code);
}
