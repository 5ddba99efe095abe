import { isHexString, keccak256, toUtf8Bytes, ZeroAddress, type Provider, type Signer } from 'ethers';
import { invalidArgument } from '../errors.js';
import { toAddress } from '../validate.js';

/** Longest name or CID the DAC contracts accept, in UTF-8 bytes. */
export const MAX_CID_BYTES = 128;

const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A positive id (DAC, commitment, proposal, attribute): a bigint, a safe integer or a decimal string.
 * @throws SdkError INVALID_ARGUMENT
 */
export function toId(value: unknown, field: string): bigint {
  let id: bigint | undefined;
  if (typeof value === 'bigint') id = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) id = BigInt(value);
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) id = BigInt(value.trim());
  if (id === undefined || id <= 0n || id >= 2n ** 256n) throw invalidArgument(`${field} must be a positive integer, got ${String(value)}`);
  return id;
}

/**
 * A CID (or a DAC name): a non-empty string of at most 128 UTF-8 bytes, trimmed.
 * @throws SdkError INVALID_ARGUMENT
 */
export function toCid(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidArgument(`${field} must be a string, got ${typeof value}`);
  const text = value.trim();
  const bytes = toUtf8Bytes(text).length;
  if (bytes === 0) throw invalidArgument(`${field} must not be empty`);
  if (bytes > MAX_CID_BYTES) throw invalidArgument(`${field} is ${bytes} bytes long, at most ${MAX_CID_BYTES} are accepted`);
  return text;
}

/**
 * A unix time in seconds that fits uint64 (deadlines, vesting starts).
 * @throws SdkError INVALID_ARGUMENT
 */
export function toUnixSeconds(value: unknown, field: string): bigint {
  if (typeof value !== 'bigint' || value <= 0n || value > UINT64_MAX) throw invalidArgument(`${field} must be a bigint of unix seconds, got ${String(value)}`);
  return value;
}

/**
 * A non-negative amount in base units (a reward may be 0).
 * @throws SdkError INVALID_ARGUMENT
 */
export function toNonNegative(value: unknown, field: string): bigint {
  if (typeof value !== 'bigint' || value < 0n) throw invalidArgument(`${field} must be a non-negative bigint in base units, got ${String(value)}`);
  return value;
}

/** A token address, or the zero address for ETH (`undefined`, `'ETH'` and the zero address mean ETH). */
export function toTokenOrEth(value: unknown, field = 'token'): string {
  if (value === undefined || value === null || value === ZeroAddress) return ZeroAddress;
  if (typeof value === 'string' && value.trim().toUpperCase() === 'ETH') return ZeroAddress;
  return toAddress(value, field);
}

/** The role names DacRegistry knows, and their ids (keccak256 of the name). */
export const DAC_ROLES = Object.freeze({ FOUNDER: keccak256(toUtf8Bytes('FOUNDER')), INVITER: keccak256(toUtf8Bytes('INVITER')) });
export type DacRoleName = keyof typeof DAC_ROLES;

/**
 * A role id: 'FOUNDER', 'INVITER' (any case) or a bytes32 hex id.
 * @throws SdkError INVALID_ARGUMENT
 */
export function toRole(value: unknown): string {
  if (typeof value === 'string') {
    const named = DAC_ROLES[value.trim().toUpperCase() as DacRoleName];
    if (named) return named;
    if (isHexString(value.trim(), 32)) return value.trim().toLowerCase();
  }
  throw invalidArgument(`role must be FOUNDER, INVITER or a bytes32 hex id, got ${String(value)}`);
}

/** The name of a role id when known, else the id. */
export function roleName(id: string): string {
  const found = (Object.keys(DAC_ROLES) as DacRoleName[]).find((k) => DAC_ROLES[k] === id.toLowerCase());
  return found ?? id;
}

/**
 * The provider of a signer.
 * @throws SdkError INVALID_ARGUMENT for a signer without one
 */
export function providerOf(signer: Signer): Provider {
  if (!signer?.provider) throw invalidArgument('signer must be connected to a provider (new Wallet(key, provider))');
  return signer.provider;
}
