import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Container } from '../container/container.js';
import { validateConfig } from '../config/validate-config.js';
import type { ResolvedNodeConfig } from '../config/schema.js';
import { MetisError } from '../errors/metis-error.js';
import { EventBus, type NodeEvents } from '../events.js';
import { Lifecycle } from '../lifecycle/lifecycle.js';
import { createLogger, type Logger } from '../logger.js';
import { StageRunner } from '../pipeline/stage-runner.js';
import { resolvePlugins } from '../plugins/resolve-plugins.js';
import type { AnyPlugin, PluginApi } from '../plugins/types.js';
import { EVENTS, GENESIS_ACCOUNTS, LOGGER, NODE_CONFIG, STAGES_RUNNER } from '../capabilities.js';
import type { GenesisAccount, Hex } from '../types/chain.js';

export interface MetisNode {
  readonly config: ResolvedNodeConfig;
  readonly container: Container;
  readonly stages: StageRunner;
  readonly events: EventBus<NodeEvents>;
  readonly logger: Logger;
  start(): Promise<void>;
  /** Stops every plugin in reverse order. Idempotent. */
  stop(): Promise<void>;
}

export interface CreateNodeOptions {
  logger?: Logger;
  /** Base for a relative dataDir (the config file's folder). Defaults to the working directory. */
  baseDir?: string;
  /** Registrations applied after plugin setup, for tests that replace a part. */
  overrides?: (container: Container) => void;
}

/**
 * Builds a node from a config: validates it (every problem listed), orders the plugins, sets each up in
 * order with its own PluginApi, checks capabilities and stage providers, and returns the node unstarted.
 */
export async function createNode(input: unknown, options: CreateNodeOptions = {}): Promise<MetisNode> {
  const resolved = validateConfig(input);
  const config: ResolvedNodeConfig = { ...resolved, dataDir: resolve(options.baseDir ?? process.cwd(), resolved.dataDir) };
  const ordered = resolvePlugins(config.plugins.map((p) => p.plugin));
  const optionsOf = new Map<AnyPlugin, unknown>(config.plugins.map((p) => [p.plugin, p.options]));

  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const container = new Container();
  const stages = new StageRunner();
  const events = new EventBus<NodeEvents>();
  const lifecycle = new Lifecycle();
  events.onError((e) => logger.error({ err: e }, 'event listener failed'));
  container.value(NODE_CONFIG, config).value(LOGGER, logger).value(EVENTS, events).value(STAGES_RUNNER, stages);
  container.value(GENESIS_ACCOUNTS, collectGenesis(ordered, optionsOf, config));

  // Whatever fails while building (a setup, a capability or stage check, the seal), release what the
  // plugins set up so far: their stop hooks run, as they would for a failed start.
  try {
    for (const plugin of ordered) {
      const def = plugin.definition;
      const declared = new Set(def.stages ?? []);
      const api: PluginApi<unknown> = {
        id: def.id,
        options: optionsOf.get(plugin),
        config,
        logger: logger.child({ plugin: def.id }),
        container,
        events,
        dataDir: async () => {
          const dir = join(config.dataDir, def.id);
          await mkdir(dir, { recursive: true });
          return dir;
        },
        provide: (stage, provider) => {
          if (!declared.has(stage)) throw new MetisError('STAGE_UNDECLARED', { id: def.id, stage });
          stages.provide(stage, def.id, provider);
        },
        use: (stage, middleware) => stages.use(stage, def.id, middleware),
        onStart: (hook) => lifecycle.onStart(def.id, hook),
        onStop: (hook) => lifecycle.onStop(def.id, hook),
      };
      await def.setup(api as never);
      for (const token of def.provides ?? []) {
        if (!container.has(token)) throw new MetisError('CAPABILITY_NOT_REGISTERED', { id: def.id, capability: token.name });
      }
      for (const stage of declared) {
        if (stages.providerOf(stage) !== def.id) throw new MetisError('STAGE_PROVIDER_MISSING', { stage });
      }
    }
    options.overrides?.(container);
    stages.seal();
  } catch (e) {
    await lifecycle.stop().catch(() => undefined);
    throw e;
  }

  return {
    config,
    container,
    stages,
    events,
    logger,
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
  };
}

/** Every plugin's genesis accounts, merged; an address placed by two plugins is refused. */
function collectGenesis(
  plugins: readonly AnyPlugin[],
  optionsOf: ReadonlyMap<AnyPlugin, unknown>,
  config: ResolvedNodeConfig,
): Readonly<Record<Hex, GenesisAccount>> {
  const merged: Record<Hex, GenesisAccount> = {};
  const owner = new Map<string, string>();
  for (const plugin of plugins) {
    const accounts = plugin.definition.genesis?.(optionsOf.get(plugin) as never, config) ?? {};
    for (const [address, account] of Object.entries(accounts)) {
      const key = address.toLowerCase() as Hex;
      const first = owner.get(key);
      if (first !== undefined) throw new MetisError('GENESIS_CONFLICT', { address: key, first, second: plugin.definition.id });
      owner.set(key, plugin.definition.id);
      merged[key] = account;
    }
  }
  return Object.freeze(merged);
}
