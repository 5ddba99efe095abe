import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { devAccounts, devAlloc, parseEth } from '../dev/accounts.js';
import { devBanner } from '../dev/banner.js';
import { DEV_DEFAULTS } from '../dev/defaults.js';
import { usageError } from '../errors.js';
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
  /** An L1 URL, true or omitted for an embedded anvil (the default), false for no L1 (`--no-l1`). */
  l1?: string | boolean;
  /** Seconds before a batch on L1 is final. */
  challengeWindow: number;
  /**
   * `replica`: follow a dev sequencer's L1 (`l1` URL and `l1Contracts`) instead of producing blocks;
   * `ranger`: a replica that also attests every batch (key in METIS_RANGER_KEY).
   */
  role?: 'sequencer' | 'replica' | 'ranger';
  /** Rangers to start next to the sequencer (each its own process), staking `rangerStake` ETH each. */
  rangers: number;
  /** ETH a ranger stakes (decimal string). */
  rangerStake: string;
  /** Modules whose default export is a plugin (or a list of plugins) added to the devnet. */
  plugin?: string[];
  /** A replica reads the L1 contracts from this deployment file (the sequencer's `<data dir>/l1-deployment.json`). */
  l1Contracts?: string;
  /** Where a replica forwards transactions. */
  sequencerRpc?: string;
  /** Batch data on an L1: 'ipfs' (embedded IPFS node) or 'calldata'. */
  da: 'ipfs' | 'calldata';
  /** More IPFS peers to dial (multiaddrs). */
  ipfsPeer?: string[];
  /** Log level of the rangers `--rangers` starts. */
  rangerLogLevel?: LogLevel;
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
  l1: true,
  challengeWindow: DEV_DEFAULTS.challengeWindow,
  da: 'ipfs',
  rangers: DEV_DEFAULTS.rangers,
  rangerStake: DEV_DEFAULTS.rangerStake,
};

/** Dev-mnemonic accounts the devnet's L1 side uses (funded by anvil's default genesis): deployer and proposer. */
const L1_DEPLOYER_INDEX = 8;
const L1_PROPOSER_INDEX = 9;

interface DevL1 {
  rpcUrl: string;
  contracts: string;
  /** Absent on a replica. */
  proposerKey?: string;
  embedded: boolean;
  stop?: () => Promise<void>;
}

/**
 * The devnet's L1: the given URL, or an anvil started here (tied to this process, so it dies with it;
 * with a kept data dir its state is saved there every second and loaded on the next run). The L1
 * contracts are deployed unless the data dir records a deployment the L1 still has.
 */
async function devL1(options: DevCommandOptions, dataDir: string, mnemonic: string): Promise<DevL1> {
  const { startAnvil, ensureDevDeployment } = await import('@metis/l1');
  const keys = devAccounts(Math.max(L1_DEPLOYER_INDEX, L1_PROPOSER_INDEX) + 1, mnemonic);
  let rpcUrl = typeof options.l1 === 'string' ? options.l1 : '';
  let stop: (() => Promise<void>) | undefined;
  if (!rpcUrl) {
    const state = options.dataDir === undefined ? [] : ['--state', join(dataDir, 'l1-anvil-state.json'), '--state-interval', '1'];
    const anvil = await startAnvil({ tiedToParent: true, args: state });
    rpcUrl = anvil.url;
    stop = anvil.stop;
  }
  try {
    const contracts = join(dataDir, 'l1-deployment.json');
    await ensureDevDeployment({ rpcUrl, deployerKey: keys[L1_DEPLOYER_INDEX]!.privateKey, file: contracts, unbondingDelay: options.challengeWindow });
    // Deployed with automining (fast); from now on one L1 block a second, so deposits get confirmations.
    if (stop) await rpcCall(rpcUrl, 'evm_setIntervalMining', [1]);
    return { rpcUrl, contracts, proposerKey: keys[L1_PROPOSER_INDEX]!.privateKey, embedded: stop !== undefined, ...(stop ? { stop } : {}) };
  } catch (e) {
    await stop?.();
    throw e;
  }
}

/**
 * A replica's L1: the sequencer's, as given. Nothing is started or deployed; the contracts are read from
 * the deployment file the sequencer's `metis dev` wrote.
 */
function replicaL1(options: DevCommandOptions, cwd: string): DevL1 {
  const role = options.role ?? 'replica';
  const hint = `a ${role} follows a dev sequencer's L1: give --l1 <url> and --l1-contracts <the sequencer's data dir>/l1-deployment.json`;
  if (typeof options.l1 !== 'string') throw usageError(`--role ${role} needs --l1 <url>: ${hint}`);
  if (!options.l1Contracts) throw usageError(`--role ${role} needs --l1-contracts <file>: ${hint}`);
  return { rpcUrl: options.l1, contracts: resolve(cwd, options.l1Contracts), embedded: false };
}

