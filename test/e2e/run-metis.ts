// The real `metis` binary run from the end-to-end tests: one-shot commands and long-running nodes.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { METIS_BIN } from '@metis/testkit';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Key variables that must not leak in from the shell running the tests. */
const KEY_VARIABLES = ['METIS_KEY', 'METIS_DEPLOYER_KEY', 'METIS_KEYSTORE_PASSWORD'];

function environment(env: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string> = {};
  const cleared = Object.fromEntries(KEY_VARIABLES.map((k) => [k, undefined]));
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...cleared, ...env })) {
    if (v !== undefined) merged[k] = v;
  }
  return merged;
}

/** Runs `metis <args>` to completion; `env` entries set to undefined are removed. */
export function runMetis(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [METIS_BIN, ...args], { env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `metis <args> --json`, expects exit 0 and returns its last output line, parsed. */
export async function metisJson<T>(args: string[], env: Record<string, string | undefined> = {}): Promise<T> {
  const r = await runMetis([...args, '--json'], env);
  expect(r.code, `metis ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

export interface StartedNode {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then expects exit code 0. Does nothing once the process has exited. */
  stop(): Promise<void>;
}

/** `metis start --config <config> --data-dir <dataDir>`; resolves with its RPC URL once it logs "Listening on". */
export async function startFromConfig(config: string, dataDir: string, env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<StartedNode> {
  const child = spawn(process.execPath, [METIS_BIN, 'start', '--config', config, '--data-dir', dataDir], { env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no Listening line:\n${out}`)), timeoutMs);
    const poll = setInterval(() => {
      const m = /Listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(m[1]!);
      }
    }, 50);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`exited ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  };
}
