import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MetisError, type RpcNamespace } from '@metis/core';
import { call, post, startServer, stopAll, tick } from './helpers.js';

afterEach(stopAll);

const REVERT_DATA = '0x08c379a0' + '0'.repeat(56) + '20';

function testNamespace(): RpcNamespace & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    methods: {
      test_echo: (params) => {
        calls.push('test_echo');
        return params;
      },
      test_slow: async ([ms, value]) => {
        await tick(ms as number);
        return value;
      },
      test_undefined: () => undefined,
      test_bigint: () => ({ n: 255n }),
      test_transport: (_params, ctx) => ctx.transport,
      test_metis: () => {
        throw new MetisError('TX_NONCE_TOO_LOW', { sender: '0x01', nonce: 1, expected: 2 });
      },
      test_wrapped: () => {
        throw new MetisError('STAGE_FAILED', { stage: 'ingest', plugin: 'x', reason: 'r' }, {
          cause: new MetisError('TX_UNDERPRICED', { fee: 1, minimum: 2 }),
        });
      },
      test_revert: async () => {
        throw new MetisError('RPC_EXECUTION_REVERTED', { reason: '' }, { data: REVERT_DATA });
      },
      test_crash: () => {
        throw new Error('secret internals at /home/x');
      },
    },
  };
}

describe('HTTP single requests', () => {
  it('answers a request with its id and result', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await call(httpUrl, { jsonrpc: '2.0', id: 7, method: 'test_echo', params: [1, 'a'] });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('application/json');
    expect(r.json).toEqual({ jsonrpc: '2.0', id: 7, result: [1, 'a'] });
  });

  it('keeps string and null ids, treats missing params as []', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    expect((await call(httpUrl, { jsonrpc: '2.0', id: 'abc', method: 'test_echo' })).json).toEqual({ jsonrpc: '2.0', id: 'abc', result: [] });
    expect((await call(httpUrl, { jsonrpc: '2.0', id: null, method: 'test_echo' })).json.id).toBeNull();
  });

  it('passes the transport to handlers and turns undefined into null', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    expect((await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_transport' })).json.result).toBe('http');
    expect((await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_undefined' })).json).toEqual({ jsonrpc: '2.0', id: 1, result: null });
  });

  it('serializes a stray bigint as a hex quantity', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    expect((await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_bigint' })).json.result).toEqual({ n: '0xff' });
  });

  it('answers a notification with no response', async () => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns]);
    const r = await call(httpUrl, { jsonrpc: '2.0', method: 'test_echo', params: [] });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(ns.calls).toEqual(['test_echo']);
  });

  it('answers invalid JSON with -32700 and id null', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await post(httpUrl, '{"jsonrpc":"2.0",');
    expect(r.json.id).toBeNull();
    expect(r.json.error.code).toBe(-32700);
    expect(r.json.error.data).toEqual({ metisCode: 'METIS-501' });
  });

  it.each([
    ['a number', 5],
    ['a string', 'x'],
    ['wrong version', { jsonrpc: '1.0', id: 1, method: 'test_echo' }],
    ['no version', { id: 1, method: 'test_echo' }],
    ['no method', { jsonrpc: '2.0', id: 1 }],
    ['a method that is not a string', { jsonrpc: '2.0', id: 1, method: 5 }],
    ['an object id', { jsonrpc: '2.0', id: { a: 1 }, method: 'test_echo' }],
  ])('answers an invalid request (%s) with -32600', async (_name, body) => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns]);
    const r = await call(httpUrl, body);
    expect(r.json.error.code).toBe(-32600);
    expect(r.json.error.data).toEqual({ metisCode: 'METIS-502' });
    expect(ns.calls).toEqual([]);
  });

  it('keeps the id of an invalid request when it is valid', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await call(httpUrl, { jsonrpc: '1.0', id: 9, method: 'test_echo' });
    expect(r.json.id).toBe(9);
  });

  it('answers object params with -32602', async () => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns]);
    const r = await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_echo', params: { a: 1 } });
    expect(r.json.id).toBe(1);
    expect(r.json.error.code).toBe(-32602);
    expect(ns.calls).toEqual([]);
  });

  it('answers an unknown method with -32601', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'eth_nope' });
    expect(r.json.id).toBe(1);
    expect(r.json.error.code).toBe(-32601);
    expect(r.json.error.data).toEqual({ metisCode: 'METIS-503' });
  });

  it('does not serve inherited object keys as methods', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    for (const method of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect((await call(httpUrl, { jsonrpc: '2.0', id: 1, method })).json.error.code).toBe(-32601);
    }
  });

  it('rejects eth_subscribe and eth_unsubscribe over HTTP', async () => {
    const { httpUrl } = await startServer([{ methods: {}, subscriptions: { newHeads: () => () => undefined } }]);
    const r = await call(httpUrl, [
      { jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] },
      { jsonrpc: '2.0', id: 2, method: 'eth_unsubscribe', params: ['0x01'] },
    ]);
    for (const e of r.json) {
      expect(e.error.code).toBe(-32601);
      expect(e.error.data).toEqual({ metisCode: 'METIS-513' });
    }
  });
});

