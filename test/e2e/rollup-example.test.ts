// `metis deploy` to an L1, then `metis start --config examples/rollup/metis.config.ts` against it: the chain
// registers itself, bonds its proposer, and posts batches that become final on L1.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HDNodeWallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '@metis/l1';
import { ROOT } from './harness.js';
import { startFromConfig } from './run-metis.js';
import { call, METIS_BIN, removeDir } from '@metis/testkit';

const run = promisify(execFile);
const CONFIG = join(ROOT, 'examples/rollup/metis.config.ts');
const key = (i: number): string => HDNodeWallet.fromPhrase('test test test test test test test test test test test junk', undefined, `m/44'/60'/0'/0/${i}`).privateKey;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('examples/rollup on an L1', () => {
  let anvil: Anvil;
  let dir: string;

  beforeAll(async () => {
    anvil = await startAnvil({ blockTime: 1 });
    dir = await mkdtemp(join(tmpdir(), 'metis-rollup-'));
  });

  afterAll(async () => {
    await anvil?.stop();
    if (dir) await removeDir(dir);
  });

  it('deploys with metis deploy, then runs, registers and settles with metis start', async () => {
    const deployment = join(dir, 'l1-deployment.json');
    const deployed = await run(process.execPath, [METIS_BIN, 'deploy', '--l1', anvil.url, '--out', deployment, '--unbonding-delay', '60'], {
      env: { ...process.env, METIS_DEPLOYER_KEY: key(5), NO_COLOR: '1' },
    });
    // It names the file it wrote (relative to the working directory) and the config line that reads it.
    expect(deployed.stdout).toMatch(/Wrote \S*l1-deployment\.json/);
    expect(deployed.stdout).toContain(`l1({ rpcUrl: '${anvil.url}'`);
    const addresses = JSON.parse(await readFile(deployment, 'utf8')) as Record<string, string>;
    expect(Object.keys(addresses).sort()).toEqual([
      'batchInbox',
      'bondManager',
      'bridge',
      'chainRegistry',
      'daChallenge',
      'dataInbox',
      'rangerCertifier',
      'rangerDisputes',
      'rangerRegistry',
      'startBlock',
    ]);

    const env = { ...process.env, NO_COLOR: '1', METIS_L1_RPC: anvil.url, METIS_L1_CONTRACTS: deployment, METIS_PROPOSER_KEY: key(6), METIS_RPC_PORT: '0' };
    const node = await startFromConfig(CONFIG, join(dir, 'data'), env, 90_000);
    const { url } = node;
    const out = (): string => node.output();
    try {
      expect(await call(url, 'eth_chainId')).toBe(`0x${(4242).toString(16)}`);
      // A first batch on L1, then the registry's 60 s window is too long to wait for: check it is safe.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const status = await call(url, 'metis_syncStatus');
        if (BigInt(status.safe) > 0n) break;
        if (Date.now() > deadline) throw new Error(`no batch on L1:\n${out()}`);
        await sleep(500);
      }
      const batch = await call(url, 'metis_batchStatus', ['0x1']);
      expect(batch).toMatchObject({ status: 'safe', batch: { index: '0x0', firstBlock: '0x1' } });
      expect(out()).toMatch(/chain registered on L1/);
      expect(out()).toMatch(/proposer bonded on L1/);
    } finally {
      await node.stop();
    }
  });
});
