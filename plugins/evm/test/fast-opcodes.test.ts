import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { Account, bigIntToBytes, bytesToBigInt, bytesToHex, createAddressFromString, hexToBytes, setLengthLeft } from '@ethereumjs/util';
import { createVM, type VM } from '@ethereumjs/vm';
import { describe, expect, it } from 'vitest';
import { bytesValue, installFastOpcodes, wordBytes } from '../src/vm/fast-opcodes.js';

const MAX = 2n ** 256n - 1n;
const WORDS = [0n, 1n, 255n, 256n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n + 3n, 2n ** 192n - 1n, MAX, MAX >> 1n, 0xdeadbeefn << 100n];

describe('word conversions', () => {
  it('match setLengthLeft(bigIntToBytes(w), 32) and bytesToBigInt', () => {
    for (const w of WORDS) {
      expect(wordBytes(w)).toEqual(setLengthLeft(bigIntToBytes(w), 32));
      expect(bytesValue(wordBytes(w))).toBe(w);
    }
    for (const bytes of [Uint8Array.of(1), Uint8Array.of(0, 0, 7), hexToBytes(`0x${'ab'.repeat(9)}`), hexToBytes(`0x${'ff'.repeat(32)}`), hexToBytes(`0x${'01'.repeat(17)}`)]) {
      expect(bytesValue(bytes)).toBe(bytesToBigInt(bytes));
    }
  });
});

const push32 = (v: bigint): string => `7f${v.toString(16).padStart(64, '0')}`;
const push1 = (v: number): string => `60${v.toString(16).padStart(2, '0')}`;
const A = 0xdeadbeefn << 150n;
const B = MAX - 12345n;

/** SSTORE, SLOAD (set and unset slots), MSTORE (aligned, unaligned, zero, max), LOG0-LOG4, RETURN of memory. */
function program(): Uint8Array {
  let code = push32(A) + push1(1) + '55';
  code += push1(1) + '54' + push1(0) + '52';
  code += push32(MAX) + push1(0x20) + '52';
  code += push1(0) + push1(0x40) + '52';
  code += push32(B) + push1(0x45) + '52';
  code += push1(2) + '54' + push1(0x80) + '52';
  for (let n = 0; n <= 4; n++) {
    for (let t = n - 1; t >= 0; t--) code += push32(WORDS[(n * 3 + t) % WORDS.length]!);
    code += push1(n === 2 ? 0 : 0x40) + push1(0x10 + n) + (0xa0 + n).toString(16);
  }
  code += push1(0xa5) + push1(0) + 'f3';
  return hexToBytes(`0x${code}`);
}

async function run(fast: boolean) {
  const vm: VM = await createVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Prague }) });
  if (fast) expect(installFastOpcodes(vm)).toBe(7);
  const contract = createAddressFromString(`0x${'c0'.repeat(20)}`);
  await vm.stateManager.putAccount(contract, new Account());
  await vm.stateManager.putCode(contract, program());
  const result = await vm.evm.runCall({ to: contract, gasLimit: 1_000_000n });
  return {
    error: result.execResult.exceptionError?.error,
    gas: result.execResult.executionGasUsed,
    returned: bytesToHex(result.execResult.returnValue),
    logs: (result.execResult.logs ?? []).map(([address, topics, data]) => [bytesToHex(address), topics.map(bytesToHex), bytesToHex(data)]),
    slot1: bytesToHex(await vm.stateManager.getStorage(contract, setLengthLeft(Uint8Array.of(1), 32))),
  };
}

describe('installFastOpcodes', () => {
  it('replaces MSTORE, SLOAD and LOG0-LOG4 with handlers that give the same memory, logs, storage and gas', async () => {
    const upstream = await run(false);
    const fast = await run(true);
    expect(upstream.error).toBeUndefined();
    expect(upstream.logs).toHaveLength(5);
    expect(upstream.logs[4]![1]).toHaveLength(4);
    expect(fast).toEqual(upstream);
  });
});
