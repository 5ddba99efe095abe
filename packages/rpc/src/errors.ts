import { MetisError, rootMetisError, type ErrorArgs, type ErrorName } from '@metis/core';

/** The `error` member of a JSON-RPC response. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export const INTERNAL_CODE = -32603;

/**
 * Maps anything thrown by a handler to what a client sees. A MetisError (the innermost one carrying an
 * RPC code, in the cause chain) keeps its code and message; its `data` travels verbatim (the revert data
 * hex string for execution reverted), otherwise `{ metisCode }`. Anything else is a generic internal
 * error: the caller logs the real one.
 */
export function toRpcError(e: unknown): RpcErrorObject {
  const root = rootMetisError(e);
  const coded = root?.descriptor.rpcCode !== undefined ? root : innermostWithRpcCode(e);
  if (coded) {
    return {
      code: coded.descriptor.rpcCode as number,
      message: coded.message,
      data: coded.data !== undefined ? coded.data : { metisCode: coded.code },
    };
  }
  if (root) return { code: INTERNAL_CODE, message: 'internal error', data: { metisCode: root.code } };
  return { code: INTERNAL_CODE, message: 'internal error' };
}

/** The error object for a server-made MetisError. */
export function rpcError(name: ErrorName, args: ErrorArgs = {}): RpcErrorObject {
  return toRpcError(new MetisError(name, args));
}

function innermostWithRpcCode(e: unknown): MetisError | undefined {
  let found: MetisError | undefined;
  let current: unknown = e;
  const seen = new Set<unknown>();
  while (current && !seen.has(current)) {
    seen.add(current);
    if (current instanceof MetisError && current.descriptor.rpcCode !== undefined) found = current;
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}
