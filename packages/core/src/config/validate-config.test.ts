import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MetisError } from '../errors/metis-error.js';
import { definePlugin } from '../plugins/define-plugin.js';
import { defineConfig, nodeConfigSchema } from './schema.js';
import { configIssues, formatPath, validateConfig } from './validate-config.js';

const blockPlugin = definePlugin({
  id: 'myplugin',
  options: z.object({
    blockTime: z.number().int().positive().default(2000),
    maxTxs: z.number().int().positive().default(100),
  }),
  setup: () => undefined,
});

const namedPlugin = definePlugin({
  id: 'named',
  options: z.object({ label: z.string().min(1), retries: z.number().int().min(0).default(3) }),
  setup: () => undefined,
});

const bare = definePlugin({ id: 'bare', setup: () => undefined });

function configError(fn: () => unknown): MetisError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MetisError);
    const err = e as MetisError;
    expect(err.is('CONFIG_INVALID')).toBe(true);
    expect(err.code).toBe('METIS-201');
    return err;
  }
  throw new Error('expected CONFIG_INVALID');
}

const paths = (err: MetisError): string[] => configIssues(err).map((i) => i.path);

describe('formatPath', () => {
  it('renders keys with dots and indexes with brackets', () => {
    expect(formatPath(['plugins', 2, 'options', 'blockTime'])).toBe('plugins[2].options.blockTime');
    expect(formatPath(['chainId'])).toBe('chainId');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath(['a', 0, 1, 'b'])).toBe('a[0][1].b');
    expect(formatPath([])).toBe('');
  });
});

