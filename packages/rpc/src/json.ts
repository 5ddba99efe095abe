import { rpcError } from './errors.js';

/** JSON with bigints written as 0x-hex quantities (handlers should return hex strings already). */
function bigintReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

/** JSON.stringify, retried with a bigint replacer only when the fast path throws. */
export function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(value, bigintReplacer);
  }
}

/**
 * Serializes a response (single or batch). A result that cannot be serialized (a cycle) turns into an
 * internal error for its own id, never a broken payload.
 */
export function encodeResponse(response: unknown): string {
  try {
    return stringify(response);
  } catch {
    if (Array.isArray(response)) return `[${response.map(encodeOne).join(',')}]`;
    return encodeOne(response);
  }
}

function encodeOne(response: unknown): string {
  try {
    return stringify(response);
  } catch {
    const id = (response as { id?: unknown }).id ?? null;
    return JSON.stringify({ jsonrpc: '2.0', id, error: rpcError('RPC_INTERNAL', { reason: 'result is not serializable' }) });
  }
}
