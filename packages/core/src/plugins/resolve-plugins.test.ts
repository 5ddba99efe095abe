import { describe, expect, it } from 'vitest';
import { createToken, type AnyToken } from '../container/token.js';
import { MetisError } from '../errors/metis-error.js';
import { definePlugin } from './define-plugin.js';
import { resolvePlugins } from './resolve-plugins.js';
import type { AnyPlugin } from './types.js';

interface Spec {
  dependencies?: string[];
  provides?: AnyToken[];
  requires?: AnyToken[];
}

const plugin = (id: string, spec: Spec = {}): AnyPlugin => definePlugin({ id, ...spec, setup: () => undefined })();
const ids = (plugins: readonly AnyPlugin[]): string[] => plugins.map((p) => p.definition.id);

function thrown(fn: () => unknown): MetisError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MetisError);
    return e as MetisError;
  }
  throw new Error('expected a throw');
}

describe('resolvePlugins', () => {
  it('returns an empty list for no plugins', () => {
    expect(resolvePlugins([])).toEqual([]);
  });

  it('keeps the config order when nothing constrains it', () => {
    expect(ids(resolvePlugins([plugin('c'), plugin('a'), plugin('b')]))).toEqual(['c', 'a', 'b']);
  });

  it('returns the same plugin instances it was given', () => {
    const a = plugin('a');
    const b = plugin('b', { dependencies: ['a'] });
    const out = resolvePlugins([b, a]);
    expect(out[0]).toBe(a);
    expect(out[1]).toBe(b);
  });

  it('puts dependencies first whatever the config order', () => {
    const a = plugin('a');
    const b = plugin('b', { dependencies: ['a'] });
    const c = plugin('c', { dependencies: ['b'] });
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, c, a],
      [c, a, b],
    ]) {
      expect(ids(resolvePlugins(order))).toEqual(['a', 'b', 'c']);
    }
  });

  it('handles a diamond: each plugin after all of its dependencies, once', () => {
    const base = plugin('base');
    const left = plugin('left', { dependencies: ['base'] });
    const right = plugin('right', { dependencies: ['base'] });
    const top = plugin('top', { dependencies: ['left', 'right'] });
    const out = ids(resolvePlugins([top, right, left, base]));
    expect(out).toHaveLength(4);
    expect(new Set(out).size).toBe(4);
    const at = (id: string): number => out.indexOf(id);
    expect(at('base')).toBeLessThan(at('left'));
    expect(at('base')).toBeLessThan(at('right'));
    expect(at('left')).toBeLessThan(at('top'));
    expect(at('right')).toBeLessThan(at('top'));
    // Otherwise config order: right was listed before left.
    expect(at('right')).toBeLessThan(at('left'));
  });

  it('keeps the relative config order of unrelated plugins around a dependency', () => {
    const out = ids(resolvePlugins([plugin('x'), plugin('needs-z', { dependencies: ['z'] }), plugin('y'), plugin('z')]));
    expect(out.indexOf('z')).toBeLessThan(out.indexOf('needs-z'));
    expect(out.indexOf('x')).toBeLessThan(out.indexOf('y'));
    expect(out.indexOf('x')).toBeLessThan(out.indexOf('needs-z'));
  });

  it('rejects a plugin listed twice with PLUGIN_DUPLICATE', () => {
    const err = thrown(() => resolvePlugins([plugin('a'), plugin('b'), plugin('a')]));
    expect(err.is('PLUGIN_DUPLICATE')).toBe(true);
    expect(err.code).toBe('METIS-101');
    expect(err.args).toMatchObject({ id: 'a' });
  });

  it('rejects the same instance listed twice with PLUGIN_DUPLICATE', () => {
    const a = plugin('a');
    expect(thrown(() => resolvePlugins([a, a])).code).toBe('METIS-101');
  });

  it('rejects a dependency that is not in the config with PLUGIN_DEPENDENCY_MISSING', () => {
    const err = thrown(() => resolvePlugins([plugin('a'), plugin('b', { dependencies: ['ghost'] })]));
    expect(err.is('PLUGIN_DEPENDENCY_MISSING')).toBe(true);
    expect(err.code).toBe('METIS-102');
    expect(err.args).toMatchObject({ id: 'b', dependency: 'ghost' });
  });

  it('rejects a dependency cycle with PLUGIN_DEPENDENCY_CYCLE naming the cycle', () => {
    const err = thrown(() =>
      resolvePlugins([
        plugin('free'),
        plugin('a', { dependencies: ['b'] }),
        plugin('b', { dependencies: ['c'] }),
        plugin('c', { dependencies: ['a'] }),
      ]),
    );
    expect(err.is('PLUGIN_DEPENDENCY_CYCLE')).toBe(true);
    expect(err.code).toBe('METIS-103');
    expect(err.args.cycle).toBe('a -> b -> c -> a');
  });

  it('rejects a plugin that depends on itself', () => {
    const err = thrown(() => resolvePlugins([plugin('a', { dependencies: ['a'] })]));
    expect(err.is('PLUGIN_DEPENDENCY_CYCLE')).toBe(true);
  });

  it('rejects a cycle formed through capabilities', () => {
    const X = createToken<number>('x');
    const Y = createToken<number>('y');
    const err = thrown(() =>
      resolvePlugins([plugin('a', { provides: [X], requires: [Y] }), plugin('b', { provides: [Y], requires: [X] })]),
    );
    expect(err.is('PLUGIN_DEPENDENCY_CYCLE')).toBe(true);
  });

  it('rejects a required capability nobody provides with CAPABILITY_MISSING', () => {
    const POOL = createToken<unknown>('pool');
    const err = thrown(() => resolvePlugins([plugin('a'), plugin('consumer', { requires: [POOL] })]));
    expect(err.is('CAPABILITY_MISSING')).toBe(true);
    expect(err.code).toBe('METIS-104');
    expect(err.args).toMatchObject({ id: 'consumer', capability: 'pool' });
  });

  it('matches capabilities by token identity, not by name', () => {
    const provided = createToken<unknown>('same-name');
    const required = createToken<unknown>('same-name');
    const err = thrown(() => resolvePlugins([plugin('p', { provides: [provided] }), plugin('c', { requires: [required] })]));
    expect(err.is('CAPABILITY_MISSING')).toBe(true);
  });

  it('orders the provider of a required capability before its consumer', () => {
    const POOL = createToken<unknown>('pool');
    const HEAD = createToken<unknown>('head');
    const out = ids(
      resolvePlugins([
        plugin('consumer', { requires: [POOL, HEAD] }),
        plugin('other'),
        plugin('head-provider', { provides: [HEAD] }),
        plugin('pool-provider', { provides: [POOL], requires: [HEAD] }),
      ]),
    );
    expect(out.indexOf('head-provider')).toBeLessThan(out.indexOf('pool-provider'));
    expect(out.indexOf('pool-provider')).toBeLessThan(out.indexOf('consumer'));
    expect(out.indexOf('head-provider')).toBeLessThan(out.indexOf('consumer'));
    expect(out).toHaveLength(4);
  });

  it('lets a plugin require a capability it provides itself', () => {
    const SELF = createToken<unknown>('self');
    expect(ids(resolvePlugins([plugin('a', { provides: [SELF], requires: [SELF] })]))).toEqual(['a']);
  });

  it('rejects two providers of one capability with CAPABILITY_DUPLICATE', () => {
    const POOL = createToken<unknown>('pool');
    const err = thrown(() =>
      resolvePlugins([plugin('first', { provides: [POOL] }), plugin('x'), plugin('second', { provides: [POOL] })]),
    );
    expect(err.is('CAPABILITY_DUPLICATE')).toBe(true);
    expect(err.code).toBe('METIS-105');
    expect(err.args).toMatchObject({ capability: 'pool', first: 'first', second: 'second' });
  });
});
