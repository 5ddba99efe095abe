import { readFileSync } from 'node:fs';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { describe, expect, it } from 'vitest';
import { DAC_PREDEPLOYS, dacPredeploys } from '../src/contracts.js';
import { dac } from '../src/plugin.js';

const SOURCES = ['DacRegistry', 'DacReputation', 'DacAttributes', 'DacCommitments', 'DacProposals', 'DacTreasury'];

describe('dac genesis', () => {
  it('places the runtime code of the six DAC contracts at their predeploy addresses', () => {
    const accounts = dacPredeploys();
    const expected = [PREDEPLOYS.DAC_REGISTRY, PREDEPLOYS.DAC_REPUTATION, PREDEPLOYS.DAC_ATTRIBUTES, PREDEPLOYS.DAC_COMMITMENTS, PREDEPLOYS.DAC_PROPOSALS, PREDEPLOYS.DAC_TREASURY];
    expect(Object.keys(accounts).sort()).toEqual(expected.map((a) => a.toLowerCase()).sort());
    for (const [name, address] of Object.entries(DAC_PREDEPLOYS)) {
      const code = accounts[address.toLowerCase() as `0x${string}`]!.code!;
      expect(code).toBe(loadArtifact(name).deployedBytecode);
      // No library placeholders to link: the code runs as placed.
      expect(code).toMatch(/^0x[0-9a-f]+$/);
    }
    expect(dac().definition.genesis!({} as never, {} as never)).toEqual(accounts);
  });

  it('the predeploys declare no immutables (a genesis placement runs no constructor)', () => {
    for (const name of SOURCES) {
      const source = readFileSync(new URL(`../../../contracts/src/l2/dac/${name}.sol`, import.meta.url), 'utf8');
      expect(source.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, ''), name).not.toMatch(/\bimmutable\b|\bconstructor\s*\(/);
    }
  });
});
