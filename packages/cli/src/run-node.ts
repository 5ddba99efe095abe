import { createNode, type Logger, type MetisNode } from '@metis/core';
import { println, type Io } from './io.js';

export interface Endpoints {
  readonly http: string;
  readonly ws: string;
}

/** What the runner listens to for SIGINT/SIGTERM: the process, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface RunNodeOptions {
  /** The config as written (validated by createNode). */
  config: unknown;
  /** Base of a relative dataDir: the config file's folder. */
  baseDir?: string;
  logger: Logger;
  io: Io;
  /** Lines printed once the node runs, before the `Listening on` lines. */
  banner?: (node: MetisNode, endpoints: Endpoints | undefined) => string[];
  /**
   * Runs once the node started and the banner is printed (for example starting companion processes); a
   * failure stops the node and is rethrown.
   */
  onStarted?: (node: MetisNode, endpoints: Endpoints | undefined) => Promise<void>;
  /** Runs when a stop is requested, before the node stops (for example stopping companion processes). */
  beforeStop?: () => Promise<void>;
  /** Runs after the node stopped (or failed to start): for example removing a temporary data dir. */
  cleanup?: () => Promise<void>;
  /** Finds the JSON-RPC URLs of the started node. Defaults to the rpc plugin's RPC_SERVER. */
  endpoints?: (node: MetisNode) => Endpoints | undefined | Promise<Endpoints | undefined>;
  signals?: SignalSource;
  /** Called on a second signal, to leave at once. */
  exit?: (code: number) => void;
}

/** The two lines clients (and the tests) read: `Listening on http://...` and `WebSocket ws://...`. */
export function listeningLines(endpoints: Endpoints): string[] {
  return [`Listening on ${endpoints.http}`, `WebSocket ${endpoints.ws}`];
}

/**
 * Builds and starts a node, prints the banner and the `Listening on` line, then runs until SIGINT or
 * SIGTERM: the first signal stops the node once (then `cleanup`) and resolves with exit code 0; a second
 * signal exits at once (128 + signal number). A failure to build or start stops what was started, cleans up
 * and rethrows.
 */
export async function runNode(options: RunNodeOptions): Promise<number> {
  const { io, logger } = options;
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));

  let stopRequested: (signal: NodeJS.Signals) => void = () => undefined;
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => (stopRequested = resolve));
  let received = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received === 1) {
      logger.info({ signal }, 'stopping (send the signal again to exit at once)');
      stopRequested(signal);
    } else {
      logger.warn({ signal }, 'second signal: exiting without a clean stop');
      logger.flush?.();
      exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);

  let node: MetisNode | undefined;
  try {
    try {
      node = await createNode(options.config, { logger, ...(options.baseDir ? { baseDir: options.baseDir } : {}) });
      await node.start();
    } catch (e) {
      await node?.stop().catch((stopError: unknown) => logger.error({ err: stopError }, 'stop after a failed start failed'));
      throw e;
    }

    const endpoints = await (options.endpoints ?? defaultEndpoints)(node);
    const lines = options.banner?.(node, endpoints) ?? [];
    println(io, ...lines, ...(endpoints ? listeningLines(endpoints) : []));
    if (options.onStarted) {
      try {
        await options.onStarted(node, endpoints);
      } catch (e) {
        await options.beforeStop?.().catch((stopError: unknown) => logger.error({ err: stopError }, 'stopping companions failed'));
        await node.stop().catch((stopError: unknown) => logger.error({ err: stopError }, 'stop after a failed start failed'));
        throw e;
      }
    }

    await stopSignal;
    await options.beforeStop?.().catch((e: unknown) => logger.error({ err: e }, 'stopping companions failed'));
    await node.stop();
    logger.info('stopped');
    return 0;
  } finally {
    try {
      await options.cleanup?.();
    } finally {
      signals.off('SIGINT', onSignal);
      signals.off('SIGTERM', onSignal);
    }
  }
}

async function defaultEndpoints(node: MetisNode): Promise<Endpoints | undefined> {
  // Loaded only here: the rest of the CLI does not depend on the rpc package.
  const { rpcEndpoints } = await import('./rpc-endpoint.js');
  return rpcEndpoints(node);
}
