import type { OptionsSchema, PluginDefinition, PluginInput, PluginInstance } from './types.js';

/**
 * Declares a plugin and returns its factory: `const evm = definePlugin({...}); evm({ ... })` is what a
 * config lists. The factory only records the options; validation happens with the rest of the config.
 */
export function definePlugin<S extends OptionsSchema | undefined = undefined>(
  definition: PluginDefinition<S>,
): (...input: undefined extends PluginInput<S> ? [options?: PluginInput<S>] : [options: PluginInput<S>]) => PluginInstance<S> {
  return (...input) => Object.freeze({ definition, input: input[0] });
}
