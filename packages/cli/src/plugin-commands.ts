import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { MetisError, type AnyPlugin, type CommandLike, type PluginCommandContext } from '@metis/core';
import { DEFAULT_CONFIG_FILE, loadConfig } from './config/load-config.js';
import type { Io } from './io.js';

/**
 * Commands contributed by plugins (`PluginDefinition.commands`): before parsing, when the command asked for is
 * not built in (or for help), the CLI loads the plugins of `--config <file>`, else of `./metis.config.ts` if
 * present, else of the zero-config devnet (`metis dev`), and lets each register its commands.
 */

/** The top-level commands of the binary itself: asking for one of these never loads a plugin. */
export const BUILTIN_COMMANDS: ReadonlySet<string> = new Set(['init', 'dev', 'start', 'config', 'deploy', 'deposit', 'withdraw', 'withdrawals', 'da', 'help']);

/** Whether `args` (without node and the script) name a command that plugins may provide, or ask for the program's help. */
export function wantsPluginCommands(args: readonly string[]): boolean {
  const positional = args.filter((a) => !a.startsWith('-'));
  const name = positional[0];
  if (name === 'help') return positional[1] === undefined || !BUILTIN_COMMANDS.has(positional[1]);
  if (name === undefined) return args.length === 0 || args.includes('--help') || args.includes('-h');
  return !BUILTIN_COMMANDS.has(name);
}

/** `--config <file>` / `--config=<file>` (which config's plugins to load) taken out of a plugin command's arguments. */
export function takeConfigOption(args: readonly string[]): { config?: string; args: string[] } {
  const rest: string[] = [];
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a === '--config' && i + 1 < args.length) {
      config = args[++i];
      continue;
    }
    if (a.startsWith('--config=')) {
      config = a.slice('--config='.length);
      continue;
    }
    rest.push(a);
  }
  return { ...(config === undefined ? {} : { config }), args: rest };
}

/**
 * The plugins whose commands the CLI offers: those of `config` (a file or folder), else of
 * `<cwd>/metis.config.ts` when it exists, else the zero-config devnet's.
 */
export async function pluginsForCommands(config: string | undefined, cwd: string): Promise<readonly AnyPlugin[]> {
  if (config === undefined && !existsSync(join(cwd, DEFAULT_CONFIG_FILE))) {
    const { devConfig } = await import('./dev/dev-config.js');
    return (devConfig().plugins ?? []) as readonly AnyPlugin[];
  }
  const loaded = await loadConfig(config ?? DEFAULT_CONFIG_FILE, cwd);
  const plugins = (loaded.config as { plugins?: unknown }).plugins;
  if (!Array.isArray(plugins)) throw new MetisError('CONFIG_LOAD_FAILED', { path: loaded.path, reason: 'the config has no plugins list' });
  return plugins.filter((p): p is AnyPlugin => typeof p === 'object' && p !== null && 'definition' in p);
}

/** The context plugin commands get; `exit` sets the binary's exit code. */
export function pluginCommandContext(io: Io, cwd: string, exit: (code: number) => void, env: NodeJS.ProcessEnv = process.env): PluginCommandContext {
  return { io, cwd, env, exit, invalidArgument: (message) => new InvalidArgumentError(message) };
}

/**
 * Lets every plugin with a `commands` hook add its commands to `program`. A plugin adding a command whose name
 * is taken (a built-in one, or another plugin's) is PLUGIN_INVALID.
 */
export async function registerPluginCommands(program: Command, plugins: readonly AnyPlugin[], context: PluginCommandContext): Promise<void> {
  const target: CommandLike = program;
  for (const plugin of plugins) {
    const hook = plugin.definition.commands;
    if (!hook) continue;
    const id = plugin.definition.id;
    const commands = await hook();
    try {
      commands.register(target, context);
    } catch (e) {
      throw new MetisError('PLUGIN_INVALID', { reason: `the commands of plugin "${id}": ${(e as Error).message}` }, { cause: e });
    }
  }
}
