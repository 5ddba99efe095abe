import { MetisError, type Logger, type RpcCallContext } from '@metis/core';
import { INTERNAL_CODE, rpcError, toRpcError, type RpcErrorObject } from './errors.js';
import { SUBSCRIBE, UNSUBSCRIBE, type MethodTable } from './methods.js';
import type { Activation, SubscriptionSet } from './subscriptions.js';

export type RpcId = string | number | null;

export interface RpcResponse {
  jsonrpc: '2.0';
  id: RpcId;
  result?: unknown;
  error?: RpcErrorObject;
}

/** Who is calling: the transport, and on WebSocket the connection's subscriptions. */
export interface Session {
  readonly ctx: RpcCallContext;
  readonly subscriptions?: SubscriptionSet;
  /** Subscriptions made by the message being handled (WebSocket only). */
  readonly activation?: Activation;
}

export const HTTP_CONTEXT: RpcCallContext = Object.freeze({ transport: 'http' });
export const WS_CONTEXT: RpcCallContext = Object.freeze({ transport: 'ws' });

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

const errorResponse = (id: RpcId, error: RpcErrorObject): RpcResponse => ({ jsonrpc: '2.0', id, error });

/** The parse-error response, for transports that could not read JSON. */
export const parseErrorResponse = (reason: string): RpcResponse =>
  errorResponse(null, rpcError('RPC_PARSE_ERROR', { reason }));

/**
 * Turns a parsed JSON-RPC body (one request or a batch) into its response: a response object, an array
 * in request order, or undefined when nothing must be answered (notifications only). Never rejects.
 * Plain checks only: this runs for every call of every batch.
 */
export class Dispatcher {
  constructor(
    private readonly table: MethodTable,
    private readonly maxBatch: number,
    private readonly logger: Logger,
  ) {}

  handle(body: unknown, session: Session): Promise<RpcResponse | RpcResponse[] | undefined> {
    if (!Array.isArray(body)) return this.call(body, session);
    if (body.length === 0) return Promise.resolve(errorResponse(null, rpcError('RPC_INVALID_REQUEST', { reason: 'empty batch' })));
    if (body.length > this.maxBatch) {
      return Promise.resolve(errorResponse(null, rpcError('RPC_BATCH_TOO_LARGE', { size: body.length, limit: this.maxBatch })));
    }
    const pending = new Array<Promise<RpcResponse | undefined>>(body.length);
    for (let i = 0; i < body.length; i++) pending[i] = this.call(body[i], session);
    return Promise.all(pending).then((responses) => {
      const out: RpcResponse[] = [];
      for (const r of responses) if (r !== undefined) out.push(r);
      return out.length > 0 ? out : undefined;
    });
  }

  private async call(msg: unknown, session: Session): Promise<RpcResponse | undefined> {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return errorResponse(null, rpcError('RPC_INVALID_REQUEST', { reason: 'not a request object' }));
    }
    const req = msg as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    const id = req.id;
    const notification = id === undefined;
    if (!notification && id !== null && typeof id !== 'string' && typeof id !== 'number') {
      return errorResponse(null, rpcError('RPC_INVALID_REQUEST', { reason: 'id must be a string, a number or null' }));
    }
    const replyId = notification ? null : (id as RpcId);
    if (req.jsonrpc !== '2.0') return errorResponse(replyId, rpcError('RPC_INVALID_REQUEST', { reason: 'jsonrpc must be "2.0"' }));
    const method = req.method;
    if (typeof method !== 'string' || method.length === 0) {
      return errorResponse(replyId, rpcError('RPC_INVALID_REQUEST', { reason: 'method must be a non-empty string' }));
    }

    let result: unknown;
    try {
      const params = req.params === undefined ? NO_PARAMS : req.params;
      if (!Array.isArray(params)) throw new MetisError('RPC_INVALID_PARAMS', { reason: 'params must be an array' });
      const handler = this.table.methods.get(method);
      if (handler !== undefined) {
        result = handler(params, session.ctx);
        if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
          result = await result;
        }
      } else if (method === SUBSCRIBE) {
        if (!session.subscriptions || !session.activation) {
          throw new MetisError('RPC_SUBSCRIPTION_UNSUPPORTED', { reason: `${method} needs a WebSocket connection` });
        }
        result = session.subscriptions.subscribe(params, session.activation);
      } else if (method === UNSUBSCRIBE) {
        if (!session.subscriptions) throw new MetisError('RPC_SUBSCRIPTION_UNSUPPORTED', { reason: `${method} needs a WebSocket connection` });
        result = session.subscriptions.unsubscribe(params[0]);
      } else {
        throw new MetisError('RPC_METHOD_NOT_FOUND', { method });
      }
    } catch (e) {
      const error = toRpcError(e);
      if (error.code === INTERNAL_CODE) this.logger.error({ err: e, method }, 'rpc method failed');
      else this.logger.debug({ method, code: error.code }, 'rpc method returned an error');
      return notification ? undefined : errorResponse(replyId, error);
    }
    if (notification) return undefined;
    return { jsonrpc: '2.0', id: replyId, result: result === undefined ? null : result };
  }
}
