import { describe, expect, it, vi } from 'vitest';
import { EventBus } from './events.js';
import { createLogger } from './logger.js';
import './polyfills.js';

interface TestEvents {
  tick: [n: number];
  pair: [a: string, b: boolean];
}

describe('EventBus', () => {
  it('delivers typed events with all their arguments, to every listener in order', () => {
    const bus = new EventBus<TestEvents>();
    const seen: string[] = [];
    bus.on('tick', (n) => seen.push(`one:${n}`));
    bus.on('tick', (n) => seen.push(`two:${n}`));
    bus.on('pair', (a, b) => seen.push(`pair:${a}:${b}`));
    bus.emit('tick', 1);
    bus.emit('pair', 'x', true);
    expect(seen).toEqual(['one:1', 'two:1', 'pair:x:true']);
  });

  it('emitting with no listeners is a no-op', () => {
    expect(() => new EventBus<TestEvents>().emit('tick', 1)).not.toThrow();
  });

  it('on returns an unsubscribe function', () => {
    const bus = new EventBus<TestEvents>();
    const listener = vi.fn();
    const off = bus.on('tick', listener);
    bus.emit('tick', 1);
    off();
    bus.emit('tick', 2);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith(1);
  });

  it('a throwing listener never reaches the emitter nor stops other listeners; error listeners get it', () => {
    const bus = new EventBus<TestEvents>();
    const failure = new Error('listener bug');
    const after = vi.fn();
    const onError = vi.fn();
    bus.on('tick', () => {
      throw failure;
    });
    bus.on('tick', after);
    expect(() => bus.emit('tick', 1)).not.toThrow();
    expect(after).toHaveBeenCalledWith(1);

    const offError = bus.onError(onError);
    bus.emit('tick', 2);
    expect(onError).toHaveBeenCalledWith(failure);
    offError();
    bus.emit('tick', 3);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(3);
  });

  it('allows many listeners without warnings', () => {
    const bus = new EventBus<TestEvents>();
    const warn = vi.spyOn(process, 'emitWarning');
    for (let i = 0; i < 50; i++) bus.on('tick', () => undefined);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('createLogger', () => {
  it('writes JSON lines at the configured level to the destination, without pid/hostname', () => {
    const lines: string[] = [];
    const destination = { write: (s: string) => void lines.push(s) };
    const logger = createLogger({ level: 'warn', destination });
    logger.info('hidden');
    logger.warn({ plugin: 'evm' }, 'shown');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ msg: 'shown', plugin: 'evm' });
    expect(entry).not.toHaveProperty('pid');
    expect(entry).not.toHaveProperty('hostname');
  });

  it('defaults to info', () => {
    const destination = { write: () => undefined };
    expect(createLogger({ destination }).level).toBe('info');
  });
});

describe('polyfills', () => {
  it('provides Promise.withResolvers', async () => {
    const { promise, resolve } = (
      Promise as unknown as { withResolvers: <T>() => { promise: Promise<T>; resolve: (v: T) => void } }
    ).withResolvers<number>();
    resolve(7);
    await expect(promise).resolves.toBe(7);
  });
});
