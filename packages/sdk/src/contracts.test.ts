import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMetisError } from '@metis/core';
import { l1ContractsSchema } from '@metis/l1';
import { loadDeployment, saveDeployment, verifyDeployment } from './contracts.js';

const a = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
const deployment = { chainRegistry: a(1), bondManager: a(2), batchInbox: a(3), bridge: a(4), dataInbox: a(5), daChallenge: a(6), startBlock: 7 };

describe('deployment files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-sdk-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the l1ContractsSchema format and reads it back', async () => {
    const file = join(dir, 'l1.json');
    await saveDeployment(file, deployment);
    const text = await readFile(file, 'utf8');
    expect(l1ContractsSchema.parse(JSON.parse(text))).toEqual(deployment);
    expect(Object.keys(JSON.parse(text))).toEqual(['chainRegistry', 'bondManager', 'batchInbox', 'bridge', 'dataInbox', 'daChallenge', 'startBlock']);
    expect(await loadDeployment(file)).toEqual(deployment);
  });

  it('reads and writes files of deployments older than the DA challenge (no daChallenge)', async () => {
    const { daChallenge: _, ...older } = deployment;
    const file = join(dir, 'older.json');
    await writeFile(file, JSON.stringify(older));
    const loaded = await loadDeployment(file);
    expect(loaded).toEqual(older);
    expect(loaded.daChallenge).toBeUndefined();
    const again = join(dir, 'older-again.json');
    await saveDeployment(again, loaded);
    expect(Object.keys(JSON.parse(await readFile(again, 'utf8')))).toEqual(['chainRegistry', 'bondManager', 'batchInbox', 'bridge', 'dataInbox', 'startBlock']);
  });

  it('writes and checks the contracts of the rangers when the deployment has them', async () => {
    const withRangers = { ...deployment, rangerRegistry: a(7), rangerCertifier: a(8), rangerDisputes: a(9) };
    const file = join(dir, 'rangers.json');
    await saveDeployment(file, withRangers);
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')))).toEqual([
      'chainRegistry',
      'bondManager',
      'batchInbox',
      'bridge',
      'dataInbox',
      'daChallenge',
      'rangerRegistry',
      'rangerCertifier',
      'rangerDisputes',
      'startBlock',
    ]);
    expect(await loadDeployment(file)).toEqual(withRangers);
    const code: Record<string, string> = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 9].map((n) => [a(n), '0x60']));
    const provider = { getCode: async (address: string) => code[address] ?? '0x' } as never;
    expect(String(await verifyDeployment({ l1Provider: provider, contracts: withRangers }).catch((e: unknown) => e))).toMatch(/rangerCertifier/);
    code[a(8)] = '0x60';
    await expect(verifyDeployment({ l1Provider: provider, contracts: withRangers })).resolves.toBeUndefined();
  });

  it('refuses to overwrite a deployment file unless asked', async () => {
    const file = join(dir, 'again.json');
    await saveDeployment(file, deployment);
    await expect(saveDeployment(file, { ...deployment, startBlock: 9 })).rejects.toMatchObject({ code: 'EEXIST' });
    await saveDeployment(file, { ...deployment, startBlock: 9 }, { overwrite: true });
    expect((await loadDeployment(file)).startBlock).toBe(9);
  });

  it('reports a missing, non-JSON or malformed file as L1_CONTRACTS_MISSING, naming the problem', async () => {
    const missing = await loadDeployment(join(dir, 'nope.json')).catch((e: unknown) => e);
    expect(isMetisError(missing, 'L1_CONTRACTS_MISSING')).toBe(true);
    expect(String(missing)).toMatch(/cannot read/);
    await writeFile(join(dir, 'junk.json'), '{ not json');
    expect(String(await loadDeployment(join(dir, 'junk.json')).catch((e: unknown) => e))).toMatch(/not JSON/);
    await writeFile(join(dir, 'partial.json'), JSON.stringify({ ...deployment, bridge: 'nope' }));
    const partial = await loadDeployment(join(dir, 'partial.json')).catch((e: unknown) => e);
    expect(isMetisError(partial, 'L1_CONTRACTS_MISSING')).toBe(true);
    expect(String(partial)).toMatch(/bridge/);
  });

  it('verifyDeployment names the first contract without code', async () => {
    const code: Record<string, string> = { [a(1)]: '0x60', [a(2)]: '0x60', [a(3)]: '0x', [a(4)]: '0x60', [a(5)]: '0x60', [a(6)]: '0x60' };
    const provider = { getCode: async (address: string) => code[address] ?? '0x' } as never;
    const error = await verifyDeployment({ l1Provider: provider, contracts: deployment }).catch((e: unknown) => e);
    expect(isMetisError(error, 'L1_CONTRACTS_MISSING')).toBe(true);
    expect(String(error)).toMatch(/batchInbox/);
    code[a(3)] = '0x60';
    await expect(verifyDeployment({ l1Provider: provider, contracts: deployment })).resolves.toBeUndefined();
    code[a(6)] = '0x';
    expect(String(await verifyDeployment({ l1Provider: provider, contracts: deployment }).catch((e: unknown) => e))).toMatch(/daChallenge/);
    const { daChallenge: _, ...older } = deployment;
    await expect(verifyDeployment({ l1Provider: provider, contracts: older })).resolves.toBeUndefined();
  });
});