describe('validateConfig', () => {
  it('fills in defaults for the node and for plugin options', () => {
    const config = validateConfig({ chainId: 1337, plugins: [blockPlugin(), bare()] });
    expect(config).toMatchObject({ chainId: 1337, name: 'metis', dataDir: '.metis/data', logLevel: 'info' });
    expect(config.plugins).toHaveLength(2);
    expect(config.plugins[0]!.options).toEqual({ blockTime: 2000, maxTxs: 100 });
    expect(config.plugins[1]!.options).toBeUndefined();
  });

  it('keeps the plugin instances, in config order, with their parsed options', () => {
    const a = blockPlugin({ blockTime: 500 });
    const b = namedPlugin({ label: 'x' });
    const config = validateConfig({ chainId: 10, name: 'op', dataDir: '/tmp/x', logLevel: 'debug', plugins: [b, a] });
    expect(config.plugins.map((p) => p.plugin)).toEqual([b, a]);
    expect(config.plugins[0]!.options).toEqual({ label: 'x', retries: 3 });
    expect(config.plugins[1]!.options).toEqual({ blockTime: 500, maxTxs: 100 });
    expect(config).toMatchObject({ name: 'op', dataDir: '/tmp/x', logLevel: 'debug' });
  });

  it('accepts an empty plugin list', () => {
    expect(validateConfig({ chainId: 1, plugins: [] }).plugins).toEqual([]);
  });

  it('defineConfig is the identity', () => {
    const input = { chainId: 1, plugins: [] };
    expect(defineConfig(input)).toBe(input);
  });

  it('reports several bad fields at once in ONE CONFIG_INVALID, each with its path', () => {
    const err = configError(() =>
      validateConfig({
        chainId: -5,
        logLevel: 'loud',
        plugins: [bare(), blockPlugin({ blockTime: 'fast' as never }), namedPlugin({ label: '', retries: -1 })],
      }),
    );
    const p = paths(err);
    expect(p).toContain('chainId');
    expect(p).toContain('logLevel');
    expect(p).toContain('plugins[1].myplugin.blockTime');
    expect(p).toContain('plugins[2].named.label');
    expect(p).toContain('plugins[2].named.retries');
    expect(p).toHaveLength(5);
    expect(err.args.count).toBe(5);
    for (const issue of configIssues(err)) expect(issue.message.length).toBeGreaterThan(0);
  });

  it('puts every path in the error message', () => {
    const err = configError(() => validateConfig({ chainId: 0, plugins: [blockPlugin({ maxTxs: 0 })] }));
    expect(err.message).toContain('chainId');
    expect(err.message).toContain('plugins[0].myplugin.maxTxs');
  });

  it('rejects chain ids that are not positive safe integers', () => {
    for (const chainId of [0, -1, 1.5, '1', 2 ** 53, undefined]) {
      // One value may break several rules (2^53 is neither a safe integer nor in range): all on chainId.
      expect([...new Set(paths(configError(() => validateConfig({ chainId, plugins: [] }))))]).toEqual(['chainId']);
    }
    expect(validateConfig({ chainId: 4503599627370476, plugins: [] }).chainId).toBe(4503599627370476);
    expect(paths(configError(() => validateConfig({ chainId: 4503599627370477, plugins: [] })))).toEqual(['chainId']);
  });

  it('rejects empty strings for name and dataDir', () => {
    const err = configError(() => validateConfig({ chainId: 1, name: '', dataDir: '', plugins: [] }));
    expect(paths(err).sort()).toEqual(['dataDir', 'name']);
  });

  it('requires the plugins list', () => {
    expect(paths(configError(() => validateConfig({ chainId: 1 })))).toEqual(['plugins']);
  });

  it('reports a config that is not an object at the root', () => {
    for (const input of [null, undefined, 42, 'metis']) {
      expect(paths(configError(() => validateConfig(input)))).toEqual(['(root)']);
    }
  });

  it('rejects entries of plugins that are not plugins, with their index', () => {
    const err = configError(() =>
      validateConfig({
        chainId: 1,
        plugins: [bare(), { id: 'fake' }, 'evm', null, { definition: { id: 'no-setup' } }, blockPlugin],
      }),
    );
    expect(paths(err).sort()).toEqual(['plugins[1]', 'plugins[2]', 'plugins[3]', 'plugins[4]', 'plugins[5]']);
  });

  it('reports non-plugin entries and bad plugin options together', () => {
    const err = configError(() => validateConfig({ chainId: 1, plugins: [{}, blockPlugin({ blockTime: -1 })] }));
    expect(paths(err).sort()).toEqual(['plugins[0]', 'plugins[1].myplugin.blockTime']);
  });

  it('runs plugin check hooks on the resolved options and config, reporting paths under the plugin', () => {
    const check = vi.fn((options: { min: number; max: number }, config: { chainId: number }) =>
      options.min > options.max ? [{ path: 'min', message: `min above max on chain ${config.chainId}` }] : [],
    );
    const ranged = definePlugin({
      id: 'ranged',
      options: z.object({ min: z.number().default(1), max: z.number().default(10) }),
      check,
      setup: () => undefined,
    });
    const ok = validateConfig({ chainId: 7, plugins: [ranged()] });
    expect(check).toHaveBeenCalledTimes(1);
    expect(check.mock.calls[0]![0]).toEqual({ min: 1, max: 10 });
    expect(check.mock.calls[0]![1]).toBe(ok);

    const err = configError(() => validateConfig({ chainId: 7, plugins: [bare(), ranged({ min: 20 })] }));
    expect(configIssues(err)).toEqual([{ path: 'plugins[1].ranged.min', message: 'min above max on chain 7' }]);
  });

  it('collects check issues from every plugin into one error', () => {
    const complains = (id: string) =>
      definePlugin({
        id,
        check: (_o, config) => [
          { path: 'a', message: `bad a for ${config.name}` },
          { path: 'b.c', message: 'bad b.c' },
        ],
        setup: () => undefined,
      })();
    const err = configError(() => validateConfig({ chainId: 1, plugins: [complains('p'), bare(), complains('q')] }));
    expect(paths(err)).toEqual(['plugins[0].p.a', 'plugins[0].p.b.c', 'plugins[2].q.a', 'plugins[2].q.b.c']);
  });

  it('does not run check hooks while the schema itself fails', () => {
    const check = vi.fn(() => []);
    const checked = definePlugin({ id: 'checked', check, setup: () => undefined });
    configError(() => validateConfig({ chainId: 0, plugins: [checked()] }));
    expect(check).not.toHaveBeenCalled();
  });

  it('configIssues returns a copy and tolerates errors without issues', () => {
    const err = configError(() => validateConfig({ chainId: 0, plugins: [] }));
    const first = configIssues(err);
    first.push({ path: 'x', message: 'y' });
    expect(configIssues(err)).toHaveLength(1);
    expect(configIssues(new MetisError('CONFIG_NOT_FOUND', { path: 'x' }))).toEqual([]);
  });

  it('exposes the node schema for tools', () => {
    expect(nodeConfigSchema.safeParse({ chainId: 1, plugins: [] }).success).toBe(true);
    expect(nodeConfigSchema.safeParse({ chainId: 1, plugins: [{}] }).success).toBe(false);
  });
});
