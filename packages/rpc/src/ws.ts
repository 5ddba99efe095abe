import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Logger } from '@metis/core';
import { rpcError } from './errors.js';
import { WS_CONTEXT, parseErrorResponse, type Dispatcher } from './dispatch.js';
import { encodeResponse } from './json.js';
import type { MethodTable } from './methods.js';
import type { RpcOptions } from './options.js';
import { SubscriptionSet, type Activation } from './subscriptions.js';

type WsOptions = Pick<
  RpcOptions,
  'maxBodyBytes' | 'maxConnections' | 'maxSubscriptionsPerConnection' | 'maxBufferedBytes' | 'wsPingIntervalMs'
>;

interface Connection {
  readonly ws: WebSocket;
  readonly subscriptions: SubscriptionSet;
  alive: boolean;
}

export interface WsEndpoint {
  readonly connections: number;
  /** Ends every subscription and drops every connection at once. */
  close(): void;
}

/** The WebSocket side, on the HTTP server's port: the same requests, plus eth_subscribe/eth_unsubscribe. */
export function attachWebSocket(
  server: Server,
  dispatcher: Dispatcher,
  table: MethodTable,
  options: WsOptions,
  logger: Logger,
): WsEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxBodyBytes, perMessageDeflate: false, clientTracking: false });
  const connections = new Set<Connection>();

  const send = (conn: Connection, text: string): void => {
    const ws = conn.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > options.maxBufferedBytes) {
      logger.warn({ buffered: ws.bufferedAmount }, 'closing a WebSocket client that does not keep up');
      conn.subscriptions.closeAll();
      ws.close(1008, 'too slow: too much data waiting');
      return;
    }
    ws.send(text);
  };

  const onMessage = (conn: Connection, data: RawData): void => {
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      send(conn, JSON.stringify(parseErrorResponse((e as Error).message)));
      return;
    }
    const activation: Activation = [];
    void dispatcher.handle(body, { ctx: WS_CONTEXT, subscriptions: conn.subscriptions, activation }).then(
      (response) => {
        if (response !== undefined) send(conn, encodeResponse(response));
        conn.subscriptions.activate(activation);
      },
      (e: unknown) => logger.error({ err: e }, 'rpc dispatch failed'),
    );
  };

  const onConnection = (ws: WebSocket): void => {
    const conn: Connection = {
      ws,
      alive: true,
      subscriptions: new SubscriptionSet(table.subscriptions, options.maxSubscriptionsPerConnection, (text) => send(conn, text), logger),
    };
    connections.add(conn);
    ws.on('message', (data) => onMessage(conn, data));
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (e) => logger.debug({ err: e }, 'rpc websocket error'));
    ws.on('close', () => {
      connections.delete(conn);
      conn.subscriptions.closeAll();
    });
  };

  const reject = (socket: Duplex, status: string, body: string): void => {
    socket.on('error', () => undefined);
    socket.end(
      `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (connections.size >= options.maxConnections) {
      logger.debug({ limit: options.maxConnections }, 'rpc websocket connection refused: too many connections');
      reject(socket, '503 Service Unavailable', JSON.stringify({ jsonrpc: '2.0', id: null, error: rpcError('RPC_TOO_MANY_CONNECTIONS') }));
      return;
    }
    wss.handleUpgrade(req, socket, head, onConnection);
  };
  server.on('upgrade', onUpgrade);

  const ping =
    options.wsPingIntervalMs > 0
      ? setInterval(() => {
          for (const conn of connections) {
            if (!conn.alive) {
              conn.ws.terminate();
              continue;
            }
            conn.alive = false;
            conn.ws.ping();
          }
        }, options.wsPingIntervalMs)
      : undefined;
  ping?.unref();

  return {
    get connections() {
      return connections.size;
    },
    close() {
      if (ping) clearInterval(ping);
      server.off('upgrade', onUpgrade);
      for (const conn of [...connections]) {
        connections.delete(conn);
        conn.subscriptions.closeAll();
        conn.ws.terminate();
      }
      wss.close();
    },
  };
}
