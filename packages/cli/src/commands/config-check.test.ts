import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { run } from '../main.js';
import { configCheck } from './config-check.js';

const PACKAGE_DIR = new URL('../../', import.meta.url).pathname;
let dir: string;

// Plugins whose setup throws: config check must never set anything up.
const PLUGINS = `
import { defineConfig, definePlugin } from '@metis/core';
import { z } from 'zod';
const never = (): never => { throw new Error('setup must not run during config check'); };
export const exec = definePlugin({ id: 'exec', setup: never });
export const seq = definePlugin({
  id: 'seq',
  dependencies: ['exec'],
  options: z.object({ blockTime: z.number().int().min(50).default(1000), mode: z.enum(['a', 'b']).default('a') }),
  setup: never,
});
export { defineConfig };
`;

beforeAll(async () => {
  dir = await mkdtemp(join(PACKAGE_DIR, '.tmp-test-'));
  await writeFile(join(dir, 'plugins.ts'), PLUGINS);
  await writeFile(
    join(dir, 'bad.config.ts'),
    `import { defineConfig, seq } from './plugins.js';
export default defineConfig({
  chainId: 0,
  name: '',
  logLevel: 'loud' as never,
  plugins: [seq({ blockTime: 5, mode: 'c' as never }), 'evm' as never],
});
`,
  );
  await writeFile(
    join(dir, 'metis.config.ts'),
    `import { defineConfig, exec, seq } from './plugins.js';
export default defineConfig({ chainId: 1337, name: 'devnet', plugins: [seq({ blockTime: 500 }), exec()] });
`,
  );
  await writeFile(
    join(dir, 'missing-dep.config.ts'),
    `import { defineConfig, seq } from './plugins.js';
export default defineConfig({ chainId: 1, plugins: [seq()] });
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('config check', () => {
  it('lists every problem with its path and returns 2', async () => {
    const io = memoryIo();
    expect(await configCheck({ config: 'bad.config.ts' }, { io, cwd: dir })).toBe(2);
    const err = io.stderr();
    expect(err).toContain('METIS-201 Invalid config (6 problems):');
    for (const path of ['chainId', 'name', 'logLevel', 'plugins[1]', 'plugins[0].seq.blockTime', 'plugins[0].seq.mode']) {
      expect(err).toContain(`  - ${path}: `);
    }
    expect(io.stdout()).toBe('');
  });

  it('prints a one-line summary with the plugins in resolved order and returns 0', async () => {
    const io = memoryIo();
    expect(await configCheck({}, { io, cwd: dir })).toBe(0);
    expect(io.stdout()).toBe('metis.config.ts: OK: chain id 1337 ("devnet"), 2 plugins: exec -> seq\n');
  });

  it('reports plugins that do not fit together with their code and returns 2', async () => {
    const io = memoryIo();
    expect(await configCheck({ config: 'missing-dep.config.ts' }, { io, cwd: dir })).toBe(2);
    expect(io.stderr()).toContain('METIS-102 Plugin "seq" depends on "exec"');
  });

  it('exits 2 through the program for an invalid, missing or unloadable config', async () => {
    const io = memoryIo();
    expect(await run(['config', 'check', '--config', 'bad.config.ts'], { io, cwd: dir })).toBe(2);
    expect(io.stderr()).toContain('plugins[0].seq.blockTime');

    const missing = memoryIo();
    expect(await run(['config', 'check', '-c', 'nope.ts'], { io: missing, cwd: dir })).toBe(2);
    expect(missing.stderr()).toMatch(/^METIS-202 Config file not found: .*nope\.ts\n$/);

    await writeFile(join(dir, 'broken.config.ts'), 'export default {\n');
    const broken = memoryIo();
    expect(await run(['config', 'check', '-c', 'broken.config.ts'], { io: broken, cwd: dir })).toBe(2);
    expect(broken.stderr()).toMatch(/^METIS-203 Could not load config /);

    const ok = memoryIo();
    expect(await run(['config', 'check'], { io: ok, cwd: dir })).toBe(0);
  });
});
