import { MetisError, type CommandLike, type PluginCommandContext } from '@metis/core';
import type { JsonRpcProvider, Wallet } from 'ethers';

/**
 * What every `metis dac` / `metis token` command shares: the L2 endpoint (`--rpc`, env METIS_RPC), the key
 * (`--key-env`, default METIS_KEY, or `--keystore` with METIS_KEYSTORE_PASSWORD: never on the command line),
 * `--json`, and the mapping of failures to exit codes (2 for usage, 1 otherwise). The sdk is loaded when a
 * command runs, not when the program starts.
 */

export const DEFAULT_RPC = 'http://127.0.0.1:8545';
export const RPC_ENV = 'METIS_RPC';
export const KEY_ENV = 'METIS_KEY';
export const KEYSTORE_PASSWORD_ENV = 'METIS_KEYSTORE_PASSWORD';

export interface CommonOptions {
  rpc?: string;
  json?: boolean;
}

export interface SigningOptions extends CommonOptions {
  keyEnv?: string;
  keystore?: string;
}

export const loadSdk = (): Promise<typeof import('@metis/sdk')> => import('@metis/sdk');

/** A usage error: exit code 2, the message as is. */
export const usage = (reason: string): MetisError => new MetisError('CLI_USAGE', { reason });

/** `--rpc` and `--json`. */
export function readOptions(command: CommandLike): CommandLike {
  return command
    .option('--rpc <url>', `the chain's JSON-RPC URL (default: $${RPC_ENV}, else ${DEFAULT_RPC})`)
    .option('--json', 'print one JSON object instead of text (amounts and ids as decimal strings)');
}

/** `--rpc`, `--json`, `--key-env` and `--keystore`. */
export function signingOptions(command: CommandLike): CommandLike {
  return readOptions(command)
    .option('--key-env <name>', `environment variable holding the private key (default: ${KEY_ENV})`)
    .option('--keystore <file>', `encrypted JSON keystore instead, unlocked with the password in ${KEYSTORE_PASSWORD_ENV}`);
}

/** The endpoint of a command: `--rpc`, else $METIS_RPC, else the devnet's. */
export function rpcUrl(options: CommonOptions, ctx: PluginCommandContext): string {
  return options.rpc ?? ctx.env[RPC_ENV] ?? DEFAULT_RPC;
}

/** A connection to the L2, closed when the command ends. */
export interface Session {
  readonly sdk: typeof import('@metis/sdk');
  readonly provider: JsonRpcProvider;
  /** The key's wallet, connected (loaded on first use). */
  wallet(): Promise<Wallet>;
}

/**
 * Runs a command body with a connection: SdkError INVALID_ARGUMENT becomes a usage error (exit 2), every other
 * failure propagates (exit 1; the CLI prints it).
 */
export async function withSession<T>(options: SigningOptions, ctx: PluginCommandContext, body: (s: Session) => Promise<T>, signing = false): Promise<T> {
  const sdk = await loadSdk();
  let provider: JsonRpcProvider | undefined;
  try {
    const load = (): Promise<Wallet> =>
      sdk.loadWallet({ ...(options.keyEnv ? { keyEnv: options.keyEnv } : {}), ...(options.keystore ? { keystore: options.keystore } : {}) }, KEY_ENV, ctx.env as NodeJS.ProcessEnv, ctx.cwd);
    // A command that signs checks its key first: a missing or bad key is a usage error before any request.
    let key = signing ? await load() : undefined;
    provider = (await sdk.connect(rpcUrl(options, ctx), { layer: 'L2' })).provider;
    const p = provider;
    let wallet: Wallet | undefined;
    const session: Session = {
      sdk,
      provider: p,
      wallet: async () => {
        key ??= await load();
        wallet ??= key.connect(p);
        return wallet;
      },
    };
    return await body(session);
  } catch (e) {
    if (e instanceof Error && e.name === 'SdkError' && (e as { kind?: string }).kind === 'INVALID_ARGUMENT') throw usage(e.message);
    throw e;
  } finally {
    if (provider) close(provider);
  }
}

/**
 * Stops a provider's polling at once and destroys it a moment later: destroying it at once makes ethers reject a
 * poll still in flight (an unhandled rejection in a long-lived process). The timer does not keep a process alive.
 */
function close(provider: JsonRpcProvider): void {
  void provider
    .removeAllListeners()
    .catch(() => undefined)
    .then(() => setTimeout(() => provider.destroy(), 1_000).unref());
}

/** Prints one JSON line (bigints as decimal strings). */
export function printJson(ctx: PluginCommandContext, value: unknown): void {
  ctx.io.out(`${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
}

export function println(ctx: PluginCommandContext, ...lines: string[]): void {
  ctx.io.out(lines.map((l) => `${l}\n`).join(''));
}

/** Prints `json` with --json, else the lines. */
export function output(ctx: PluginCommandContext, options: CommonOptions, json: unknown, lines: () => string[]): void {
  if (options.json) printJson(ctx, json);
  else println(ctx, ...lines());
}

/** An argument parser for a positive integer id. */
export const idArg =
  (ctx: PluginCommandContext, what: string) =>
  (value: string): bigint => {
    const v = value.trim();
    if (!/^\d+$/.test(v) || BigInt(v) === 0n) throw ctx.invalidArgument(`${what} must be a positive integer.`);
    return BigInt(v);
  };

/** An argument parser for an http(s) URL. */
export const urlArg =
  (ctx: PluginCommandContext) =>
  (value: string): string => {
    try {
      const u = new URL(value.trim());
      if (u.protocol === 'http:' || u.protocol === 'https:') return value.trim();
    } catch {
      // below
    }
    throw ctx.invalidArgument('must be an http(s) URL such as http://127.0.0.1:8545.');
  };

/** An argument parser for repeatable options: collects the values. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * A point in time in unix seconds: `+<duration>` after `now` (chain time: "+1h", "+2d12h", "+90s"), unix
 * seconds, or an ISO 8601 date.
 */
export function parseWhen(text: string, now: bigint, parseDuration: (t: string) => bigint): bigint {
  const t = text.trim();
  if (t.startsWith('+')) return now + parseDuration(t.slice(1));
  if (/^\d+$/.test(t)) return BigInt(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw usage(`invalid time "${text}": expected +<duration> (+1h, +2d), unix seconds or an ISO date`);
  return BigInt(Math.floor(ms / 1000));
}

/** The latest block's timestamp: the chain's clock (it may run ahead of the wall clock on a devnet). */
export async function chainNow(provider: JsonRpcProvider): Promise<bigint> {
  const block = await provider.getBlock('latest');
  return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
}

/** Unix seconds for people: ISO time. */
export const iso = (seconds: bigint): string => (seconds === 0n ? '-' : new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z'));

/** withSession for a command that signs: the key is loaded (and checked) before anything else. */
export function withSigner<T>(options: SigningOptions, ctx: PluginCommandContext, body: (s: Session) => Promise<T>): Promise<T> {
  return withSession(options, ctx, body, true);
}
