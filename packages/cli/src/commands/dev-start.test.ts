import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STAGES, definePlugin } from '@metis/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DevConfigOptions } from '../dev/defaults.js';
import { memoryIo } from '../io.js';
import type { SignalSource } from '../run-node.js';
import { DEV_COMMAND_DEFAULTS, dev } from './dev.js';
import { start } from './start.js';

// The real plugins are other packages; `metis dev` is tested here with a stand-in composition.
const composed: DevConfigOptions[] = [];
vi.mock('../dev/dev-config.js', () => ({
  devConfig: (options: DevConfigOptions) => {
    composed.push(options);
    const fake = definePlugin({
      id: 'fake',
      stages: STAGES,
      async setup(api) {
        for (const stage of STAGES) api.provide(stage, () => undefined);
        await api.dataDir();
      },
    });
    return { chainId: options.chainId, dataDir: options.dataDir, logLevel: options.logLevel, plugins: [fake()] };
  },
}));

const ENDPOINTS = { http: 'http://127.0.0.1:45555', ws: 'ws://127.0.0.1:45555' };
const PACKAGE_DIR = new URL('../../', import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(PACKAGE_DIR, '.tmp-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context() {
  const signals = new EventEmitter() as SignalSource & EventEmitter;
  const io = memoryIo();
  return { signals, io, ctx: { io, cwd: dir, run: { signals, endpoints: () => ENDPOINTS, exit: () => undefined } } };
}

describe('metis dev', () => {
  it('funds the dev accounts in genesis, prints the banner and Listening line, and removes its temp data dir', async () => {
    const { signals, io, ctx } = context();
    // The L1 side of `metis dev` (embedded anvil, deployment) is covered end to end in test/e2e/l1-bridge.test.ts.
    const running = dev({ ...DEV_COMMAND_DEFAULTS, l1: false, accounts: 2, balance: '5', logLevel: 'silent' }, ctx);
    await vi.waitFor(() => expect(io.stdout()).toContain('Listening on'), { timeout: 10_000 });

    const options = composed.at(-1)!;
    expect(options).toMatchObject({ chainId: 1337, host: '127.0.0.1', port: 8545, blockTime: 1000, logLevel: 'silent' });
    expect(options.alloc).toEqual({
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266': { balance: 5n * 10n ** 18n },
      '0x70997970C51812dc3A010C7d01b50e0d17dc79C8': { balance: 5n * 10n ** 18n },
    });
    expect(options.dataDir).toMatch(/metis-dev-/);
    expect(options.l1).toBeUndefined();
    expect(io.stdout()).toContain('none (--no-l1)');
    expect(existsSync(join(options.dataDir!, 'fake'))).toBe(true);

    const out = io.stdout();
    expect(out).toContain('(0) 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 (5 ETH)');
    expect(out).toContain('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
    expect(out).toContain('test test test test test test test test test test test junk');
    expect(out).toMatch(/^Listening on http:\/\/127\.0\.0\.1:45555$/m);
    expect(out).toMatch(/^WebSocket ws:\/\/127\.0\.0\.1:45555$/m);

    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    expect(existsSync(options.dataDir!)).toBe(false);
  });

  it('keeps a --data-dir (relative to cwd) and passes the other flags through', async () => {
    const { signals, io, ctx } = context();
    const running = dev(
      { ...DEV_COMMAND_DEFAULTS, l1: false, chainId: 42, port: 0, blockTime: 'instant', dataDir: 'kept', finalityDelay: 10, accounts: 1, logLevel: 'silent' },
      ctx,
    );
    await vi.waitFor(() => expect(io.stdout()).toContain('Listening on'), { timeout: 10_000 });
    expect(composed.at(-1)).toMatchObject({ chainId: 42, port: 0, blockTime: 'instant', finalityDelay: 10, dataDir: join(dir, 'kept') });
    signals.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(0);
    expect(existsSync(join(dir, 'kept', 'fake'))).toBe(true);
  });

  it('rejects an invalid mnemonic before creating anything', async () => {
    const { ctx } = context();
    const before = composed.length;
    await expect(dev({ ...DEV_COMMAND_DEFAULTS, mnemonic: 'nope nope', logLevel: 'silent' }, ctx)).rejects.toMatchObject({ code: 'METIS-701' });
    expect(composed.length).toBe(before);
  });

  it('refuses --rangers without a sequencer on an L1, and a --plugin that is not a plugin, before starting anything', async () => {
    const { ctx } = context();
    const before = composed.length;
    await expect(dev({ ...DEV_COMMAND_DEFAULTS, rangers: 2, l1: false, logLevel: 'silent' }, ctx)).rejects.toMatchObject({ code: 'METIS-701', message: expect.stringMatching(/--rangers needs a sequencer on an L1/) });
    await expect(dev({ ...DEV_COMMAND_DEFAULTS, rangers: 2, role: 'replica', logLevel: 'silent' }, ctx)).rejects.toMatchObject({ code: 'METIS-701' });
    await writeFile(join(dir, 'not-a-plugin.mjs'), 'export default { hello: 1 };\n');
    await expect(dev({ ...DEV_COMMAND_DEFAULTS, l1: false, plugin: ['not-a-plugin.mjs'], logLevel: 'silent' }, ctx)).rejects.toMatchObject({ message: expect.stringMatching(/not a plugin/) });
    await expect(dev({ ...DEV_COMMAND_DEFAULTS, l1: false, plugin: ['missing.mjs'], logLevel: 'silent' }, ctx)).rejects.toMatchObject({ message: expect.stringMatching(/cannot load/) });
    expect(composed.length).toBe(before);
  });

  it('adds --plugin modules to the devnet (a plugin or a list of them)', async () => {
    const { ctx, signals } = context();
    await writeFile(
      join(dir, 'extra-plugin.mjs'),
      `import { definePlugin } from '@metis/core';
const extra = definePlugin({ id: 'extra', setup() {} });
export default [extra()];
`,
    );
    const running = dev({ ...DEV_COMMAND_DEFAULTS, l1: false, port: 0, plugin: ['extra-plugin.mjs'], logLevel: 'silent' }, ctx);
    await vi.waitFor(() => expect(composed.at(-1)?.plugins).toBeDefined());
    expect((composed.at(-1)!.plugins as { definition: { id: string } }[]).map((p) => p.definition.id)).toEqual(['extra']);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
  });
});

describe('metis start', () => {
  beforeAll(async () => {
    await writeFile(
      join(dir, 'metis.config.ts'),
      `import { STAGES, defineConfig, definePlugin } from '@metis/core';
const fake = definePlugin({
  id: 'fake',
  stages: STAGES,
  async setup(api) {
    for (const stage of STAGES) api.provide(stage, () => undefined);
    await api.dataDir();
  },
});
export default defineConfig({ chainId: 777, name: 'started', dataDir: 'chain-data', logLevel: 'silent', plugins: [fake()] });
`,
    );
  });

  it('runs the config, resolving a relative dataDir against the config folder', async () => {
    const { signals, io, ctx } = context();
    const running = start({ config: join(dir, 'metis.config.ts') }, { ...ctx, cwd: PACKAGE_DIR });
    await vi.waitFor(() => expect(io.stdout()).toContain('Listening on'), { timeout: 10_000 });
    expect(io.stdout()).toContain('Metis node "started" (chain id 777)');
    expect(io.stdout()).toContain(`Data directory:    ${join(dir, 'chain-data')}`);
    expect(existsSync(join(dir, 'chain-data', 'fake'))).toBe(true);
    signals.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(0);
  });

  it('lets --data-dir (relative to cwd) override the config', async () => {
    const { signals, io, ctx } = context();
    const running = start({ dataDir: 'override', logLevel: 'silent' }, ctx);
    await vi.waitFor(() => expect(io.stdout()).toContain('Listening on'), { timeout: 10_000 });
    expect(existsSync(join(dir, 'override', 'fake'))).toBe(true);
    signals.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(0);
  });

  it('fails with CONFIG_NOT_FOUND for a missing config', async () => {
    const { ctx } = context();
    await expect(start({ config: 'missing.config.ts' }, ctx)).rejects.toMatchObject({ code: 'METIS-202' });
  });
});
