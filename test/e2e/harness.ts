import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeAddress } from 'ethers';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const METIS_BIN = join(ROOT, 'packages/cli/bin/metis.js');
export const CAST_BIN = join(ROOT, 'node_modules/.bin/cast');

/** Hardhat/anvil development keys: `metis dev` funds these. */
export const DEV_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
] as const;
export const DEV_ADDRESSES = DEV_KEYS.map((k) => computeAddress(k)) as [string, string, string, string];
export const CHAIN_ID = 1337;

export interface Devnet {
  readonly url: string;
  readonly wsUrl: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything the node printed so far. */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill9(): Promise<void>;
}

export interface DevnetOptions {
  blockTime?: string;
  dataDir?: string;
  args?: string[];
}

/** Starts `metis dev` as a child process on a free port and waits for its Listening line. */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'metis-e2e-')));
  const args = [METIS_BIN, 'dev', '--port', '0', '--data-dir', dataDir, '--block-time', options.blockTime ?? 'instant', ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`metis dev did not start in time:\n${out}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /Listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`metis dev exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    wsUrl: url.replace('http://', 'ws://'),
    dataDir,
    process: child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** A raw JSON-RPC call (single or batch), returning the parsed body and HTTP status. */
export async function rpc(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function call(url: string, method: string, params: unknown[] = []): Promise<any> {
  const { body } = await rpc(url, { jsonrpc: '2.0', id: 1, method, params });
  if (body.error) throw Object.assign(new Error(body.error.message), { rpc: body.error });
  return body.result;
}

/** The JSON-RPC error of a call that must fail. */
export async function callError(url: string, method: string, params: unknown[] = []): Promise<{ code: number; message: string; data?: any }> {
  const { body } = await rpc(url, { jsonrpc: '2.0', id: 1, method, params });
  if (!body.error) throw new Error(`${method} succeeded but should have failed: ${JSON.stringify(body.result)}`);
  return body.error;
}

/** Polls eth_getTransactionReceipt until the receipt exists (or the deadline passes). */
export async function waitForReceipt(url: string, hash: string, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await call(url, 'eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    if (Date.now() > deadline) throw new Error(`no receipt for ${hash} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
