import type { OptionsSchema, PluginDefinition, PluginInput, PluginInstance } from './types.js';

/**
 * Declares a plugin and returns its factory: `const evm = definePlugin({...}); evm({ ... })` is what a
 * config lists. The factory only records the options; validation happens with the rest of the config.
 * The options argument may be left out when the schema accepts `{}` (every field optional or defaulted).
 */
export function definePlugin<S extends OptionsSchema | undefined = undefined>(
  definition: PluginDefinition<S>,
): (...input: OptionalUnlessRequired<PluginInput<S>>) => PluginInstance<S> {
  return (...input) => Object.freeze({ definition, input: input[0] });
}

/** `[options?]` when no options or an empty object would do (the config pipeline parses `{}`), else `[options]`. */
type OptionalUnlessRequired<I> = undefined extends I ? [options?: I] : {} extends I ? [options?: I] : [options: I];
