import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { definePlugin } from './define-plugin.js';
import type { PluginInstance } from './types.js';

describe('definePlugin', () => {
  const options = z.object({ blockTime: z.number().default(1000) });
  const withOptions = definePlugin({ id: 'with-options', options, setup: () => undefined });
  const withoutOptions = definePlugin({ id: 'without-options', setup: () => undefined });

  it('returns a factory that records the definition and the raw options, unvalidated', () => {
    const instance = withOptions({ blockTime: 5 });
    expect(instance.definition.id).toBe('with-options');
    expect(instance.input).toEqual({ blockTime: 5 });
    // Validation happens with the config, not here.
    expect(withOptions({ blockTime: 'soon' as never }).input).toEqual({ blockTime: 'soon' });
  });

  it('makes frozen instances that share one definition', () => {
    const a = withOptions();
    const b = withOptions({ blockTime: 1 });
    expect(Object.isFrozen(a)).toBe(true);
    expect(a.definition).toBe(b.definition);
    expect(a.input).toBeUndefined();
  });

  it('types the options from the schema', () => {
    expectTypeOf(withOptions).parameter(0).toEqualTypeOf<{ blockTime?: number } | undefined>();
    expectTypeOf(withoutOptions()).toEqualTypeOf<PluginInstance<undefined>>();
    definePlugin({
      id: 'typed',
      options,
      setup(api) {
        expectTypeOf(api.options).toEqualTypeOf<{ blockTime: number }>();
      },
    });
  });
});
