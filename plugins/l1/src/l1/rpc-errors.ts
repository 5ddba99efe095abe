/**
 * What an error from an L1 JSON-RPC call means for the caller: retry it, treat it as a revert, or handle one
 * of the transaction-pool answers of `eth_sendRawTransaction`. Works on ethers v6 errors (which wrap the
 * JSON-RPC error object in `info.error` or `error`), Node socket errors and plain JSON-RPC error objects.
 */

/**
 * - `transient`: the request may succeed if repeated (network, HTTP 5xx/429, timeouts, `header not found`).
 * - `revert`: the EVM reverted (estimate, call, or a mined transaction); repeating does not help.
 * - `nonce`: the pool refused the nonce (`nonce too low` / `too high`): the local nonce is stale.
 * - `known`: the pool already holds this very transaction (`already known`, `transaction already imported`).
 * - `underpriced`: the fees are too low (a replacement below the bump, max fee below the base fee).
 * - `fatal`: anything else (insufficient funds, invalid transaction, unsupported method, ...).
 */
export type RpcErrorKind = 'transient' | 'revert' | 'nonce' | 'known' | 'underpriced' | 'fatal';

/** A JSON-RPC error object, as a node returned it. */
export interface JsonRpcErrorObject {
  readonly code?: number;
  readonly message?: string;
  readonly data?: unknown;
}

const TRANSIENT_CODES = new Set([
  // ethers
  'NETWORK_ERROR',
  'TIMEOUT',
  'SERVER_ERROR',
  'BAD_DATA',
  // Node sockets and DNS
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** JSON-RPC codes that mean "the node could not answer now": limit exceeded, internal error, server busy. */
const TRANSIENT_RPC_CODES = new Set([-32005, -32603, -32099, 429]);

const TRANSIENT_MESSAGE =
  /header not found|block not found|timed? ?out|try again|temporar|unavailable|rate limit|too many requests|busy|overloaded|socket hang up|connection (reset|refused|closed)|bad gateway|gateway timeout|service unavailable|internal server error|econnreset|econnrefused|fetch failed|request failed/i;
const NONCE_MESSAGE = /nonce too (low|high)|nonce has already been used|invalid nonce|old nonce/i;
const KNOWN_MESSAGE = /already known|known transaction|already imported|alreadyknown|already exists|already in (the )?(tx|transaction)?pool/i;
const UNDERPRICED_MESSAGE = /underpriced|fee too low|less than (the )?block base ?fee|max fee per gas less than|gas price too low|feecap.*too low/i;
const REVERT_MESSAGE = /revert/i;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** The JSON-RPC error object inside an ethers error (`info.error`, `error`), or the value itself if it is one. */
export function innerRpcError(e: unknown): JsonRpcErrorObject | undefined {
  const rec = asRecord(e);
  if (!rec) return undefined;
  for (const candidate of [asRecord(rec.info)?.error, rec.error]) {
    const inner = asRecord(candidate);
    if (inner && (typeof inner.message === 'string' || typeof inner.code === 'number')) return inner as JsonRpcErrorObject;
  }
  if (typeof rec.code === 'number' && typeof rec.message === 'string') return rec as JsonRpcErrorObject;
  return undefined;
}

/** The most specific text an error carries: the node's own message when there is one. */
export function rpcErrorMessage(e: unknown): string {
  const inner = innerRpcError(e);
  if (inner?.message) return inner.message;
  const rec = asRecord(e);
  if (rec && typeof rec.shortMessage === 'string') return rec.shortMessage;
  if (e instanceof Error) return e.message;
  return String(e);
}

function errorCodes(e: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = e;
  // The code of the error and of its causes (undici wraps socket errors in `cause`).
  while (current && !seen.has(current) && codes.length < 8) {
    seen.add(current);
    const rec = asRecord(current);
    if (!rec) break;
    if (typeof rec.code === 'string') codes.push(rec.code);
    current = rec.cause;
  }
  return codes;
}

function httpStatus(e: unknown): number | undefined {
  const info = asRecord(asRecord(e)?.info);
  const status = info?.responseStatus;
  if (typeof status === 'string') {
    const n = Number.parseInt(status, 10);
    return Number.isFinite(n) ? n : undefined;
  }
  const response = asRecord(asRecord(e)?.response);
  return typeof response?.statusCode === 'number' ? response.statusCode : undefined;
}

/** Classifies an error raised by an L1 JSON-RPC request (see {@link RpcErrorKind}). */
export function classifyRpcError(e: unknown): RpcErrorKind {
  const inner = innerRpcError(e);
  const message = inner?.message ?? '';
  const codes = errorCodes(e);

  if (message) {
    // Pool answers first: they are -32000/-32003 errors whose text decides.
    if (KNOWN_MESSAGE.test(message)) return 'known';
    if (NONCE_MESSAGE.test(message)) return 'nonce';
    if (UNDERPRICED_MESSAGE.test(message)) return 'underpriced';
    if (REVERT_MESSAGE.test(message) || isHexData(inner?.data)) return 'revert';
    if (TRANSIENT_MESSAGE.test(message)) return 'transient';
    if (inner?.code !== undefined && TRANSIENT_RPC_CODES.has(inner.code)) return 'transient';
    return 'fatal';
  }
  if (codes.includes('NONCE_EXPIRED')) return 'nonce';
  if (codes.includes('REPLACEMENT_UNDERPRICED')) return 'underpriced';
  // A CALL_EXCEPTION without a node error underneath is ethers' own (a mined transaction with status 0).
  if (codes.includes('CALL_EXCEPTION')) return 'revert';
  if (codes.some((c) => TRANSIENT_CODES.has(c))) return 'transient';
  const status = httpStatus(e);
  if (status !== undefined && (status >= 500 || status === 429)) return 'transient';
  const text = e instanceof Error ? e.message : String(e);
  return TRANSIENT_MESSAGE.test(text) ? 'transient' : 'fatal';
}

/** True when repeating the request may succeed. */
export function isTransientRpcError(e: unknown): boolean {
  return classifyRpcError(e) === 'transient';
}

function isHexData(value: unknown): value is string {
  return typeof value === 'string' && /^0x([0-9a-fA-F]{2})+$/.test(value);
}

/** Revert data carried by an error (ethers' `data`, or the node error's `data`), if any. */
export function revertDataOf(e: unknown): string | undefined {
  const rec = asRecord(e);
  if (rec && isHexData(rec.data)) return rec.data;
  const inner = innerRpcError(e);
  if (inner && isHexData(inner.data)) return inner.data;
  const nested = asRecord(inner?.data);
  if (nested && isHexData(nested.data)) return nested.data;
  return undefined;
}
