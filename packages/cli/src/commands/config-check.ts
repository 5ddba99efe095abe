import { relative } from 'node:path';
import { resolvePlugins, validateConfig } from '@metis/core';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../config/load-config.js';
import { EXIT, asMetisError, formatError } from '../errors.js';
import { eprintln, println } from '../io.js';
import type { CommandContext } from './context.js';

export interface ConfigCheckOptions {
  /** Config file (or a folder holding metis.config.ts). Default ./metis.config.ts. */
  config?: string;
}

/**
 * `metis config check`: loads and validates a config without starting anything (no plugin is set up).
 * Prints every problem with its path and returns 2, or prints a one-line summary and returns 0.
 * A missing or unloadable file throws CONFIG_NOT_FOUND / CONFIG_LOAD_FAILED (exit code 2 in the binary).
 */
export async function configCheck(options: ConfigCheckOptions, ctx: CommandContext): Promise<number> {
  const cwd = ctx.cwd ?? process.cwd();
  const loaded = await loadConfig(options.config ?? DEFAULT_CONFIG_FILE, cwd);
  const shown = relative(cwd, loaded.path) || loaded.path;
  try {
    const resolved = validateConfig(loaded.config);
    const order = resolvePlugins(resolved.plugins.map((p) => p.plugin)).map((p) => p.definition.id);
    println(
      ctx.io,
      `${shown}: OK: chain id ${resolved.chainId} ("${resolved.name}"), ${order.length} plugin${order.length === 1 ? '' : 's'}: ${order.join(' -> ') || '(none)'}`,
    );
    return EXIT.OK;
  } catch (e) {
    // Invalid fields (CONFIG_INVALID) and plugins that do not fit together (missing dependency, cycle,
    // missing or duplicate capability) are both problems of the config.
    if (!asMetisError(e)) throw e;
    eprintln(ctx.io, `${shown}:`, ...formatError(e));
    return EXIT.USAGE;
  }
}
