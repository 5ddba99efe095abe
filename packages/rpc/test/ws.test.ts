import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RpcNamespace } from '@metis/core';
import { call, startServer, stopAll, tick, until, WsClient } from './helpers.js';

const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await stopAll();
});

async function connect(url: string): Promise<WsClient> {
  const c = await WsClient.connect(url);
  clients.push(c);
  return c;
}

/** A fake `newHeads` feed the test drives by hand, recording subscribe and unsubscribe calls. */
function heads() {
  const listeners = new Set<(r: unknown) => void>();
  const log = { subscribed: 0, unsubscribed: 0, params: [] as unknown[] };
  const ns: RpcNamespace = {
    methods: { eth_blockNumber: () => '0x2a', test_transport: (_p, ctx) => ctx.transport },
    subscriptions: {
      newHeads: (params, emit) => {
        log.subscribed++;
        log.params.push(params);
        listeners.add(emit);
        return () => {
          log.unsubscribed++;
          listeners.delete(emit);
        };
      },
      eager: (_params, emit) => {
        emit('first');
        emit('second');
        return () => undefined;
      },
    },
  };
  return { ns, log, listeners, push: (r: unknown) => listeners.forEach((l) => l(r)) };
}

describe('WebSocket', () => {
  it('answers requests and batches on the HTTP port', async () => {
    const { ns } = heads();
    const { httpUrl, wsUrl } = await startServer([ns]);
    expect(new URL(wsUrl).port).toBe(new URL(httpUrl).port);
    const c = await connect(wsUrl);
    expect(await c.request({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' })).toEqual({ jsonrpc: '2.0', id: 1, result: '0x2a' });
    expect((await c.request({ jsonrpc: '2.0', id: 2, method: 'test_transport' })).result).toBe('ws');
    const batch = await c.request([
      { jsonrpc: '2.0', id: 'a', method: 'eth_blockNumber' },
      { jsonrpc: '2.0', id: 'b', method: 'nope' },
    ]);
    expect(batch.map((r: { id: string }) => r.id)).toEqual(['a', 'b']);
    expect(batch[1].error.code).toBe(-32601);
    const parse = await c.request('{not json');
    expect(parse.error.code).toBe(-32700);
    expect(parse.id).toBeNull();
  });

  it('subscribes, notifies and unsubscribes', async () => {
    const feed = heads();
    const { wsUrl } = await startServer([feed.ns]);
    const c = await connect(wsUrl);
    const sub = await c.request({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads', { x: 1 }] });
    expect(sub.result).toMatch(/^0x[0-9a-f]{32}$/);
    expect(feed.log.params).toEqual([[{ x: 1 }]]);

    feed.push({ number: '0x1' });
    expect(await c.next()).toEqual({
      jsonrpc: '2.0',
      method: 'eth_subscription',
      params: { subscription: sub.result, result: { number: '0x1' } },
    });

    const unsub = await c.request({ jsonrpc: '2.0', id: 2, method: 'eth_unsubscribe', params: [sub.result] });
    expect(unsub.result).toBe(true);
    expect(feed.log.unsubscribed).toBe(1);
    feed.push({ number: '0x2' });
    expect((await c.request({ jsonrpc: '2.0', id: 3, method: 'eth_unsubscribe', params: [sub.result] })).result).toBe(false);
  });

  it('sends the subscription id before notifications emitted during subscribe', async () => {
    const feed = heads();
    const { wsUrl } = await startServer([feed.ns]);
    const c = await connect(wsUrl);
    const sub = await c.request({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['eager'] });
    expect(typeof sub.result).toBe('string');
    expect((await c.next()).params).toEqual({ subscription: sub.result, result: 'first' });
    expect((await c.next()).params).toEqual({ subscription: sub.result, result: 'second' });
  });

  it('rejects an unknown subscription kind and a missing one', async () => {
    const feed = heads();
    const { wsUrl } = await startServer([feed.ns]);
    const c = await connect(wsUrl);
    const unknown = await c.request({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['logsOfMars'] });
    expect(unknown.error.data).toEqual({ metisCode: 'METIS-513' });
    const missing = await c.request({ jsonrpc: '2.0', id: 2, method: 'eth_subscribe', params: [] });
    expect(missing.error.code).toBe(-32602);
  });

  it('unsubscribes everything when the socket closes', async () => {
    const feed = heads();
    const { wsUrl } = await startServer([feed.ns]);
    const c = await connect(wsUrl);
    await c.request({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] });
    await c.request({ jsonrpc: '2.0', id: 2, method: 'eth_subscribe', params: ['newHeads'] });
    expect(feed.listeners.size).toBe(2);
    await c.close();
    await until(() => feed.log.unsubscribed === 2);
    expect(feed.listeners.size).toBe(0);
  });

  it('unsubscribes everything when the server stops', async () => {
    const feed = heads();
    const { server, wsUrl } = await startServer([feed.ns]);
    const c = await connect(wsUrl);
    await c.request({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] });
    await server.stop();
    expect(feed.log.unsubscribed).toBe(1);
    await c.closed;
  });

  it('limits subscriptions per connection', async () => {
    const feed = heads();
    const { wsUrl } = await startServer([feed.ns], { maxSubscriptionsPerConnection: 2 });
    const c = await connect(wsUrl);
    for (let i = 0; i < 2; i++) {
      expect((await c.request({ jsonrpc: '2.0', id: i, method: 'eth_subscribe', params: ['newHeads'] })).result).toBeDefined();
    }
    const third = await c.request({ jsonrpc: '2.0', id: 3, method: 'eth_subscribe', params: ['newHeads'] });
    expect(third.error.code).toBe(-32005);
    expect(third.error.data).toEqual({ metisCode: 'METIS-516' });
    expect(feed.log.subscribed).toBe(2);
  });

  it('refuses connections over maxConnections and accepts again once one closes', async () => {
    const { ns } = heads();
    const { wsUrl } = await startServer([ns], { maxConnections: 2 });
    const a = await connect(wsUrl);
    await connect(wsUrl);
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', reject);
      ws.on('open', () => reject(new Error('connected over the limit')));
    });
    expect(refused).toBe(503);
    await a.close();
    await tick(20);
    const d = await connect(wsUrl);
    expect((await d.request({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' })).result).toBe('0x2a');
  });

  it('closes the connection on a message over maxBodyBytes', async () => {
    const { ns } = heads();
    const { wsUrl } = await startServer([ns], { maxBodyBytes: 1024 });
    const c = await connect(wsUrl);
    c.send({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: ['x'.repeat(2000)] });
    expect(await c.closed).toBe(1009);
  });

  it('closes a client that stops reading with 1008', async () => {
    const feed = heads();
    const { wsUrl } = await startServer([feed.ns], { maxBufferedBytes: 64 * 1024 });
    const c = await connect(wsUrl);
    await c.request({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] });
    // Stop reading from the socket: the server's send buffer fills up.
    (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400 && feed.listeners.size > 0; i++) {
      feed.push(big);
      await tick(1);
    }
    expect(feed.log.unsubscribed).toBe(1);
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await c.closed).toBe(1008);
  });

  it('keeps HTTP working next to WebSocket', async () => {
    const { ns } = heads();
    const { httpUrl, wsUrl } = await startServer([ns]);
    await connect(wsUrl);
    expect((await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber' })).json.result).toBe('0x2a');
  });
});
