import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The `metis` binary of the installed @metis/cli. */
export const METIS_BIN = join(dirname(createRequire(import.meta.url).resolve('@metis/cli/package.json')), 'bin/metis.js');

export interface Devnet {
  readonly url: string;
  readonly wsUrl: string;
  readonly dataDir: string;
  /** The L1 it settles on (from the banner), when started with `l1`. */
  readonly l1Url?: string;
  /** The L1 deployment file (`metis dev` writes it into the data dir), when started with `l1`. */
  readonly l1Contracts?: string;
  readonly process: ChildProcess;
  /** Everything the node printed so far. */
  output(): string;
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, then wait for the exit. */
  kill9(): Promise<void>;
}

export interface DevnetOptions {
  /** Milliseconds or 'instant' (default). */
  blockTime?: string;
  /** Reuse a data directory (restarts); a fresh temporary one by default. */
  dataDir?: string;
  /** More `metis dev` flags. */
  args?: string[];
  /**
   * Settle on an L1: true for `metis dev`'s embedded anvil, a URL for an existing one. Default false
   * (`--no-l1`): most tests are about the L2 and start faster without an L1.
   */
  l1?: boolean | string;
  /**
   * `replica`: a node that derives the chain from an existing dev sequencer's L1 (`l1` must be its URL and
   * `l1Contracts` its deployment file, `Devnet.l1Url` / `Devnet.l1Contracts` of the sequencer); `ranger`: a
   * replica that attests every batch (its key in `env.METIS_RANGER_KEY`).
   */
  role?: 'sequencer' | 'replica' | 'ranger';
  /** More environment variables for the child (e.g. METIS_RANGER_KEY for a ranger). */
  env?: Record<string, string>;
  /** The sequencer's L1 deployment file, for a replica. */
  l1Contracts?: string;
  /** Where a replica forwards transactions (the sequencer's `url`). */
  sequencerRpc?: string;
  /** Working directory of the child. */
  cwd?: string;
  startTimeoutMs?: number;
}

/** Starts `metis dev` in a child process on a free port of 127.0.0.1 and waits for its Listening line. */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'metis-devnet-')));
  const l1 = options.l1 === undefined || options.l1 === false ? ['--no-l1'] : options.l1 === true ? [] : ['--l1', options.l1];
  const replica = [
    ...(options.role ? ['--role', options.role] : []),
    ...(options.l1Contracts ? ['--l1-contracts', options.l1Contracts] : []),
    ...(options.sequencerRpc ? ['--sequencer-rpc', options.sequencerRpc] : []),
  ];
  const args = [METIS_BIN, 'dev', '--port', '0', '--data-dir', dataDir, '--block-time', options.blockTime ?? 'instant', ...l1, ...replica, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...options.env } });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`metis dev did not start in time:\n${out}`));
    }, options.startTimeoutMs ?? 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`metis dev exited with ${code}:\n${out}`));
    });
  });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const l1Url = /L1 RPC:\s+(http:\/\/[\d.]+:\d+)/.exec(out)?.[1];
  const l1Contracts = /L1 contracts:\s+(\S+)/.exec(out)?.[1];
  return {
    url,
    ...(l1Url ? { l1Url } : {}),
    ...(l1Contracts ? { l1Contracts } : {}),
    wsUrl: url.replace('http://', 'ws://'),
    dataDir,
    process: child,
    output: () => out,
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
