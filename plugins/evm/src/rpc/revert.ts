import { bytesToBigInt, bytesToHex } from '@ethereumjs/util';

const ERROR_STRING = '08c379a0';
const PANIC = '4e487b71';

/** The human reason of revert data: Error(string) text, or Panic(uint256) code; undefined otherwise. */
export function decodeRevert(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined;
  const selector = bytesToHex(data.subarray(0, 4)).slice(2);
  if (selector === ERROR_STRING && data.length >= 68) {
    const length = Number(bytesToBigInt(data.subarray(36, 68)));
    if (68 + length > data.length) return undefined;
    return new TextDecoder().decode(data.subarray(68, 68 + length));
  }
  if (selector === PANIC && data.length >= 36) return `panic 0x${bytesToBigInt(data.subarray(4, 36)).toString(16)}`;
  return undefined;
}
