import { z } from 'zod';
import type { AnyPlugin } from '../plugins/types.js';

/** What a node does: produce blocks (`sequencer`) or rebuild the chain from its settlement layer (`replica`). */
export const NODE_ROLES = ['sequencer', 'replica'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** EIP-2294 bounds chain ids to fit in 2^64/2 - 36; real clients need a safe JS integer. */
const MAX_CHAIN_ID = 4503599627370476;

export const nodeConfigSchema = z.object({
  /** EIP-155 chain id of the L2. */
  chainId: z.number().int().min(1).max(MAX_CHAIN_ID),
  /** Human-readable chain name. */
  name: z.string().min(1).default('metis'),
  /** Where the node keeps its data; relative paths resolve against the config file's folder. */
  dataDir: z.string().min(1).default('.metis/data'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * What the node does. A `sequencer` orders and produces blocks and settles them; a `replica` produces
   * nothing: it rebuilds the chain from the settlement layer (L1 batches), re-executing and checking every
   * batch, and serves it read-only. Each plugin follows the role.
   */
  role: z.enum(NODE_ROLES).default('sequencer'),
  /** A replica forwards `eth_sendRawTransaction` to this sequencer JSON-RPC URL (http or https). */
  sequencerRpc: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
  plugins: z.array(z.custom<AnyPlugin>((p) => isPlugin(p), 'not a plugin: use a plugin factory such as evm()')),
});

export type NodeConfigInput = z.input<typeof nodeConfigSchema>;
export type NodeConfig = NodeConfigInput;
/** The config after validation: defaults filled in, plugin options parsed. */
export type ResolvedNodeConfig = Omit<z.output<typeof nodeConfigSchema>, 'plugins'> & {
  readonly plugins: readonly ResolvedPlugin[];
};

export interface ResolvedPlugin {
  readonly plugin: AnyPlugin;
  readonly options: unknown;
}

function isPlugin(p: unknown): boolean {
  const def = (p as AnyPlugin | undefined)?.definition;
  return typeof def === 'object' && def !== null && typeof def.id === 'string' && typeof def.setup === 'function';
}

/** Identity with types: `export default defineConfig({ ... })` in metis.config.ts. */
export function defineConfig(config: NodeConfigInput): NodeConfigInput {
  return config;
}
