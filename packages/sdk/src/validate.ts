import { getAddress, isHexString, ZeroAddress } from 'ethers';
import { invalidArgument } from './errors.js';

/**
 * A checksummed address from user input. Lower-case and upper-case hex are accepted; mixed case must be a
 * valid EIP-55 checksum (a typo is caught rather than sending funds to the wrong account).
 * @param field the argument's name, for the message
 * @throws SdkError INVALID_ARGUMENT, also for the zero address (the bridge refuses it)
 */
export function toAddress(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidArgument(`${field} must be an address (0x and 40 hex digits), got ${typeof value}`);
  let address: string;
  try {
    address = getAddress(value.trim());
  } catch {
    throw invalidArgument(`${field} is not a valid address: "${value}" (0x and 40 hex digits, with a correct checksum if mixed-case)`);
  }
  if (address === ZeroAddress) throw invalidArgument(`${field} must not be the zero address`);
  return address;
}

/**
 * An L2 chain id: a positive safe integer, as a bigint.
 * @throws SdkError INVALID_ARGUMENT
 */
export function toChainId(value: unknown): bigint {
  let id: bigint | undefined;
  if (typeof value === 'bigint') id = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) id = BigInt(value);
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) id = BigInt(value.trim());
  if (id === undefined || id <= 0n || id > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidArgument(`chainId must be a positive integer, got ${String(value)}`);
  return id;
}

/**
 * An amount in base units (wei, the token's smallest unit).
 * @throws SdkError INVALID_ARGUMENT unless it is a bigint above 0
 */
export function toAmount(value: unknown, field = 'amount'): bigint {
  if (typeof value !== 'bigint') throw invalidArgument(`${field} must be a bigint in base units (wei), got ${typeof value}; parse decimals with parseAmount`);
  if (value <= 0n) throw invalidArgument(`${field} must be more than 0, got ${value}`);
  return value;
}

/**
 * A transaction hash (0x and 64 hex digits), lower-case.
 * @throws SdkError INVALID_ARGUMENT
 */
export function toTxHash(value: unknown, field = 'transaction hash'): string {
  if (typeof value !== 'string' || !isHexString(value, 32)) throw invalidArgument(`${field} must be 0x and 64 hex digits, got ${String(value)}`);
  return value.toLowerCase();
}

/**
 * A block number: a non-negative safe integer.
 * @throws SdkError INVALID_ARGUMENT
 */
export function toBlockNumber(value: unknown, field = 'block'): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalidArgument(`${field} must be a non-negative integer, got ${String(value)}`);
  return n;
}
