// examples/dac-chain run with `metis start`: dac() and token() put the predeploys in the genesis, serve the
// metis_dac* views and add the `metis dac` / `metis token` commands read from that config. examples/devnet, the
// same chain without them, has none of the three.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HDNodeWallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREDEPLOYS } from '@metis/contracts';
import { call, callError, METIS_BIN, removeDir } from '@metis/testkit';
import { ROOT } from './harness.js';

const DAC_CONFIG = join(ROOT, 'examples/dac-chain/metis.config.ts');
const PLAIN_CONFIG = join(ROOT, 'examples/devnet/metis.config.ts');
const FOUNDER_KEY = HDNodeWallet.fromPhrase('test test test test test test test test test test test junk', undefined, "m/44'/60'/0'/0/0").privateKey;

interface Started {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** `metis start --config <config>` on a free port and a fresh data directory; resolves once it listens. */
async function start(config: string, dataDir: string): Promise<Started> {
  const env = { ...process.env, NO_COLOR: '1', METIS_RPC_PORT: '0' };
  const child = spawn(process.execPath, [METIS_BIN, 'start', '--config', config, '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no Listening line:\n${out}`)), 60_000);
    const poll = setInterval(() => {
      const m = /Listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(m[1]!);
      }
    }, 50);
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  return { url, child, output: () => out };
}

async function stop(s: Started | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

/** Runs the `metis` binary to completion. */
function metis(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [METIS_BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/dac-chain', () => {
  let dir: string;
  let node: Started | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-dac-example-'));
  });

  afterAll(async () => {
    await stop(node);
    if (dir) await removeDir(dir);
  });

  it('passes metis config check', async () => {
    const r = await metis(['config', 'check', '--config', DAC_CONFIG]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('runs with metis start: predeploys, metis_dac* views, and the commands of its plugins', async () => {
    node = await start(DAC_CONFIG, join(dir, 'dac'));
    expect(await call(node.url, 'eth_chainId')).toBe(`0x${(4343).toString(16)}`);
    for (const address of Object.values(PREDEPLOYS).filter((a) => a.startsWith('0x42000000000000000000000000000000000001'))) {
      expect((await call(node.url, 'eth_getCode', [address, 'latest'])).length, address).toBeGreaterThan(2);
    }
    expect(await call(node.url, 'metis_dacList', [])).toMatchObject({ total: '0x0', dacs: [] });

    // `metis dac` reads its commands from the example's config and works against the running node.
    const created = await metis(['dac', 'create', 'Example Co', '--charter', 'bafyexample', '--config', DAC_CONFIG, '--rpc', node.url, '--json'], { METIS_KEY: FOUNDER_KEY });
    expect(created.code, created.stdout + created.stderr).toBe(0);
    const { dacId } = JSON.parse(created.stdout.trim().split('\n').pop()!) as { dacId: string };
    const info = await call(node.url, 'metis_dacInfo', ['Example Co']);
    expect(BigInt(info.dacId)).toBe(BigInt(dacId));
    expect(info.founder).toBe('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266');
    const tokenInfo = await metis(['token', 'info', dacId, '--config', DAC_CONFIG, '--rpc', node.url, '--json']);
    expect(tokenInfo.code, tokenInfo.stderr).toBe(0);
    expect(JSON.parse(tokenInfo.stdout.trim())).toMatchObject({ token: null });
    await stop(node);
    node = undefined;
  });

  it('leaves no trace without dac() and token(): no code at their addresses, no views, no commands', async () => {
    node = await start(PLAIN_CONFIG, join(dir, 'plain'));
    expect(await call(node.url, 'eth_getCode', [PREDEPLOYS.DAC_REGISTRY, 'latest'])).toBe('0x');
    expect(await call(node.url, 'eth_getCode', [PREDEPLOYS.DAC_TOKEN_FACTORY, 'latest'])).toBe('0x');
    expect((await callError(node.url, 'metis_dacList', [])).code).toBe(-32601);
    const r = await metis(['dac', 'info', '1', '--config', PLAIN_CONFIG, '--rpc', node.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'dac'/);
    await stop(node);
    node = undefined;
  });
});
