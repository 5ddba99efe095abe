import { importEvmInternal } from './evm-internals.js';

type Analysis = { jumps: Uint8Array; pushes: Record<number, bigint>; opcodesCached: unknown[] };
interface InterpreterProto {
  _getValidJumpDestinations(this: InterpreterLike, code: Uint8Array): Analysis;
}
interface InterpreterLike {
  _evm: { _opcodeMap: object };
}

/** Per opcode table (one per EVM configuration), per code buffer: the interpreter's jump analysis. */
const cache = new WeakMap<object, WeakMap<Uint8Array, Analysis>>();
let installed: Promise<boolean> | undefined;

/**
 * @ethereumjs/evm re-analyses a contract's code (jump destinations, push values, opcode table: a pass over
 * every byte) on every call into it; an ERC-20 transfer spends about 5% of its execution there. This
 * memoizes the analysis per code buffer (the state manager's code cache hands out the same buffer for an
 * account's code) and per opcode table. The results are only read by the interpreter, never written.
 *
 * The interpreter is internal to @ethereumjs/evm, so this patches its prototype through the module's file;
 * if the layout changes, nothing is patched and execution runs unchanged (resolves to false).
 */
export function installJumpAnalysisCache(): Promise<boolean> {
  return (installed ??= patch());
}

async function patch(): Promise<boolean> {
  try {
    const mod = await importEvmInternal<{ Interpreter?: { prototype: InterpreterProto } }>('interpreter.js');
    const proto = mod?.Interpreter?.prototype;
    const original = proto?._getValidJumpDestinations;
    if (!proto || typeof original !== 'function') return false;
    proto._getValidJumpDestinations = function cachedJumpDestinations(this: InterpreterLike, code: Uint8Array): Analysis {
      const table = this._evm._opcodeMap;
      let perCode = cache.get(table);
      if (!perCode) cache.set(table, (perCode = new WeakMap()));
      let analysis = perCode.get(code);
      if (!analysis) perCode.set(code, (analysis = original.call(this, code)));
      return analysis;
    };
    return true;
  } catch {
    return false;
  }
}
