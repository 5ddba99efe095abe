import { bytesToHex } from '@ethereumjs/util';
import type { Hex } from '@metis/core';

export const q = (n: bigint | number): Hex => `0x${n.toString(16)}`;
export const h = (b: Uint8Array): Hex => bytesToHex(b) as Hex;
