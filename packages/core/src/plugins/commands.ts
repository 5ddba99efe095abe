/**
 * Commands a plugin adds to the `metis` binary (`metis dac create`, `metis token launch`, ...). The core does
 * not depend on commander: `CommandLike` is the subset of commander's `Command` a plugin may use, and the CLI
 * passes its commander program for it. A plugin's `commands` hook is loaded lazily, only when the CLI is
 * asked for a command that is not built in (or for help), so built-in commands stay fast.
 */

/** Turns a command-line value into the option's value; throw `context.invalidArgument(...)` to refuse it. */
export type ArgParser<T> = (value: string, previous: T) => T;

/** Where `--help` text goes relative to the command's own help. */
export type HelpTextPosition = 'before' | 'after' | 'beforeAll' | 'afterAll';

/** The subset of commander's `Command` (v14) plugin commands use. Every method returns the command for chaining, except `command`, which returns the new subcommand. */
export interface CommandLike {
  /** A subcommand: `'create <name>'`, `'info [dac]'`; returns it. */
  command(nameAndArgs: string): CommandLike;
  description(text: string): CommandLike;
  summary(text: string): CommandLike;
  alias(alias: string): CommandLike;
  argument<T>(name: string, description: string, parseArg: ArgParser<T>, defaultValue?: T): CommandLike;
  argument(name: string, description?: string, defaultValue?: unknown): CommandLike;
  option(flags: string, description?: string, defaultValue?: string | boolean | string[]): CommandLike;
  option<T>(flags: string, description: string, parseArg: ArgParser<T>, defaultValue?: T): CommandLike;
  requiredOption(flags: string, description?: string, defaultValue?: string | boolean | string[]): CommandLike;
  requiredOption<T>(flags: string, description: string, parseArg: ArgParser<T>, defaultValue?: T): CommandLike;
  /** The handler: positional arguments first, then the options object, then the command. */
  action(fn: (...args: any[]) => void | Promise<void>): CommandLike;
  addHelpText(position: HelpTextPosition, text: string): CommandLike;
}

/** What a plugin command gets besides its arguments. */
export interface PluginCommandContext {
  /** Where it writes (the process streams in the binary; captured in tests). */
  readonly io: { out(text: string): void; err(text: string): void };
  /** The environment (keys come from here, never from the command line). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths given on the command line. */
  readonly cwd: string;
  /** Sets the exit code of the binary once the action returns (0 unless set). Thrown errors exit 1, or 2 for CLI_USAGE. */
  exit(code: number): void;
  /** The error an `ArgParser` throws for a bad value: the CLI prints it with the option's name and exits 2. */
  invalidArgument(message: string): Error;
}

/** What a plugin's `commands` hook resolves to. */
export interface PluginCommands {
  /** Adds the plugin's top-level commands to the program (`program.command('dac')...`). Names of built-in commands are refused. */
  register(program: CommandLike, context: PluginCommandContext): void;
}
