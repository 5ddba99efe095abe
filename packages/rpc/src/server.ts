import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createLogger, MetisError, type Logger, type RpcNamespace } from '@metis/core';
import type { RpcServerInfo } from './capabilities.js';
import { Dispatcher } from './dispatch.js';
import { createHttpHandler } from './http.js';
import { buildMethodTable } from './methods.js';
import { rpcOptionsSchema, type RpcOptionsInput } from './options.js';
import { attachWebSocket, type WsEndpoint } from './ws.js';

/** A JSON-RPC server over HTTP and WebSocket on one port, serving the given namespaces. */
export interface RpcServer extends RpcServerInfo {
  /** Binds and resolves with the real URLs (the bound port when port is 0). */
  start(): Promise<RpcServerInfo>;
  /** Closes the listener and every socket (keep-alive and WebSocket too). Idempotent. */
  stop(): Promise<void>;
}

/** The host to put in a URL: a wildcard bind is reached through loopback; IPv6 goes in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Builds the server; nothing listens until `start`. Fails with PLUGIN_INVALID when two namespaces
 * contribute the same method or subscription name.
 */
export function createRpcServer(
  namespaces: readonly RpcNamespace[],
  options: RpcOptionsInput = {},
  logger: Logger = createLogger({ level: 'silent' }),
): RpcServer {
  const opts = rpcOptionsSchema.parse(options);
  const table = buildMethodTable(namespaces);
  const dispatcher = new Dispatcher(table, opts.maxBatch, logger);
  const sockets = new Set<Socket>();
  let http: Server | undefined;
  let ws: WsEndpoint | undefined;
  let urls: RpcServerInfo | undefined;
  let starting: Promise<RpcServerInfo> | undefined;
  let stopping: Promise<void> | undefined;

  const notStarted = (): never => {
    throw new MetisError('NODE_STATE', { action: 'report the RPC URL', state: 'the RPC server is not started' });
  };

  const listen = (): Promise<RpcServerInfo> =>
    new Promise<RpcServerInfo>((resolve, reject) => {
      const server = createServer(createHttpHandler(dispatcher, opts, logger));
      http = server;
      server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      ws = attachWebSocket(server, dispatcher, table, opts, logger);
      server.once('error', (e: Error) =>
        reject(new MetisError('LISTEN_FAILED', { host: opts.host, port: opts.port, reason: e.message }, { cause: e })),
      );
      server.listen(opts.port, opts.host, () => {
        server.removeAllListeners('error');
        server.on('error', (e) => logger.error({ err: e }, 'rpc server error'));
        const { port } = server.address() as AddressInfo;
        const host = urlHost(opts.host);
        urls = Object.freeze({ httpUrl: `http://${host}:${port}`, wsUrl: `ws://${host}:${port}` });
        logger.debug({ ...urls, methods: table.methods.size }, 'rpc server listening');
        resolve(urls);
      });
    });

  const close = async (): Promise<void> => {
    await starting?.catch(() => undefined);
    const server = http;
    if (!server) return;
    ws?.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
  };

  return {
    get httpUrl() {
      return urls ? urls.httpUrl : notStarted();
    },
    get wsUrl() {
      return urls ? urls.wsUrl : notStarted();
    },
    start() {
      if (stopping) return Promise.reject(new MetisError('NODE_STATE', { action: 'start the RPC server', state: 'stopped' }));
      if (starting) return Promise.reject(new MetisError('NODE_STATE', { action: 'start the RPC server', state: 'started' }));
      starting = listen();
      return starting;
    },
    stop() {
      stopping ??= close();
      return stopping;
    },
  };
}
