import { MetisError } from '@metis/core';

/**
 * Explains why @ethereumjs/tx refused a raw transaction. The library validates while it decodes (chain id
 * against its Common, fee cap vs tip, y-parity, high s) and throws before we can look at the fields; this
 * reads the top-level RLP fields itself to give the client the specific TX_* error, or TX_MALFORMED.
 */

/** A top-level RLP field: its bytes, or null for a nested list. */
type Field = Uint8Array | null;

const SECP256K1_N_DIV_2 = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** The header of the RLP item at `at`: payload bounds and kind; undefined if it overruns `limit`. */
function header(bytes: Uint8Array, at: number, limit: number): { start: number; end: number; list: boolean } | undefined {
  if (at >= limit) return undefined;
  const b = bytes[at]!;
  if (b < 0x80) return { start: at, end: at + 1, list: false };
  const list = b >= 0xc0;
  const long = list ? 0xf7 : 0xb7;
  let start = at + 1;
  let length = b - (list ? 0xc0 : 0x80);
  if (b > long) {
    const lengthOfLength = b - long;
    start = at + 1 + lengthOfLength;
    if (start > limit || lengthOfLength > 6) return undefined;
    length = 0;
    for (let i = at + 1; i < start; i++) length = length * 256 + bytes[i]!;
  }
  const end = start + length;
  return end > limit ? undefined : { start, end, list };
}

/** The fields of the RLP list at `at`, or undefined when the bytes are not a readable list. */
export function listFields(bytes: Uint8Array, at: number): Field[] | undefined {
  const outer = header(bytes, at, bytes.length);
  if (!outer?.list) return undefined;
  const fields: Field[] = [];
  for (let cursor = outer.start; cursor < outer.end; ) {
    const h = header(bytes, cursor, outer.end);
    if (!h) return undefined;
    fields.push(h.list ? null : bytes.subarray(h.start, h.end));
    cursor = h.end;
  }
  return fields;
}

function num(field: Field | undefined): bigint | undefined {
  if (!field || field.length > 32) return undefined;
  let v = 0n;
  for (const b of field) v = (v << 8n) | BigInt(b);
  return v;
}

/** The chain id a raw transaction claims: typed field 0, or from an EIP-155 legacy `v`. */
export function claimedChainId(raw: Uint8Array): bigint | undefined {
  if (raw.length === 0) return undefined;
  if (raw[0]! <= 0x7f) return num(listFields(raw, 1)?.[0]);
  const v = num(listFields(raw, 0)?.[6]);
  return v !== undefined && v >= 35n ? (v - 35n) / 2n : undefined;
}

/** The error for a transaction the library could not decode; `cause` is what it threw. */
export function decodeFailure(raw: Uint8Array, expectedChainId: bigint, cause: unknown): MetisError {
  const typed = raw.length > 0 && raw[0]! <= 0x7f;
  const fields = typed ? listFields(raw, 1) : listFields(raw, 0);
  const malformed = (): MetisError => new MetisError('TX_MALFORMED', { reason: shortReason(cause) }, { cause });
  if (!fields) return malformed();

  const claimed = claimedChainId(raw);
  if (claimed !== undefined && claimed !== expectedChainId) {
    return new MetisError('TX_WRONG_CHAIN', { got: claimed, expected: expectedChainId }, { cause });
  }

  // Signature fields: [.., v|yParity, r, s] at the end of a signed transaction.
  const signedLength = typed ? (raw[0] === 2 ? 12 : 11) : 9;
  if (fields.length === signedLength) {
    const [v, r, s] = fields.slice(-3).map(num);
    const badParity = typed ? v !== 0n && v !== 1n : v !== 27n && v !== 28n && (v === undefined || v < 35n);
    if (badParity) return new MetisError('TX_SIGNATURE_INVALID', { reason: `invalid v (y-parity) ${v ?? '?'}` }, { cause });
    if (s !== undefined && s > SECP256K1_N_DIV_2) {
      return new MetisError('TX_SIGNATURE_INVALID', { reason: 's-value greater than secp256k1n/2 (EIP-2)' }, { cause });
    }
    if (r === 0n || s === 0n) return new MetisError('TX_SIGNATURE_INVALID', { reason: 'r or s is zero' }, { cause });
  }

  if (typed && raw[0] === 2) {
    const tip = num(fields[2]);
    const cap = num(fields[3]);
    if (tip !== undefined && cap !== undefined && tip > cap) return new MetisError('TX_FEE_CAP_BELOW_TIP', {}, { cause });
  }
  return malformed();
}

export function shortReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // ethereumjs appends a long "(tx type=… hash=…)" postfix; the first sentence is what helps a client.
  return message.replace(/\s*\(tx type=.*$/s, '').slice(0, 200);
}
