// examples/dac-chain run with `metis start`: dac() and token() put the predeploys in the genesis, serve the
// metis_dac* views and add the `metis dac` / `metis token` commands read from that config. examples/devnet, the
// same chain without them, has none of the three.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HDNodeWallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREDEPLOYS } from '@metis/contracts';
import { call, callError, removeDir } from '@metis/testkit';
import { ROOT } from './harness.js';
import { runMetis, startFromConfig, type StartedNode } from './run-metis.js';

const DAC_CONFIG = join(ROOT, 'examples/dac-chain/metis.config.ts');
const PLAIN_CONFIG = join(ROOT, 'examples/devnet/metis.config.ts');
const FOUNDER_KEY = HDNodeWallet.fromPhrase('test test test test test test test test test test test junk', undefined, "m/44'/60'/0'/0/0").privateKey;

const metis = runMetis;

describe('examples/dac-chain', () => {
  let dir: string;
  let node: StartedNode | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-dac-example-'));
  });

  afterAll(async () => {
    await node?.stop();
    if (dir) await removeDir(dir);
  });

  it('passes metis config check', async () => {
    const r = await metis(['config', 'check', '--config', DAC_CONFIG]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('runs with metis start: predeploys, metis_dac* views, and the commands of its plugins', async () => {
    await node?.stop();
    node = await startFromConfig(DAC_CONFIG, join(dir, 'dac'), { METIS_RPC_PORT: '0' });
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
    await node.stop();
    node = undefined;
  });

  it('leaves no trace without dac() and token(): no code at their addresses, no views, no commands', async () => {
    await node?.stop(); // a node a failed test left running
    node = await startFromConfig(PLAIN_CONFIG, join(dir, 'plain'), { METIS_RPC_PORT: '0' });
    expect(await call(node.url, 'eth_getCode', [PREDEPLOYS.DAC_REGISTRY, 'latest'])).toBe('0x');
    expect(await call(node.url, 'eth_getCode', [PREDEPLOYS.DAC_TOKEN_FACTORY, 'latest'])).toBe('0x');
    expect((await callError(node.url, 'metis_dacList', [])).code).toBe(-32601);
    const r = await metis(['dac', 'info', '1', '--config', PLAIN_CONFIG, '--rpc', node.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'dac'/);
    await node.stop();
    node = undefined;
  });
});
