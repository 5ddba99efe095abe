import { EthereumJSErrorWithoutCode, RLP, type Input, type NestedUint8Array } from '@ethereumjs/rlp';

/**
 * A faster RLP for the ethereumjs stack, byte-for-byte and error-for-error the same as `@ethereumjs/rlp` 10.
 *
 * Upstream `encode` concatenates a fresh array per item and per list level, and `decode` copies every list's
 * payload before decoding it and allocates a `{ data, remainder }` pair per item. Trie nodes, accounts,
 * receipts and transactions all go through it, which made RLP about a fifth of block execution time. Here
 * `encode` measures the whole item first and writes it into one buffer, and `decode` walks positions in
 * the input. Leaf values are still copies (`slice`), as upstream, so no caller ever aliases the input.
 *
 * `installFastRlp()` swaps the two functions on the `RLP` object every ethereumjs package imports
 * (`import { RLP } from '@ethereumjs/rlp'` and `RLP.encode(...)`). Inputs this module does not speed up
 * (strings, numbers, `stream` decoding) go to the upstream functions unchanged.
 */

const upstream = { encode: RLP.encode, decode: RLP.decode };

const EMPTY_ERROR = {
  oob: 'invalid RLP (safeSlice): end slice of Uint8Array out-of-bounds',
  singleByte: 'invalid RLP encoding: invalid prefix, single byte < 0x80 are not prefixed',
  lengthBytes: 'invalid RLP: not enough bytes for string length',
  longString: 'invalid RLP: expected string length to be greater than 55',
  shortList: 'invalid RLP: encoded list too short',
  listOverrun: 'invalid RLP: total length is larger than the data',
  extraZeros: 'invalid RLP: extra zeros',
  badByte: 'Invalid byte sequence',
  remainder: 'invalid RLP: remainder must be zero',
} as const;

const fail = (message: string): never => {
  throw EthereumJSErrorWithoutCode(message);
};

// ---------------------------------------------------------------------------------------------- encode

/** Bytes needed to write `n` big-endian (n > 0). */
function lengthOfLength(n: number): number {
  let bytes = 0;
  while (n > 0) {
    bytes++;
    n = Math.floor(n / 256);
  }
  return bytes;
}

const headerLength = (payload: number): number => (payload < 56 ? 1 : 1 + lengthOfLength(payload));

/**
 * Pass 1: the encoded length of `item`. Lists push their payload length, leaves that are not plain bytes
 * push their upstream encoding, in pre-order, for pass 2 to read back in the same order.
 */
function measure(item: Input, plan: (number | Uint8Array)[]): number {
  if (Array.isArray(item)) {
    const at = plan.length;
    plan.push(0);
    let payload = 0;
    for (let i = 0; i < item.length; i++) payload += measure(item[i] as Input, plan);
    plan[at] = payload;
    return headerLength(payload) + payload;
  }
  if (item instanceof Uint8Array) {
    if (item.length === 1 && item[0]! < 0x80) return 1;
    return headerLength(item.length) + item.length;
  }
  const encoded = upstream.encode(item);
  plan.push(encoded);
  return encoded.length;
}

function writeHeader(out: Uint8Array, pos: number, payload: number, offset: number): number {
  if (payload < 56) {
    out[pos] = offset + payload;
    return pos + 1;
  }
  const n = lengthOfLength(payload);
  out[pos] = offset + 55 + n;
  for (let i = n; i > 0; i--) {
    out[pos + i] = payload & 0xff;
    payload = Math.floor(payload / 256);
  }
  return pos + 1 + n;
}

interface Cursor {
  pos: number;
  step: number;
}

function write(item: Input, out: Uint8Array, plan: (number | Uint8Array)[], c: Cursor): void {
  if (Array.isArray(item)) {
    const payload = plan[c.step++] as number;
    c.pos = writeHeader(out, c.pos, payload, 0xc0);
    for (let i = 0; i < item.length; i++) write(item[i] as Input, out, plan, c);
    return;
  }
  if (item instanceof Uint8Array) {
    if (item.length === 1 && item[0]! < 0x80) {
      out[c.pos++] = item[0]!;
      return;
    }
    c.pos = writeHeader(out, c.pos, item.length, 0x80);
    out.set(item, c.pos);
    c.pos += item.length;
    return;
  }
  const encoded = plan[c.step++] as Uint8Array;
  out.set(encoded, c.pos);
  c.pos += encoded.length;
}

