import { EventEmitter } from 'node:events';
import { STAGES, createLogger, definePlugin } from '@metis/core';
import { describe, expect, it, vi } from 'vitest';
import { memoryIo } from './io.js';
import { runNode, type SignalSource } from './run-node.js';

const ENDPOINTS = { http: 'http://127.0.0.1:40123', ws: 'ws://127.0.0.1:40123' };

function fakeNode(options: { failStart?: boolean } = {}) {
  const log: string[] = [];
  const plugin = definePlugin({
    id: 'fake',
    stages: STAGES,
    setup(api) {
      for (const stage of STAGES) api.provide(stage, () => undefined);
      api.onStart(() => {
        log.push('start');
        if (options.failStart) throw new Error('port in use');
      });
      api.onStop(() => void log.push('stop'));
    },
  });
  return { log, config: { chainId: 1337, dataDir: '/tmp/metis-run-node-test', plugins: [plugin()] } };
}

const signals = (): SignalSource & EventEmitter => new EventEmitter() as SignalSource & EventEmitter;
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('runNode', () => {
  it('prints the banner then the Listening lines, and stops once on SIGINT with code 0', async () => {
    const { log, config } = fakeNode();
    const io = memoryIo();
    const source = signals();
    const cleanup = vi.fn(async () => undefined);
    const running = runNode({
      config,
      logger: createLogger({ level: 'silent' }),
      io,
      banner: (node) => [`chain ${node.config.chainId}`],
      endpoints: () => ENDPOINTS,
      signals: source,
      exit: () => undefined,
      cleanup,
    });
    await vi.waitFor(() => expect(io.stdout()).toContain('Listening on'), { timeout: 10_000 });
    expect(io.stdout()).toBe(`chain 1337\nListening on ${ENDPOINTS.http}\nWebSocket ${ENDPOINTS.ws}\n`);
    expect(io.stdout().split('\n')).toContain('Listening on http://127.0.0.1:40123');
    expect(log).toEqual(['start']);
    expect(cleanup).not.toHaveBeenCalled();

    source.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(0);
    expect(log).toEqual(['start', 'stop']);
    expect(cleanup).toHaveBeenCalledOnce();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });

  it('exits at once on a second signal', async () => {
    const { config } = fakeNode();
    const source = signals();
    const exit = vi.fn();
    const io = memoryIo();
    const stopBlocks = new Promise<void>(() => undefined);
    const plugin = definePlugin({ id: 'slow', setup: (api) => api.onStop(() => stopBlocks) });
    void runNode({
      config: { ...config, plugins: [...config.plugins, plugin()] },
      logger: createLogger({ level: 'silent' }),
      io,
      endpoints: () => undefined,
      signals: source,
      exit,
    });
    await vi.waitFor(() => expect(source.listenerCount('SIGTERM')).toBe(1));
    await tick();
    source.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect(exit).not.toHaveBeenCalled();
    source.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
    expect(io.stdout()).not.toContain('Listening on');
  });

  it('stops what started and cleans up when start fails, then rethrows', async () => {
    const { log, config } = fakeNode({ failStart: true });
    const cleanup = vi.fn(async () => undefined);
    const source = signals();
    await expect(
      runNode({ config, logger: createLogger({ level: 'silent' }), io: memoryIo(), endpoints: () => ENDPOINTS, signals: source, cleanup }),
    ).rejects.toThrow('port in use');
    expect(cleanup).toHaveBeenCalledOnce();
    expect(source.listenerCount('SIGINT')).toBe(0);
    expect(log[0]).toBe('start');
  });

  it('rejects an invalid config with CONFIG_INVALID before starting anything', async () => {
    const cleanup = vi.fn(async () => undefined);
    await expect(
      runNode({ config: { chainId: -1, plugins: [] }, logger: createLogger({ level: 'silent' }), io: memoryIo(), signals: signals(), cleanup }),
    ).rejects.toMatchObject({ code: 'METIS-201' });
    expect(cleanup).toHaveBeenCalledOnce();
  });
});
