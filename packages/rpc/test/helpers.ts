import { request } from 'node:http';
import { WebSocket } from 'ws';
import { createLogger, type RpcNamespace } from '@metis/core';
import { createRpcServer, type RpcServer } from '../src/index.js';
import type { RpcOptionsInput } from '../src/options.js';

export const silent = createLogger({ level: 'silent' });

const servers: RpcServer[] = [];

/** Starts a server on a free loopback port; `stopAll` (afterEach) stops it. */
export async function startServer(
  namespaces: RpcNamespace[],
  options: RpcOptionsInput = {},
): Promise<{ server: RpcServer; httpUrl: string; wsUrl: string }> {
  const server = createRpcServer(namespaces, { port: 0, ...options }, silent);
  servers.push(server);
  const { httpUrl, wsUrl } = await server.start();
  return { server, httpUrl, wsUrl };
}

export async function stopAll(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** A raw POST (node:http, so tests control the body and framing exactly). */
export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const call = (url: string, body: unknown): Promise<HttpReply> => post(url, JSON.stringify(body));

/** A WebSocket client that queues what it receives. */
export class WsClient {
  readonly ws: WebSocket;
  private readonly inbox: any[] = [];
  private waiters: ((m: any) => void)[] = [];
  readonly closed: Promise<number>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      const waiter = this.waiters.shift();
      if (waiter) waiter(msg);
      else this.inbox.push(msg);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  static connect(url: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new WsClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  next(timeoutMs = 2000): Promise<any> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error('no message'));
      }, timeoutMs);
      const done = (m: any): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(done);
    });
  }

  async request(msg: unknown): Promise<any> {
    this.send(msg);
    return this.next();
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

export const tick = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true (for effects that follow a socket close). */
export async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await tick(10);
  }
}
