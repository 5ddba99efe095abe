import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../errors.js';
import { memoryIo } from '../io.js';
import { run } from '../main.js';
import { init } from './init.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'metis-init-test-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('metis init', () => {
  it('scaffolds metis.config.ts, package.json and .gitignore in a new folder', async () => {
    const io = memoryIo();
    expect(await init('My Rollup', {}, { io, cwd: root })).toBe(0);
    const target = join(root, 'My Rollup');
    expect((await readdir(target)).sort()).toEqual(['.gitignore', 'metis.config.ts', 'package.json']);

    const pkg = JSON.parse(await readFile(join(target, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'my-rollup', private: true, type: 'module' });
    expect(pkg.scripts).toMatchObject({ dev: 'metis dev', start: expect.stringContaining('metis start') });
    for (const p of ['cli', 'core', 'evm', 'mempool', 'rpc', 'sequencer', 'settlement-local']) {
      expect(pkg.dependencies[`@metis/${p}`]).toBe('^0.1.0');
    }

    const config = await readFile(join(target, 'metis.config.ts'), 'utf8');
    expect(config).toContain("import { defineConfig } from '@metis/core';");
    for (const call of ['evm(', 'mempool(', 'sequencer(', 'localSettlement(', 'rpc(']) expect(config).toContain(call);
    expect(config).toContain('export default defineConfig({');
    expect(await readFile(join(target, '.gitignore'), 'utf8')).toContain('.metis/');
    expect(io.stdout()).toContain('Created a Metis rollup');
  });

  it('scaffolds into an existing empty folder (a .git folder does not count)', async () => {
    await mkdir(join(root, '.git'));
    expect(await init(undefined, {}, { io: memoryIo(), cwd: root })).toBe(0);
    expect(await readdir(root)).toContain('metis.config.ts');
  });

  it('refuses a non-empty folder with a usage error (exit code 2) unless --force', async () => {
    await writeFile(join(root, 'notes.txt'), 'keep me');
    const error = await init('.', {}, { io: memoryIo(), cwd: root }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'METIS-701', message: expect.stringContaining('not empty') });
    expect(exitCodeOf(error)).toBe(2);
    expect(await readdir(root)).toEqual(['notes.txt']);

    const io = memoryIo();
    expect(await run(['init', root], { io })).toBe(2);
    expect(io.stderr()).toMatch(/^METIS-701 .* is not empty .*--force/);

    expect(await run(['init', root, '--force'], { io: memoryIo() })).toBe(0);
    expect((await readdir(root)).sort()).toEqual(['.gitignore', 'metis.config.ts', 'notes.txt', 'package.json']);
  });
});
