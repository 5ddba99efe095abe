import { readFileSync } from 'node:fs';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { isMetisError, type Hex } from '@metis/core';
import { DacViews } from '@metis/dac';
import { describe, expect, it } from 'vitest';
import { tokenPredeploys } from '../src/contracts.js';
import { token } from '../src/plugin.js';
import { tokenOptionsSchema } from '../src/options.js';
import { tokenNamespace } from '../src/rpc.js';

describe('token plugin', () => {
  it('places the DacTokenFactory runtime code at its predeploy address; it depends on the dac plugin', () => {
    const accounts = tokenPredeploys();
    expect(Object.keys(accounts)).toEqual([PREDEPLOYS.DAC_TOKEN_FACTORY.toLowerCase()]);
    expect(accounts[PREDEPLOYS.DAC_TOKEN_FACTORY.toLowerCase() as Hex]!.code).toBe(loadArtifact('DacTokenFactory').deployedBytecode);
    const source = readFileSync(new URL('../../../contracts/src/l2/token/DacTokenFactory.sol', import.meta.url), 'utf8').replace(/\/\/.*$/gm, '');
    expect(source).not.toMatch(/\bimmutable\b|\bconstructor\s*\(/);
    expect(token().definition.dependencies).toEqual(['dac']);
    expect(typeof token().definition.commands).toBe('function');
  });

  it('metis_dacTokenInfo validates its params before reading anything', async () => {
    let calls = 0;
    const views = new DacViews(async () => {
      calls++;
      return '0x';
    });
    const ns = tokenNamespace({ views, options: tokenOptionsSchema.parse({ maxHolders: 2 }) });
    const m = (params: unknown[]) => ns.methods.metis_dacTokenInfo!(params, { transport: 'http' }) as Promise<unknown>;
    for (const params of [[], [1, {}, 3], [''], [1, { holders: 'x' }], [1, { holders: ['0x1'] }], [1, { holders: [PREDEPLOYS.DAC_REGISTRY, PREDEPLOYS.DAC_REGISTRY, PREDEPLOYS.DAC_REGISTRY] }], [1, { other: 1 }]]) {
      const e = await m(params).catch((x: unknown) => x);
      expect(isMetisError(e, 'DAC_INVALID_PARAMS'), JSON.stringify(params)).toBe(true);
    }
    expect(calls).toBe(0);
    // A chain without the predeploys (empty return data): coded, naming the plugin.
    const e = await m([1]).catch((x: unknown) => x);
    expect(isMetisError(e, 'DAC_PREDEPLOY_MISSING')).toBe(true);
    expect((e as Error).message).toContain('dac plugin');
  });
});