/** `--plugin` modules: each default export is a plugin, a list of plugins, or a function returning either. */
async function loadPlugins(paths: readonly string[], cwd: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const path of paths) {
    const file = resolve(cwd, path);
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (e) {
      throw usageError(`--plugin ${path}: cannot load ${file}: ${(e as Error).message}`);
    }
    let value = module.default;
    if (typeof value === 'function') value = await (value as () => unknown)();
    const list = Array.isArray(value) ? value : [value];
    for (const p of list) {
      if (!p || typeof p !== 'object' || !('definition' in p)) throw usageError(`--plugin ${path}: the default export is not a plugin (what definePlugin(...)(options) returns)`);
      out.push(p);
    }
  }
  return out;
}

async function rpcCall(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** `metis dev`: a zero-config devnet with funded accounts, until SIGINT/SIGTERM. */
export async function dev(options: DevCommandOptions, ctx: CommandContext): Promise<number> {
  const accounts = devAccounts(options.accounts, options.mnemonic);
  const balanceWei = parseEth(options.balance);
  const replica = options.role === 'replica' || options.role === 'ranger';
  if (options.rangers > 0 && (replica || options.l1 === false)) throw usageError('--rangers needs a sequencer on an L1 (not --role replica/ranger, not --no-l1)');
  const rangerStakeWei = parseEth(options.rangerStake);
  // Before anything starts: a bad --plugin fails fast.
  const extra = options.plugin?.length ? await loadPlugins(options.plugin, ctx.cwd ?? process.cwd()) : [];
  const replicaOf = replica ? replicaL1(options, ctx.cwd ?? process.cwd()) : undefined;
  const temporary = options.dataDir === undefined;
  const dataDir = temporary
    ? await mkdtemp(join(tmpdir(), 'metis-dev-'))
    : resolve(ctx.cwd ?? process.cwd(), options.dataDir!);
  let l1: DevL1 | undefined;
  const cleanup = async (): Promise<void> => {
    await l1?.stop?.();
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  };

  let config: unknown;
  try {
    // A new --data-dir is created here: the L1 deployment file and anvil's state go into it before the node starts.
    if (!temporary) await mkdir(dataDir, { recursive: true });
    if (replicaOf) l1 = replicaOf;
    else if (options.l1 !== false) l1 = await devL1(options, dataDir, options.mnemonic);
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
      ...(l1 ? { l1: { rpcUrl: l1.rpcUrl, contracts: l1.contracts, ...(l1.proposerKey ? { proposerKey: l1.proposerKey } : {}), challengeWindow: options.challengeWindow } } : {}),
      ...(replica ? { role: options.role === 'ranger' ? ('ranger' as const) : ('replica' as const) } : {}),
      ...(options.role === 'ranger' ? { rangerStake: rangerStakeWei } : {}),
      ...(extra.length ? { plugins: extra } : {}),
      ...(options.sequencerRpc === undefined ? {} : { sequencerRpc: options.sequencerRpc }),
      da: options.da ?? 'ipfs',
      ...(options.ipfsPeer?.length ? { ipfsPeers: options.ipfsPeer } : {}),
      logLevel: options.logLevel ?? 'info',
    });
  } catch (e) {
    await cleanup();
    throw e;
  }

  let devRangers: { stop(): Promise<void> } | undefined;
  const logger = cliLogger(options.logLevel ?? 'info');
  return runNode({
    ...ctx.run,
    config,
    logger,
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
        ...(replica ? { replicaOf: options.sequencerRpc ?? '' } : {}),
        ...(l1 ? { l1: { url: l1.rpcUrl, embedded: l1.embedded, contracts: l1.contracts, challengeWindow: options.challengeWindow } } : {}),
        ...(options.rangers > 0 ? { rangers: { count: options.rangers, stakeEth: options.rangerStake } } : {}),
        ...(options.role === 'ranger' ? { ranger: true } : {}),
      }),
    onStarted: async (_node, endpoints) => {
      if (options.rangers === 0 || !l1 || !endpoints) return;
      const { startDevRangers } = await import('../dev/rangers.js');
      devRangers = await startDevRangers({
        count: options.rangers,
        l1Url: l1.rpcUrl,
        contracts: l1.contracts,
        chainId: options.chainId,
        dataDir,
        sequencerRpc: endpoints.http,
        mnemonic: options.mnemonic,
        accounts: options.accounts,
        balance: options.balance,
        da: options.da ?? 'ipfs',
        stakeWei: rangerStakeWei,
        funderKey: devAccounts(L1_DEPLOYER_INDEX + 1, options.mnemonic)[L1_DEPLOYER_INDEX]!.privateKey,
        logLevel: options.rangerLogLevel ?? 'warn',
        logger,
      });
    },
    beforeStop: async () => {
      await devRangers?.stop();
    },
    cleanup,
  });
}
