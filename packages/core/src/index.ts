export { ERRORS, type ErrorDescriptor, type ErrorName } from './errors/descriptors.js';
export { MetisError, isMetisError, rootMetisError, type ErrorArgs } from './errors/metis-error.js';
export { StageError } from './errors/stage-error.js';
export { createToken, type Token, type AnyToken, type TokenType } from './container/token.js';
export { Container, type Factory } from './container/container.js';
export { compose, type Middleware, type Provider, type Next, type Layer } from './pipeline/compose.js';
export {
  STAGES,
  type StageName,
  type StageContexts,
  type IngestContext,
  type OrderContext,
  type ExecuteContext,
  type CommitContext,
  type ProveContext,
} from './pipeline/stages.js';
export { StageRunner } from './pipeline/stage-runner.js';
export { Batcher, type BatcherOptions, type BatcherDeps, type BatchProgress } from './pipeline/batcher.js';
export { definePlugin } from './plugins/define-plugin.js';
export { resolvePlugins } from './plugins/resolve-plugins.js';
export type {
  PluginApi,
  PluginDefinition,
  PluginInstance,
  AnyPlugin,
  PluginOptions,
  PluginInput,
  ConfigIssue,
} from './plugins/types.js';
export type { CommandLike, PluginCommands, PluginCommandContext, ArgParser, HelpTextPosition } from './plugins/commands.js';
export {
  defineConfig,
  nodeConfigSchema,
  NODE_ROLES,
  type NodeRole,
  type NodeConfig,
  type NodeConfigInput,
  type ResolvedNodeConfig,
  type ResolvedPlugin,
} from './config/schema.js';
export { validateConfig, configIssues, formatPath } from './config/validate-config.js';
export { Lifecycle, type Hook } from './lifecycle/lifecycle.js';
export { EventBus, type NodeEvents } from './events.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { createNode, type MetisNode, type CreateNodeOptions } from './node/create-node.js';
export * from './capabilities.js';
export type * from './types/chain.js';