describe('HTTP error mapping', () => {
  it('maps a MetisError to its rpcCode, message and metis code', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_metis' });
    expect(r.json.id).toBe(1);
    expect(r.json.error.code).toBe(-32000);
    expect(r.json.error.data).toEqual({ metisCode: 'METIS-405' });
    expect(typeof r.json.error.message).toBe('string');
  });

  it('maps the innermost MetisError of a cause chain', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_wrapped' });
    expect(r.json.error.code).toBe(-32000);
    expect(r.json.error.data).toEqual({ metisCode: 'METIS-411' });
  });

  it('sends revert data verbatim as a hex string with code 3', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_revert' });
    expect(r.json.error.code).toBe(3);
    expect(r.json.error.data).toBe(REVERT_DATA);
  });

  it('hides a plain Error behind -32603 without its message or stack, and logs it', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_crash' });
    expect(r.json.error.code).toBe(-32603);
    expect(r.text).not.toContain('secret');
    expect(r.text).not.toContain('/home/x');
  });
});

describe('HTTP batches', () => {
  it('answers in request order even when later calls finish first', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await call(httpUrl, [
      { jsonrpc: '2.0', id: 1, method: 'test_slow', params: [60, 'a'] },
      { jsonrpc: '2.0', id: 2, method: 'test_slow', params: [0, 'b'] },
      { jsonrpc: '2.0', id: 3, method: 'test_slow', params: [30, 'c'] },
    ]);
    expect(r.json).toEqual([
      { jsonrpc: '2.0', id: 1, result: 'a' },
      { jsonrpc: '2.0', id: 2, result: 'b' },
      { jsonrpc: '2.0', id: 3, result: 'c' },
    ]);
  });

  it('runs batch elements concurrently', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const batch = Array.from({ length: 20 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'test_slow', params: [100, i] }));
    const started = Date.now();
    const r = await call(httpUrl, batch);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r.json.map((e: { result: number }) => e.result)).toEqual(batch.map((_, i) => i));
  });

  it('mixes results, errors and notifications; notifications get no entry', async () => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns]);
    const r = await call(httpUrl, [
      { jsonrpc: '2.0', id: 1, method: 'test_echo', params: [1] },
      { jsonrpc: '2.0', method: 'test_echo', params: [2] },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
      42,
      { jsonrpc: '2.0', id: 3, method: 'test_metis' },
    ]);
    expect(r.json.map((e: { id: unknown }) => e.id)).toEqual([1, 2, null, 3]);
    expect(r.json[0].result).toEqual([1]);
    expect(r.json[1].error.code).toBe(-32601);
    expect(r.json[2].error.code).toBe(-32600);
    expect(r.json[3].error.code).toBe(-32000);
    expect(ns.calls).toEqual(['test_echo', 'test_echo']);
  });

  it('answers a batch of notifications with nothing', async () => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns]);
    const r = await call(httpUrl, [
      { jsonrpc: '2.0', method: 'test_echo' },
      { jsonrpc: '2.0', method: 'test_echo' },
    ]);
    expect(r.text).toBe('');
    expect(ns.calls).toHaveLength(2);
  });

  it('answers an empty batch with a single -32600', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await post(httpUrl, '[]');
    expect(Array.isArray(r.json)).toBe(false);
    expect(r.json.id).toBeNull();
    expect(r.json.error.code).toBe(-32600);
  });

  it('rejects a batch over maxBatch with one error and runs nothing', async () => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns], { maxBatch: 3 });
    const batch = Array.from({ length: 4 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'test_echo' }));
    const r = await call(httpUrl, batch);
    expect(Array.isArray(r.json)).toBe(false);
    expect(r.json.id).toBeNull();
    expect(r.json.error.code).toBe(-32600);
    expect(r.json.error.data).toEqual({ metisCode: 'METIS-507' });
    expect(ns.calls).toEqual([]);
    expect((await call(httpUrl, batch.slice(0, 3))).json).toHaveLength(3);
  });

  it('handles a batch of 1000 calls', async () => {
    const { httpUrl } = await startServer([{ methods: { eth_sendRawTransaction: ([raw]) => `0x${String(raw).slice(2, 10)}` } }]);
    const batch = Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_sendRawTransaction', params: [`0x${i.toString(16).padStart(8, '0')}ff`] }));
    const r = await call(httpUrl, batch);
    expect(r.json).toHaveLength(1000);
    expect(r.json[999]).toEqual({ jsonrpc: '2.0', id: 999, result: '0x000003e7' });
  });
});

