import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@metis/core';
import { rpcError } from './errors.js';
import { HTTP_CONTEXT, parseErrorResponse, type Dispatcher, type Session } from './dispatch.js';
import { encodeResponse } from './json.js';
import type { RpcOptions } from './options.js';

const SESSION: Session = { ctx: HTTP_CONTEXT };
const HEALTH = JSON.stringify({ status: 'ok' });
/** How much of an oversized body is read and thrown away before its connection is dropped. */
const DISCARD_BYTES = 64 * 1024 * 1024;

/** The HTTP side: POST carries JSON-RPC, OPTIONS answers CORS preflights, GET is a health check. */
export function createHttpHandler(
  dispatcher: Dispatcher,
  options: Pick<RpcOptions, 'maxBodyBytes' | 'corsOrigin'>,
  logger: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { maxBodyBytes, corsOrigin } = options;

  const reply = (res: ServerResponse, status: number, text: string, close = false): void => {
    if (res.writableEnded || res.destroyed || res.socket?.destroyed) return;
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'access-control-allow-origin': corsOrigin,
    };
    if (close) headers.connection = 'close';
    res.writeHead(status, headers);
    res.end(text);
  };

  /**
   * 413: answer at once and keep none of the body. The rest of it is still read and thrown away, up to
   * DISCARD_BYTES, so that a client still sending it reads the answer instead of a broken pipe (a socket
   * closed under its writes); past that, the connection is dropped. The 413 keeps the connection open for
   * a next request once the body is over.
   */
  const tooLarge = (req: IncomingMessage, res: ServerResponse, size: number): void => {
    logger.debug({ size, limit: maxBodyBytes }, 'rpc request body too large');
    const error = rpcError('RPC_BODY_TOO_LARGE', { size, limit: maxBodyBytes });
    const drop = size > DISCARD_BYTES;
    reply(res, 413, JSON.stringify({ jsonrpc: '2.0', id: null, error }), drop);
    if (drop || req.complete) return;
    let discarded = 0;
    const discard = (chunk: Buffer): void => {
      discarded += chunk.length;
      if (discarded > DISCARD_BYTES) {
        req.off('data', discard);
        req.socket.destroy();
      }
    };
    req.on('data', discard);
  };

  const run = (res: ServerResponse, text: string): void => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      reply(res, 200, JSON.stringify(parseErrorResponse((e as Error).message)));
      return;
    }
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ transport: 'http', calls: Array.isArray(body) ? body.length : 1 }, 'rpc request');
    }
    void dispatcher.handle(body, SESSION).then(
      (response) => {
        if (response === undefined) reply(res, 200, '');
        else reply(res, 200, encodeResponse(response));
      },
      (e: unknown) => {
        logger.error({ err: e }, 'rpc dispatch failed');
        reply(res, 500, JSON.stringify({ jsonrpc: '2.0', id: null, error: rpcError('RPC_INTERNAL', { reason: 'dispatch failed' }) }));
      },
    );
  };

  const post = (req: IncomingMessage, res: ServerResponse): void => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      tooLarge(req, res, Number(declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        req.off('data', onData);
        req.off('end', onEnd);
        chunks.length = 0;
        tooLarge(req, res, size);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      run(res, text);
    };
    req.on('data', onData);
    req.on('end', onEnd);
  };

  return (req, res) => {
    req.on('error', (e) => logger.debug({ err: e }, 'rpc http request aborted'));
    res.on('error', (e) => logger.debug({ err: e }, 'rpc http response failed'));
    switch (req.method) {
      case 'POST':
        post(req, res);
        return;
      case 'OPTIONS':
        res.writeHead(204, {
          'access-control-allow-origin': corsOrigin,
          'access-control-allow-methods': 'POST, GET, OPTIONS',
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'content-type',
          'access-control-max-age': '600',
          'content-length': 0,
        });
        res.end();
        return;
      case 'GET':
      case 'HEAD':
        reply(res, 200, HEALTH);
        return;
      default:
        res.setHeader('allow', 'POST, GET, OPTIONS');
        reply(res, 405, JSON.stringify({ jsonrpc: '2.0', id: null, error: rpcError('RPC_INVALID_REQUEST', { reason: `HTTP method ${req.method ?? ''} not allowed` }) }));
    }
  };
}
