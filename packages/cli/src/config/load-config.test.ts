import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

// Inside the repository, so the config's `import '@metis/core'` resolves through node_modules.
const PACKAGE_DIR = new URL('../../', import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(PACKAGE_DIR, '.tmp-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe('loadConfig', () => {
  it('loads a TypeScript config that imports @metis/core and a relative .ts module', async () => {
    await write('ts/chain.ts', 'export const CHAIN_ID: number = 4242;\n');
    const path = await write(
      'ts/metis.config.ts',
      [
        "import { defineConfig } from '@metis/core';",
        "import { CHAIN_ID } from './chain.js';",
        'interface Extra { readonly note: string }',
        "const extra: Extra = { note: 'typed' };",
        "export default defineConfig({ chainId: CHAIN_ID, name: extra.note, dataDir: 'data', plugins: [] });",
      ].join('\n'),
    );
    const loaded = await loadConfig(path);
    expect(loaded.path).toBe(path);
    expect(loaded.dir).toBe(join(dir, 'ts'));
    expect(loaded.config).toEqual({ chainId: 4242, name: 'typed', dataDir: 'data', plugins: [] });
  });

  it('resolves the path against cwd and finds metis.config.ts in a folder', async () => {
    await write('folder/metis.config.ts', 'export default { chainId: 7, plugins: [] };\n');
    expect((await loadConfig('folder/metis.config.ts', dir)).config).toEqual({ chainId: 7, plugins: [] });
    expect((await loadConfig('folder', dir)).path).toBe(join(dir, 'folder', 'metis.config.ts'));
  });

  it('imports .mjs configs directly and awaits a function export', async () => {
    await write('js/metis.config.mjs', 'export default async () => ({ chainId: 9, plugins: [] });\n');
    expect((await loadConfig(join(dir, 'js/metis.config.mjs'))).config).toEqual({ chainId: 9, plugins: [] });
  });

  it('reloads an edited config', async () => {
    const path = await write('edit/metis.config.ts', 'export default { chainId: 1, plugins: [] };\n');
    expect((await loadConfig(path)).config).toMatchObject({ chainId: 1 });
    await write('edit/metis.config.ts', 'export default { chainId: 2, plugins: [] };\n');
    expect((await loadConfig(path)).config).toMatchObject({ chainId: 2 });
  });

  it('reports a missing file as CONFIG_NOT_FOUND', async () => {
    await expect(loadConfig(join(dir, 'nope.config.ts'))).rejects.toMatchObject({ code: 'METIS-202' });
    await mkdir(join(dir, 'empty'), { recursive: true });
    await expect(loadConfig(join(dir, 'empty'))).rejects.toMatchObject({ code: 'METIS-202' });
  });

  it('reports syntax errors, throwing configs, missing modules and no default export as CONFIG_LOAD_FAILED', async () => {
    const syntax = await write('bad/syntax.config.ts', 'export default {\n');
    const throws = await write('bad/throws.config.ts', "throw new Error('boom');\nexport default {};\n");
    const missing = await write('bad/missing.config.ts', "import { x } from './not-there.js';\nexport default x;\n");
    const noDefault = await write('bad/named.config.ts', 'export const config = { chainId: 1 };\n');
    await expect(loadConfig(syntax)).rejects.toMatchObject({ code: 'METIS-203' });
    await expect(loadConfig(throws)).rejects.toMatchObject({ code: 'METIS-203', message: expect.stringContaining('boom') });
    await expect(loadConfig(missing)).rejects.toMatchObject({ code: 'METIS-203' });
    await expect(loadConfig(noDefault)).rejects.toMatchObject({ code: 'METIS-203', message: expect.stringContaining('default export') });
  });
});