export function encode(input: Input): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 1 && input[0]! < 0x80) return input; // upstream returns the input itself here
    const out = new Uint8Array(headerLength(input.length) + input.length);
    out.set(input, writeHeader(out, 0, input.length, 0x80));
    return out;
  }
  if (!Array.isArray(input)) return upstream.encode(input);
  const plan: (number | Uint8Array)[] = [];
  const out = new Uint8Array(measure(input, plan));
  write(input, out, plan, { pos: 0, step: 0 });
  return out;
}

// ---------------------------------------------------------------------------------------------- decode

/** A big-endian length of `n` bytes at `at`, refusing a leading zero like upstream. */
function readLength(buf: Uint8Array, at: number, n: number): number {
  if (n === 0) return fail(EMPTY_ERROR.badByte);
  if (buf[at] === 0) return fail(EMPTY_ERROR.extraZeros);
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + buf[at + i]!;
  return length;
}

/** Where the item being decoded ends; set by `decodeItem`. */
let next = 0;

/** Decodes the item at `pos`, which must end by `end`; sets `next` to the position after it. */
function decodeItem(buf: Uint8Array, pos: number, end: number): Uint8Array | NestedUint8Array {
  const first = buf[pos]!;
  if (first <= 0x7f) {
    next = pos + 1;
    return buf.slice(pos, pos + 1);
  }
  if (first <= 0xb7) {
    const length = first - 0x7f; // header byte included
    if (first === 0x80) {
      next = pos + 1;
      return new Uint8Array(0);
    }
    if (pos + length > end) fail(EMPTY_ERROR.oob);
    if (length === 2 && buf[pos + 1]! < 0x80) fail(EMPTY_ERROR.singleByte);
    next = pos + length;
    return buf.slice(pos + 1, pos + length);
  }
  if (first <= 0xbf) {
    const header = first - 0xb6;
    if (end - pos - 1 < header) fail(EMPTY_ERROR.lengthBytes);
    const length = readLength(buf, pos + 1, header - 1);
    if (length <= 55) fail(EMPTY_ERROR.longString);
    if (pos + header + length > end) fail(EMPTY_ERROR.oob);
    next = pos + header + length;
    return buf.slice(pos + header, pos + header + length);
  }
  let start: number;
  let stop: number;
  if (first <= 0xf7) {
    start = pos + 1;
    stop = pos + first - 0xbf;
    if (stop > end) fail(EMPTY_ERROR.oob);
  } else {
    const header = first - 0xf6;
    if (pos + header > end) fail(EMPTY_ERROR.oob);
    const length = readLength(buf, pos + 1, header - 1);
    if (length < 56) fail(EMPTY_ERROR.shortList);
    stop = pos + header + length;
    if (stop > end) fail(EMPTY_ERROR.listOverrun);
    start = pos + header;
  }
  const items: (Uint8Array | NestedUint8Array)[] = [];
  let at = start;
  while (at < stop) {
    items.push(decodeItem(buf, at, stop));
    at = next;
  }
  next = stop;
  return items as NestedUint8Array;
}

export function decode(input: Input, stream?: false): Uint8Array | NestedUint8Array;
export function decode(input: Input, stream: true): { data: Uint8Array | NestedUint8Array; remainder: Uint8Array };
export function decode(input: Input, stream = false): unknown {
  if (stream || !(input instanceof Uint8Array)) return upstream.decode(input, stream as true);
  if (input.length === 0) return new Uint8Array(0);
  const data = decodeItem(input, 0, input.length);
  if (next !== input.length) fail(EMPTY_ERROR.remainder);
  return data;
}

let installed = false;

/** Makes every `RLP.encode`/`RLP.decode` call in the process use this module. Idempotent. */
export function installFastRlp(): void {
  if (installed) return;
  installed = true;
  (RLP as { encode: typeof RLP.encode }).encode = encode;
  (RLP as { decode: typeof RLP.decode }).decode = decode as typeof RLP.decode;
}

/** The upstream implementation, for differential tests. */
export const upstreamRlp = upstream;
