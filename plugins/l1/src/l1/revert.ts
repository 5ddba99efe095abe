import { Interface, type Result } from 'ethers';

/** A revert, decoded as far as the known ABIs allow. */
export interface DecodedRevert {
  /** The error's name (`CustomFailure`, `Error` for require messages, `Panic`), when known. */
  readonly name?: string;
  readonly signature?: string;
  readonly args?: readonly unknown[];
  /** The raw revert data (`0x` when the node returned none). */
  readonly data: string;
  /** One line for messages: `CustomFailure(0xab.., 7, "custom")`, `Error("...")`, or the raw data. */
  readonly text: string;
}

const BUILTIN = new Interface(['error Error(string message)', 'error Panic(uint256 code)']);

function formatArg(value: unknown): string {
  if (typeof value === 'string') return value.startsWith('0x') ? value : JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatArg).join(', ')}]`;
  return String(value);
}

function toArray(result: Result): unknown[] {
  return Array.from({ length: result.length }, (_, i) => result[i] as unknown);
}

/**
 * Decodes revert data with `iface` (the target contract's ABI, for custom errors) and the built-in
 * `Error(string)` / `Panic(uint256)`. Never throws: unknown or malformed data comes back as raw hex.
 */
export function decodeRevert(data: string | undefined, iface?: Interface): DecodedRevert {
  const raw = data ?? '0x';
  if (raw.length < 10) return { data: raw, text: raw === '0x' ? 'reverted without data' : `revert data ${raw}` };
  for (const candidate of iface ? [iface, BUILTIN] : [BUILTIN]) {
    try {
      const parsed = candidate.parseError(raw);
      if (!parsed) continue;
      const args = toArray(parsed.args);
      return { name: parsed.name, signature: parsed.signature, args, data: raw, text: `${parsed.name}(${args.map(formatArg).join(', ')})` };
    } catch {
      // a matching selector with undecodable arguments: try the next ABI, then fall back to raw
    }
  }
  return { data: raw, text: `revert data ${raw}` };
}
