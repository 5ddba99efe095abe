import type { VM } from '@ethereumjs/vm';

interface RunState {
  stack: { popN(n: number): bigint[]; pop(): bigint; push(v: bigint): void };
  memory: { write(offset: number, size: number, value: Uint8Array): void; read(offset: number, size: number): Uint8Array };
  opCode: number;
  interpreter: {
    log(data: Uint8Array, count: number, topics: Uint8Array[]): void;
    storageLoad(key: Uint8Array): Promise<Uint8Array>;
  };
}
type Handler = (runState: RunState, common: unknown) => unknown;
interface OpEntry {
  opcodeInfo: { name: string };
  opHandler: Handler;
}

/** A word as 32 big-endian bytes, without the hex string round trip of `setLengthLeft(bigIntToBytes(w), 32)`. */
export function wordBytes(word: bigint, out = new Uint8Array(32)): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset, 32);
  // setBigUint64 keeps the low 64 bits of its argument.
  view.setBigUint64(0, word >> 192n);
  view.setBigUint64(8, word >> 128n);
  view.setBigUint64(16, word >> 64n);
  view.setBigUint64(24, word);
  return out;
}

/** The value of big-endian bytes (at most 32), without a hex string. */
export function bytesValue(bytes: Uint8Array): bigint {
  let value = 0n;
  let i = 0;
  for (; i + 8 <= bytes.length; i += 8) {
    value = (value << 64n) | new DataView(bytes.buffer, bytes.byteOffset + i, 8).getBigUint64(0);
  }
  for (; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

const scratch = new Uint8Array(32);

/** Same effects as upstream, word conversions done on bytes. Keyed by opcode; names checked before patching. */
const handlers: Record<number, { name: string; handler: Handler }> = {
  0x52: {
    name: 'MSTORE',
    handler(runState) {
      const [offset, word] = runState.stack.popN(2) as [bigint, bigint];
      // memory.write copies the bytes, so one scratch buffer serves every call.
      runState.memory.write(Number(offset), 32, wordBytes(word, scratch));
    },
  },
  0x54: {
    name: 'SLOAD',
    async handler(runState) {
      const key = runState.stack.pop();
      const value = await runState.interpreter.storageLoad(wordBytes(key));
      runState.stack.push(value.length ? bytesValue(value) : 0n);
    },
  },
};
for (let count = 0; count <= 4; count++) {
  handlers[0xa0 + count] = {
    name: 'LOG',
    handler(runState) {
      const [memOffset, memLength] = runState.stack.popN(2) as [bigint, bigint];
      const topicsCount = runState.opCode - 0xa0;
      const topics = runState.stack.popN(topicsCount).map((t) => wordBytes(t));
      const data = memLength !== 0n ? runState.memory.read(Number(memOffset), Number(memLength)) : new Uint8Array(0);
      runState.interpreter.log(data, topicsCount, topics);
    },
  };
}

/**
 * Swaps the handlers of MSTORE, SLOAD and LOG0-LOG4 in a VM's opcode table for ones that convert stack
 * words to bytes directly. @ethereumjs/evm goes bigint → hex string → bytes → left-padded copy for every
 * word (`setLengthLeft(bigIntToBytes(w), 32)`): with the value conversions, about a tenth of an ERC-20
 * transfer's execution time. Gas, checks and state access stay upstream's (only the handlers change, and
 * only for opcodes whose name matches). Returns how many handlers were replaced; the table is rebuilt (and
 * this undone) if the Common's hardfork changes, which a chain's never does.
 */
export function installFastOpcodes(vm: VM): number {
  const table = (vm.evm as unknown as { _opcodeMap?: (OpEntry | undefined)[] })._opcodeMap;
  if (!Array.isArray(table)) return 0;
  let replaced = 0;
  for (const [code, { name, handler }] of Object.entries(handlers)) {
    const entry = table[Number(code)];
    if (entry?.opcodeInfo.name !== name || typeof entry.opHandler !== 'function') continue;
    entry.opHandler = handler;
    replaced++;
  }
  return replaced;
}
