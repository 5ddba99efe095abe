import type { z } from 'zod';
import type { Container } from '../container/container.js';
import type { AnyToken, Token } from '../container/token.js';
import type { Middleware, Provider } from '../pipeline/compose.js';
import type { StageContexts, StageName } from '../pipeline/stages.js';
import type { Logger } from '../logger.js';
import type { NodeEvents, EventBus } from '../events.js';
import type { ResolvedNodeConfig } from '../config/schema.js';
import type { GenesisAccounts } from '../types/chain.js';
import type { PluginCommands } from './commands.js';

export type OptionsSchema = z.ZodType;

/** One problem found in a plugin's resolved options, beyond what its schema checks. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** What a plugin can do while it is set up. Everything it adds is attributed to its id. */
export interface PluginApi<O> {
  readonly id: string;
  readonly options: O;
  readonly config: ResolvedNodeConfig;
  readonly logger: Logger;
  /** The node's container, scoped to this plugin: registrations land in the node, resolution sees all. */
  readonly container: Container;
  readonly events: EventBus<NodeEvents>;
  /** A folder for this plugin's persistent data: `<dataDir>/<plugin id>`. Created on first use. */
  dataDir(): Promise<string>;
  provide<S extends StageName>(stage: S, provider: Provider<StageContexts[S]>): void;
  use<S extends StageName>(stage: S, middleware: Middleware<StageContexts[S]>): void;
  /** Runs when the node starts, in plugin order. */
  onStart(hook: () => Promise<void> | void): void;
  /** Runs when the node stops, in reverse plugin order, at most once. */
  onStop(hook: () => Promise<void> | void): void;
}

export interface PluginDefinition<S extends OptionsSchema | undefined = OptionsSchema | undefined> {
  /** Unique id, for example "evm" or "acme-fee-policy". */
  readonly id: string;
  /** Plugin ids that must be in the config and set up before this one. */
  readonly dependencies?: readonly string[];
  /** Capabilities (tokens) this plugin registers during setup. */
  readonly provides?: readonly AnyToken[];
  /** Capabilities this plugin resolves; some plugin must provide each. */
  readonly requires?: readonly AnyToken[];
  /** Stages this plugin provides. Every stage has exactly one provider in a node. */
  readonly stages?: readonly StageName[];
  /** Schema of the options; validated and defaulted when the config is checked. */
  readonly options?: S;
  /** Checks across fields or against the node config, after defaults are filled in. */
  readonly check?: (options: PluginOptions<S>, config: ResolvedNodeConfig) => ConfigIssue[];
  /**
   * Accounts this plugin places in the genesis (predeployed contracts, system accounts). Collected from
   * every plugin before any is set up, so the execute plugin sees them all whatever the plugin order; two
   * plugins placing the same address is an error (GENESIS_CONFLICT).
   */
  readonly genesis?: (options: PluginOptions<S>, config: ResolvedNodeConfig) => GenesisAccounts;
  /**
   * Commands this plugin adds to the `metis` binary (`metis <name> ...`), loaded only when the CLI is asked
   * for a command that is not built in (or for help). Keep it lazy: `commands: async () => (await
   * import('./cli/index.js')).commands`. See `CommandLike` (commands.ts): the core does not depend on commander.
   */
  readonly commands?: () => Promise<PluginCommands>;
  /**
   * Sets the plugin up. Keep heavy imports inside (`await import('./node.js')`) so listing the plugin in a
   * config stays cheap until a node is built.
   */
  readonly setup: (api: PluginApi<PluginOptions<S>>) => Promise<void> | void;
}

export type PluginOptions<S> = S extends z.ZodType ? z.output<S> : undefined;
export type PluginInput<S> = S extends z.ZodType ? z.input<S> : undefined;

/** A plugin as listed in a config: its definition plus the options the user wrote. */
export interface PluginInstance<S extends OptionsSchema | undefined = OptionsSchema | undefined> {
  readonly definition: PluginDefinition<S>;
  readonly input: unknown;
}

export type AnyPlugin = PluginInstance<any>;

export type { Token };
