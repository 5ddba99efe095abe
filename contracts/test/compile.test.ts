import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Interface, getAddress } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREDEPLOYS, artifactPath, artifactsDir, loadArtifact, type ContractArtifact } from '@metis/contracts';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../scripts/compile.mjs', import.meta.url));

/** Runs the compile script; resolves with its exit code and output instead of throwing. */
async function compile(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const HEX = /^0x[0-9a-f]*$/;

beforeAll(async () => {
  // Compiles if the build has not already; a no-op otherwise.
  const result = await compile();
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}, 120_000);

describe('compile.mjs', () => {
  it('skips the work when nothing changed, in one short line', async () => {
    const result = await compile();
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/up to date/);
    const cache = JSON.parse(readFileSync(join(artifactsDir, '.cache.json'), 'utf8')) as Record<string, unknown>;
    expect(cache).toMatchObject({ solcVersion: '0.8.30', evmVersion: 'prague' });
    expect(cache.artifacts).toEqual(expect.arrayContaining(['MetisTestToken', 'Reverter']));
  });

  describe('on other sources', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'metis-contracts-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails with a non-zero exit and the compiler errors', async () => {
      const src = join(dir, 'bad', 'src');
      mkdirSync(src, { recursive: true });
      writeFileSync(
        join(src, 'Bad.sol'),
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract Bad { function f() external pure returns (uint256) { return "x"; } }\n',
      );
      const out = join(dir, 'bad', 'artifacts');
      const result = await compile('--src', src, '--out', out);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/TypeError/);
      expect(result.stderr).toMatch(/Bad\.sol/);
      expect(existsSync(join(out, '.cache.json'))).toBe(false);
    }, 60_000);

    it('resolves OpenZeppelin imports and relative imports, one artifact per contract', async () => {
      const src = join(dir, 'good', 'src');
      mkdirSync(join(src, 'lib'), { recursive: true });
      writeFileSync(
        join(src, 'lib', 'Base.sol'),
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\nimport {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";\nabstract contract Base is Ownable { constructor() Ownable(msg.sender) {} }\n',
      );
      writeFileSync(
        join(src, 'Thing.sol'),
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\nimport {Base} from "./lib/Base.sol";\ncontract Thing is Base { function ping() external pure returns (uint256) { return 1; } }\ninterface IThing { function ping() external pure returns (uint256); }\n',
      );
      const out = join(dir, 'good', 'artifacts');
      const first = await compile('--src', src, '--out', out);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/compiled 3 contracts from 2 sources/);
      const thing = JSON.parse(readFileSync(join(out, 'Thing.json'), 'utf8')) as ContractArtifact;
      expect(thing.sourceName).toBe('src/Thing.sol');
      expect(thing.bytecode.length).toBeGreaterThan(2);
      expect(JSON.parse(readFileSync(join(out, 'IThing.json'), 'utf8'))).toMatchObject({ bytecode: '0x', deployedBytecode: '0x' });
      expect(JSON.parse(readFileSync(join(out, 'Base.json'), 'utf8'))).toMatchObject({ sourceName: 'src/lib/Base.sol' });

      // A removed contract loses its artifact on the next compile.
      writeFileSync(
        join(src, 'Thing.sol'),
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\nimport {Base} from "./lib/Base.sol";\ncontract Thing is Base {}\n',
      );
      const second = await compile('--src', src, '--out', out);
      expect(second.code).toBe(0);
      expect(existsSync(join(out, 'IThing.json'))).toBe(false);
      expect(existsSync(join(out, 'Thing.json'))).toBe(true);
      expect((await compile('--src', src, '--out', out)).stdout).toMatch(/up to date/);
    }, 60_000);
  });
});

