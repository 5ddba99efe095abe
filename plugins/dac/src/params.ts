import { MetisError, type Hex } from '@metis/core';

/** Parameter checks of the metis_dac* methods: a bad value is DAC_INVALID_PARAMS (JSON-RPC -32602). */
export const invalid = (reason: string): MetisError => new MetisError('DAC_INVALID_PARAMS', { reason });

const MAX_ID = 2n ** 256n - 1n;

/** A positive integer id: a JSON number, a 0x quantity or a decimal string. */
export function idParam(v: unknown, what: string): bigint {
  let n: bigint | undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^[0-9]{1,78}$/.test(v)) n = BigInt(v);
  if (n === undefined || n < 1n || n > MAX_ID) throw invalid(`${what} must be a positive integer (a number, a 0x quantity or a decimal string), got ${JSON.stringify(v) ?? 'nothing'}`);
  return n;
}

/** A DAC by id (as idParam) or by name (any other non-empty string of at most 128 bytes). */
export function dacRefParam(v: unknown): bigint | string {
  if (typeof v === 'number' || (typeof v === 'string' && (/^0x[0-9a-fA-F]+$/.test(v) || /^[0-9]+$/.test(v)))) return idParam(v, 'dac');
  if (typeof v === 'string' && v.length > 0 && Buffer.byteLength(v) <= 128) return v;
  throw invalid(`dac must be a DAC id or name, got ${JSON.stringify(v) ?? 'nothing'}`);
}

export function addressParam(v: unknown, what: string): Hex {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(v)) throw invalid(`${what} must be an address (0x and 40 hex digits), got ${JSON.stringify(v) ?? 'nothing'}`);
  return v.toLowerCase() as Hex;
}

/** An optional options object: undefined or null reads as `{}`; unknown keys are refused. */
export function optionsParam(v: unknown, what: string, keys: readonly string[]): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`${what} must be an object`);
  for (const k of Object.keys(v)) if (!keys.includes(k)) throw invalid(`${what}: unknown field "${k}" (known: ${keys.join(', ')})`);
  return v as Record<string, unknown>;
}

/** A count within [min, max]: a JSON number or a 0x quantity. */
export function countParam(v: unknown, what: string, min: number, max: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^0x[0-9a-fA-F]{1,13}$/.test(v) ? Number(BigInt(v)) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(`${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

export function oneOf<T extends string>(v: unknown, what: string, values: readonly T[]): T | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !values.includes(v as T)) throw invalid(`${what} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Refuses more positional params than a method takes. */
export function arity(params: readonly unknown[], min: number, max: number, method: string): void {
  if (params.length < min || params.length > max) throw invalid(`${method} takes ${min === max ? min : `${min} to ${max}`} params, got ${params.length}`);
}

/** A JSON-RPC quantity. */
export const q = (n: bigint | number): Hex => `0x${n.toString(16)}` as Hex;
