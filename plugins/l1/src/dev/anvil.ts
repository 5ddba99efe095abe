import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export interface AnvilOptions {
  /** `--chain-id`; anvil's default (31337) when omitted. */
  chainId?: number;
  /** `--block-time` in seconds (interval mining); automining (one block per transaction) when omitted. */
  blockTime?: number;
  /** More anvil flags. */
  args?: string[];
  startTimeoutMs?: number;
  /** Port to bind; a free one when omitted. */
  port?: number;
  /**
   * Stop anvil when this process dies, even by SIGKILL (a shell watchdog polls this process): for an L1
   * that lives only as long as the node using it (`metis dev`).
   */
  tiedToParent?: boolean;
}

export interface Anvil {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Everything anvil printed so far (little: it runs with --silent). */
  output(): string;
  /** SIGTERM (SIGKILL after 5 s), then wait for the exit. Idempotent. */
  stop(): Promise<void>;
}

/** The anvil binary of the npm package @foundry-rs/anvil-linux-amd64. */
export function anvilBin(): string {
  const pkg = createRequire(import.meta.url).resolve('@foundry-rs/anvil-linux-amd64/package.json');
  const bin = join(dirname(pkg), 'bin', 'anvil');
  if (!existsSync(bin)) throw new Error(`anvil binary not found at ${bin}`);
  return bin;
}

/** A free TCP port on 127.0.0.1: bind port 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Children still running, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHook = false;

function killOnExit(child: ChildProcess, group: boolean): void {
  live.add(child);
  if (group) groups.add(child);
  child.once('exit', () => {
    live.delete(child);
    groups.delete(child);
  });
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of live) {
      try {
        // A watchdog shell leads its own process group with anvil in it: SIGKILL to the shell alone would
        // orphan anvil (the shell cannot trap SIGKILL), so the whole group goes.
        if (groups.has(c) && c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
        else c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}
const groups = new Set<ChildProcess>();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call(url: string, method: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }) });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

/**
 * `sh -c` script that runs anvil ("$0" "$@") and kills it when the parent (this Node process) is gone or
 * when the script itself is told to stop. Polls twice a second.
 */
const WATCHDOG = (parent: number): string =>
  `"$0" "$@" & c=$!; trap 'kill $c 2>/dev/null; wait $c; exit 0' TERM INT; ` +
  `while kill -0 ${parent} 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 0.5; done; kill $c 2>/dev/null; wait $c`;

/**
 * Starts anvil (`--hardfork prague`, bound to 127.0.0.1 on a free port, `--silent`, automining unless
 * `blockTime` is given) and waits until it answers `eth_chainId`. Retries on another port if the one picked
 * was taken in the meantime.
 */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (e) {
      lastError = e;
      if (!/address already in use|exited/i.test(String((e as Error).message))) throw e;
    }
  }
  throw lastError;
}

async function startOnce(options: AnvilOptions): Promise<Anvil> {
  const port = options.port ?? (await freePort());
  const args = ['--hardfork', 'prague', '--host', '127.0.0.1', '--port', String(port), '--silent'];
  if (options.chainId !== undefined) args.push('--chain-id', String(options.chainId));
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  args.push(...(options.args ?? []));

  // Tied to the parent: in its own process group, so a Ctrl-C meant for the node does not stop the L1 while
  // the node still settles on it; the node stops it (stop()) after itself, or the watchdog when it dies.
  const child = options.tiedToParent
    ? spawn('/bin/sh', ['-c', WATCHDOG(process.pid), anvilBin(), ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    : spawn(anvilBin(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child, options.tiedToParent === true);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-16_384)));
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-16_384)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  child.once('error', (e) => (out += `\n${e.message}`));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (alive()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => alive() && child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    })());

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (!alive() || child.pid === undefined) {
      await stop();
      throw new Error(`anvil exited before answering (${args.join(' ')}):\n${out}`);
    }
    try {
      const id = (await call(url, 'eth_chainId')) as string;
      if (options.chainId !== undefined && Number(id) !== options.chainId) {
        await stop();
        throw new Error(`anvil on ${url} reports chain id ${Number(id)}, expected ${options.chainId}`);
      }
      break;
    } catch (e) {
      if (/reports chain id/.test((e as Error).message)) throw e;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`anvil did not answer on ${url} in time: ${(e as Error).message}\n${out}`);
      }
      await sleep(50);
    }
  }
  return { url, port, pid: child.pid!, process: child, output: () => out, stop };
}