describe('artifacts', () => {
  for (const name of ['MetisTestToken', 'Reverter'] as const) {
    it(`${name} has a name, a source, an ABI and 0x-prefixed bytecode`, () => {
      const artifact = loadArtifact(name);
      expect(artifact.contractName).toBe(name);
      expect(artifact.sourceName).toBe(`src/test/${name}.sol`);
      expect(Array.isArray(artifact.abi)).toBe(true);
      expect(artifact.abi.length).toBeGreaterThan(0);
      expect(artifact.bytecode).toMatch(HEX);
      expect(artifact.deployedBytecode).toMatch(HEX);
      expect(artifact.bytecode.length).toBeGreaterThan(100);
      expect(artifact.deployedBytecode.length).toBeGreaterThan(100);
      expect(artifactPath(name)).toBe(join(artifactsDir, `${name}.json`));
    });
  }

  it('PREDEPLOYS are the checksummed addresses of Predeploys.sol', () => {
    const source = readFileSync(fileURLToPath(new URL('../src/l2/Predeploys.sol', import.meta.url)), 'utf8');
    const inSolidity = Object.fromEntries([...source.matchAll(/address internal constant (\w+) = (0x[0-9a-fA-F]{40});/g)].map((m) => [m[1], m[2]]));
    expect(inSolidity).toEqual({ ...PREDEPLOYS });
    for (const address of Object.values(PREDEPLOYS)) expect(getAddress(address)).toBe(address);
  });

  it('loadArtifact caches and rejects unknown or malformed names', () => {
    expect(loadArtifact('Reverter')).toBe(loadArtifact('Reverter'));
    expect(() => loadArtifact('NoSuchContract')).toThrow(/compile/);
    expect(() => loadArtifact('../package')).toThrow(TypeError);
  });

  it('MetisTestToken: ERC-20, Ownable, mint and batchTransfer', () => {
    const iface = new Interface(loadArtifact('MetisTestToken').abi);
    expect(iface.deploy.inputs.map((p) => p.type)).toEqual(['string', 'string', 'uint256']);
    for (const signature of [
      'name()',
      'symbol()',
      'decimals()',
      'totalSupply()',
      'balanceOf(address)',
      'transfer(address,uint256)',
      'approve(address,uint256)',
      'allowance(address,address)',
      'transferFrom(address,address,uint256)',
      'owner()',
      'transferOwnership(address)',
      'renounceOwnership()',
      'mint(address,uint256)',
      'batchTransfer(address[],uint256)',
    ]) {
      expect(iface.getFunction(signature), signature).not.toBeNull();
    }
    expect(iface.getFunction('mint')!.stateMutability).toBe('nonpayable');
    expect(iface.getFunction('balanceOf')!.stateMutability).toBe('view');
    expect(iface.getEvent('Transfer(address,address,uint256)')).not.toBeNull();
    expect(iface.getEvent('Approval(address,address,uint256)')).not.toBeNull();
    expect(iface.getEvent('OwnershipTransferred(address,address)')).not.toBeNull();
    expect(iface.getError('OwnableUnauthorizedAccount(address)')).not.toBeNull();
    expect(iface.getError('ERC20InsufficientBalance(address,uint256,uint256)')).not.toBeNull();
    // The standard selector, as wallets and the benchmark encode it.
    expect(iface.getFunction('transfer')!.selector).toBe('0xa9059cbb');
  });

  it('Reverter: every kind of failure, a success with an event, and two views', () => {
    const iface = new Interface(loadArtifact('Reverter').abi);
    for (const signature of [
      'revertWithReason()',
      'revertWithoutReason()',
      'revertWithCustomError(uint256)',
      'divide(uint256,uint256)',
      'panicDivisionByZero()',
      'panicAssert()',
      'succeed(uint256)',
      'total()',
      'answer()',
      'viewRevert()',
    ]) {
      expect(iface.getFunction(signature), signature).not.toBeNull();
    }
    expect(iface.getFunction('succeed')!.stateMutability).toBe('nonpayable');
    expect(iface.getFunction('answer')!.outputs.map((o) => o.type)).toEqual(['uint256']);
    expect(['view', 'pure']).toContain(iface.getFunction('answer')!.stateMutability);
    expect(['view', 'pure']).toContain(iface.getFunction('viewRevert')!.stateMutability);
    const custom = iface.getError('CustomFailure(address,uint256,string)');
    expect(custom).not.toBeNull();
    expect(custom!.inputs.map((i) => i.name)).toEqual(['caller', 'code', 'reason']);
    const event = iface.getEvent('Succeeded(address,uint256,uint256)');
    expect(event).not.toBeNull();
    expect(event!.inputs[0]!.indexed).toBe(true);
  });
});
