import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STAGES, definePlugin } from '@metis/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DevConfigOptions } from '../dev/defaults.js';
import { memoryIo } from '../io.js';
import { run, type Handlers } from '../main.js';
import type { SignalSource } from '../run-node.js';
import { DEV_COMMAND_DEFAULTS, dev } from './dev.js';
import { start } from './start.js';

// As in dev-start.test.ts: the real plugins are other packages; the replica path end to end is test/e2e/replica.test.ts.
const composed: DevConfigOptions[] = [];
vi.mock('../dev/dev-config.js', () => ({
  devConfig: (options: DevConfigOptions) => {
    composed.push(options);
    const fake = definePlugin({ id: 'fake', stages: STAGES, setup: (api) => STAGES.forEach((s) => api.provide(s, () => undefined)) });
    return { chainId: options.chainId, dataDir: options.dataDir, logLevel: options.logLevel, role: options.role, sequencerRpc: options.sequencerRpc, plugins: [fake()] };
  },
}));

const ENDPOINTS = { http: 'http://127.0.0.1:45556', ws: 'ws://127.0.0.1:45556' };
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

async function parse(args: string[]): Promise<{ code: number; calls: unknown[][]; stderr: string }> {
  const calls: unknown[][] = [];
  const record = async (...a: unknown[]): Promise<number> => {
    calls.push(a.slice(0, -1));
    return 0;
  };
  const io = memoryIo();
  const handlers = { init: record, dev: record, start: record, configCheck: record } as unknown as Handlers;
  const code = await run(args, { io, handlers });
  return { code, calls, stderr: io.stderr() };
}

describe('--role on the command line', () => {
  it('parses dev --role replica with its L1, deployment file and sequencer', async () => {
    const { code, calls } = await parse(['dev', '--role', 'replica', '--l1', 'http://127.0.0.1:9545', '--l1-contracts', 'seq/l1-deployment.json', '--sequencer-rpc', 'http://127.0.0.1:8545']);
    expect(code).toBe(0);
    expect(calls[0]![0]).toMatchObject({ role: 'replica', l1: 'http://127.0.0.1:9545', l1Contracts: 'seq/l1-deployment.json', sequencerRpc: 'http://127.0.0.1:8545' });
  });

  it('parses start --role and --sequencer-rpc', async () => {
    const { calls } = await parse(['start', '--role', 'replica', '--sequencer-rpc', 'https://seq.example.org']);
    expect(calls[0]![0]).toEqual({ config: './metis.config.ts', role: 'replica', sequencerRpc: 'https://seq.example.org' });
  });

  it('refuses an unknown role and a sequencer URL that is not http(s) (exit 2)', async () => {
    for (const args of [
      ['start', '--role', 'observer'],
      ['dev', '--role', 'follower'],
      ['start', '--sequencer-rpc', 'ws://127.0.0.1:8545'],
      ['dev', '--sequencer-rpc', 'nope'],
    ]) {
      const { code, calls } = await parse(args);
      expect(code, args.join(' ')).toBe(2);
      expect(calls).toEqual([]);
    }
  });
});

describe('metis dev --role replica', () => {
  it('needs --l1 <url> and --l1-contracts, before creating anything', async () => {
    const { ctx } = context();
    const before = composed.length;
    await expect(dev({ ...DEV_COMMAND_DEFAULTS, role: 'replica', logLevel: 'silent' }, ctx)).rejects.toMatchObject({ code: 'METIS-701', message: expect.stringMatching(/--l1 <url>/) });
    await expect(dev({ ...DEV_COMMAND_DEFAULTS, role: 'replica', l1: 'http://127.0.0.1:1', logLevel: 'silent' }, ctx)).rejects.toMatchObject({
      code: 'METIS-701',
      message: expect.stringMatching(/--l1-contracts/),
    });
    expect(composed.length).toBe(before);
  });

  it('composes the same genesis as the sequencer, with its L1 and no key, deploys nothing, and says it is a replica', async () => {
    const { signals, io, ctx } = context();
    const running = dev(
      { ...DEV_COMMAND_DEFAULTS, role: 'replica', l1: 'http://127.0.0.1:9545', l1Contracts: 'seq/l1-deployment.json', sequencerRpc: 'http://127.0.0.1:8545', port: 0, logLevel: 'silent' },
      ctx,
    );
    await vi.waitFor(() => expect(io.stdout()).toContain('Listening on'), { timeout: 10_000 });
    const options = composed.at(-1)!;
    expect(options).toMatchObject({ role: 'replica', sequencerRpc: 'http://127.0.0.1:8545', chainId: 1337 });
    expect(options.l1).toEqual({ rpcUrl: 'http://127.0.0.1:9545', contracts: join(dir, 'seq/l1-deployment.json'), challengeWindow: 10 });
    expect(Object.keys(options.alloc!)).toHaveLength(10);
    const out = io.stdout();
    expect(out).toContain('Role:              replica (read-only, derived from L1; transactions forwarded to http://127.0.0.1:8545)');
    expect(out).toMatch(/L1 RPC:\s+http:\/\/127\.0\.0\.1:9545\n/);
    expect(out).toContain(`L1 contracts:      ${join(dir, 'seq/l1-deployment.json')}`);
    expect(out).not.toContain('Challenge window');
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
  });
});

describe('metis start --role', () => {
  it("overrides the config's role and sequencer URL", async () => {
    await writeFile(
      join(dir, 'metis.config.ts'),
      `import { STAGES, defineConfig, definePlugin } from '@metis/core';
const fake = definePlugin({ id: 'fake', stages: STAGES, setup: (api) => STAGES.forEach((s) => api.provide(s, () => undefined)) });
export default defineConfig({ chainId: 778, dataDir: 'chain', logLevel: 'silent', role: 'sequencer', plugins: [fake()] });
`,
    );
    const { signals, io, ctx } = context();
    const running = start({ role: 'replica', sequencerRpc: 'http://127.0.0.1:8545' }, ctx);
    await vi.waitFor(() => expect(io.stdout()).toContain('Listening on'), { timeout: 10_000 });
    expect(io.stdout()).toContain('Role:              replica (read-only, derived from L1; transactions forwarded to http://127.0.0.1:8545)');
    signals.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(0);

    const second = context();
    const plain = start({}, second.ctx);
    await vi.waitFor(() => expect(second.io.stdout()).toContain('Listening on'), { timeout: 10_000 });
    expect(second.io.stdout()).toContain('Role:              sequencer');
    second.signals.emit('SIGINT', 'SIGINT');
    expect(await plain).toBe(0);
  });
});
