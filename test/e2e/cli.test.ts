import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { METIS_BIN, ROOT, call, removeDir } from './harness.js';

const run = promisify(execFile);
const EXAMPLE = join(ROOT, 'examples/devnet/metis.config.ts');

describe('the metis binary', () => {
  it('prints help for every command', async () => {
    for (const args of [['--help'], ['dev', '--help'], ['start', '--help'], ['init', '--help'], ['config', 'check', '--help']]) {
      const { stdout } = await run(process.execPath, [METIS_BIN, ...args]);
      expect(stdout).toMatch(/Usage:/);
    }
  });

  it('config check accepts the example and lists every problem of a bad config with exit code 2', async () => {
    const ok = await run(process.execPath, [METIS_BIN, 'config', 'check', '--config', EXAMPLE]);
    expect(ok.stdout).toMatch(/1337/);
    const dir = await mkdtemp(join(ROOT, 'examples/devnet/.tmp-bad-'));
    try {
      const bad = join(dir, 'metis.config.ts');
      await writeFile(
        bad,
        `import { defineConfig } from '@metis/core';\nimport { evm } from '@metis/evm';\nimport { sequencer } from '@metis/sequencer';\n` +
          `export default defineConfig({ chainId: -5, logLevel: 'loud' as never, plugins: [evm({ coinbase: 'nope' }), sequencer({ blockTime: 1 })] });\n`,
      );
      const failure = (await run(process.execPath, [METIS_BIN, 'config', 'check', '--config', bad]).catch((e: unknown) => e)) as { code: number; stderr: string };
      expect(failure.code).toBe(2);
      for (const path of ['chainId', 'logLevel', 'plugins[0].evm.coinbase', 'plugins[1].sequencer.blockTime']) expect(failure.stderr).toContain(path);
    } finally {
      await removeDir(dir);
    }
  });

  it('start runs a chain from a config file on its data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'metis-start-'));
    const dir = await mkdtemp(join(ROOT, 'examples/devnet/.tmp-start-'));
    const config = join(dir, 'metis.config.ts');
    // The example's plugins, with the RPC on a free port (tests never take a fixed one).
    const example = await readFile(EXAMPLE, 'utf8');
    await writeFile(config, example.replace('port: Number(process.env.METIS_RPC_PORT ?? 8545)', 'port: 0'));
    expect(await readFile(config, 'utf8')).toContain('port: 0');
    const child = spawn(process.execPath, [METIS_BIN, 'start', '--config', config, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no Listening line:\n${out}`)), 60_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /Listening on (http:\/\/[\d.]+:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
      });
      expect(await call(url, 'eth_chainId')).toBe('0x539');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await removeDir(dataDir);
      await removeDir(dir);
    }
  });
});