describe('HTTP limits and framing', () => {
  it('answers a body over maxBodyBytes (declared length) with 413 and runs nothing', async () => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns], { maxBodyBytes: 1024 });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'test_echo', params: ['x'.repeat(2000)] });
    const r = await post(httpUrl, body);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe(-32600);
    expect(r.json.error.data).toEqual({ metisCode: 'METIS-506' });
    expect(ns.calls).toEqual([]);
  });

  it('stops reading a chunked body once it passes maxBodyBytes', async () => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns], { maxBodyBytes: 1024 });
    const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write('{"jsonrpc":"2.0","id":1,"method":"test_echo","params":["');
      req.write('x'.repeat(4096));
      // Never ends the body: the server must answer anyway.
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.text).error.data).toEqual({ metisCode: 'METIS-506' });
    expect(ns.calls).toEqual([]);
  });

  it('lets a client that is still sending an oversized body read the 413, not a broken pipe', async () => {
    const ns = testNamespace();
    const { httpUrl } = await startServer([ns], { maxBodyBytes: 1024 });
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = 32; // 2 MiB, sent slowly: most of it arrives after the server has answered
    const body = `{"jsonrpc":"2.0","id":1,"method":"test_echo","params":["${chunk.repeat(chunks)}"]}`;
    for (const declared of [true, false]) {
      const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const headers: Record<string, string | number> = { 'content-type': 'application/json' };
        if (declared) headers['content-length'] = Buffer.byteLength(body);
        const req = request(httpUrl, { method: 'POST', headers }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        void (async () => {
          for (let i = 0; i < body.length; i += chunk.length) {
            if (req.destroyed) return;
            req.write(body.slice(i, i + chunk.length));
            await tick(2);
          }
          req.end();
        })();
      });
      expect(reply.status).toBe(413);
      expect(JSON.parse(reply.text).error.data).toEqual({ metisCode: 'METIS-506' });
    }
    expect(ns.calls).toEqual([]);
    // The connection stays usable for the next request.
    expect((await call(httpUrl, { jsonrpc: '2.0', id: 2, method: 'test_echo', params: [1] })).json.result).toEqual([1]);
  });

  it('answers a declared length too large even to throw away with 413 and closes the connection', async () => {
    const { httpUrl } = await startServer([testNamespace()], { maxBodyBytes: 1024 });
    const reply = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = request(httpUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 65 * 1024 * 1024 } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(reply).toEqual({ status: 413, connection: 'close' });
  });

  it('accepts a body right at the limit', async () => {
    const { httpUrl } = await startServer([testNamespace()], { maxBodyBytes: 200 });
    const base = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'test_echo', params: [''] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'test_echo', params: ['x'.repeat(200 - base.length)] });
    expect(body.length).toBe(200);
    expect((await post(httpUrl, body)).status).toBe(200);
  });

  it('answers CORS preflights permissively', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const r = await fetch(httpUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://dashboard.local', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toContain('POST');
    expect(r.headers.get('access-control-allow-headers')).toContain('content-type');
    const p = await fetch(httpUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'test_echo' }) });
    expect(p.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers GET with a health document and other verbs with 405', async () => {
    const { httpUrl } = await startServer([testNamespace()]);
    const g = await fetch(httpUrl);
    expect(g.status).toBe(200);
    expect(await g.json()).toEqual({ status: 'ok' });
    expect((await fetch(httpUrl, { method: 'PUT', body: '{}' })).status).toBe(405);
  });

  it('serves many requests on one keep-alive connection and still stops at once', async () => {
    const { server, httpUrl } = await startServer([testNamespace()]);
    for (let i = 0; i < 5; i++) {
      expect((await fetch(httpUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'test_echo' }) }).then((r) => r.json() as Promise<{ id: number }>)).id).toBe(i);
    }
    const started = Date.now();
    await server.stop();
    await server.stop();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops while a request is in flight without crashing', async () => {
    const { server, httpUrl } = await startServer([testNamespace()]);
    const pending = call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'test_slow', params: [200, 'late'] }).catch((e: Error) => e);
    await tick(50);
    await server.stop();
    expect(await pending).toBeInstanceOf(Error);
    await tick(250);
  });

  it('refuses a second start and reports URLs only once started', async () => {
    const { createRpcServer } = await import('../src/index.js');
    const server = createRpcServer([], { port: 0 });
    expect(() => server.httpUrl).toThrow(expect.objectContaining({ code: 'METIS-109' }));
    const { httpUrl, wsUrl } = await server.start();
    expect(httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(wsUrl).toBe(httpUrl.replace('http', 'ws'));
    expect(server.httpUrl).toBe(httpUrl);
    await expect(server.start()).rejects.toMatchObject({ code: 'METIS-109' });
    await server.stop();
  });

  it('stop before start resolves', async () => {
    const { createRpcServer } = await import('../src/index.js');
    await createRpcServer([]).stop();
  });

  it('logs an unexpected handler error', async () => {
    const { createRpcServer } = await import('../src/index.js');
    const { createLogger } = await import('@metis/core');
    const logger = createLogger({ level: 'silent' });
    const spy = vi.spyOn(logger, 'error');
    const server = createRpcServer(
      [{ methods: { boom: () => { throw new Error('boom'); } } }],
      { port: 0 },
      logger,
    );
    const { httpUrl } = await server.start();
    await call(httpUrl, { jsonrpc: '2.0', id: 1, method: 'boom' });
    expect(spy).toHaveBeenCalled();
    await server.stop();
  });
});

describe('listening', () => {
  it('fails with LISTEN_FAILED when the port is taken', async () => {
    const { httpUrl } = await startServer([]);
    const port = Number(new URL(httpUrl).port);
    const error = await startServer([], { port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetisError);
    expect((error as MetisError).is('LISTEN_FAILED')).toBe(true);
    expect((error as MetisError).code).toBe('METIS-110');
  });
});
