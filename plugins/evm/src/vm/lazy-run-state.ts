import { createHash } from 'node:crypto';
import { Account, createZeroAddress, type Address } from '@ethereumjs/util';
import { importEvmInternal } from './evm-internals.js';

/**
 * sha256 of `EVM.prototype.runInterpreter.toString()` in @ethereumjs/evm 10.1.x, the version copied below.
 * Any other source (another release) is left alone.
 */
const UPSTREAM_SHA256 = '1f4905264075376daed820fac392b3d077c2aa2d3767bed3d5e25e50b360d4ca';

/* eslint-disable @typescript-eslint/no-explicit-any -- a copy of untyped upstream internals */
type Any = any;

let installed: Promise<boolean> | undefined;

/**
 * @ethereumjs/evm's `runInterpreter` ends every call frame by merging the interpreter's run state, result
 * and environment into one new object (`runState: { ...runState, ...result, ...env }`, some 45 properties)
 * that nothing in the EVM or VM reads: about 7% of an ERC-20 transfer's execution here. This is upstream's
 * function with that one object built on first read (a getter), so a tracer that reads `runState` still
 * gets the same object. Patched only when upstream's source is exactly the one copied (checked by hash);
 * otherwise nothing changes (resolves to false).
 */
export function installLazyRunState(): Promise<boolean> {
  return (installed ??= patch());
}

async function patch(): Promise<boolean> {
  try {
    const evmModule = await importEvmInternal<Any>('evm.js');
    const Interpreter = (await importEvmInternal<Any>('interpreter.js'))?.Interpreter;
    const EVMError = (await importEvmInternal<Any>('errors.js'))?.EVMError;
    const proto = evmModule?.EVM?.prototype;
    const defaultBlock = evmModule?.defaultBlock;
    if (!proto || !Interpreter || !EVMError || typeof defaultBlock !== 'function') return false;
    const source = String(proto.runInterpreter);
    if (createHash('sha256').update(source).digest('hex') !== UPSTREAM_SHA256) return false;

    proto.runInterpreter = async function runInterpreter(this: Any, message: Any, opts: Any = {}) {
      let contract = await this.stateManager.getAccount(message.to ?? createZeroAddress());
      if (!contract) contract = new Account();
      const env = {
        address: (message.to as Address | undefined) ?? createZeroAddress(),
        caller: message.caller ?? createZeroAddress(),
        callData: message.data ?? Uint8Array.from([0]),
        callValue: message.value ?? 0n,
        code: message.code,
        isStatic: message.isStatic ?? false,
        isCreate: message.isCreate ?? false,
        depth: message.depth ?? 0,
        gasPrice: this._tx.gasPrice,
        origin: this._tx.origin ?? message.caller ?? createZeroAddress(),
        block: this._block ?? defaultBlock(),
        contract,
        codeAddress: message.codeAddress,
        gasRefund: message.gasRefund,
        chargeCodeAccesses: message.chargeCodeAccesses,
        blobVersionedHashes: message.blobVersionedHashes ?? [],
        accessWitness: message.accessWitness,
        createdAddresses: message.createdAddresses,
        initialLogs: opts.initialLogs,
      };
      const interpreter = new Interpreter(this, this.stateManager, this.blockchain, env, message.gasLimit, this.journal, this.performanceLogger, this._optsCached.profiler);
      if (message.selfdestruct) interpreter._result.selfdestruct = message.selfdestruct;
      if (message.createdAddresses) interpreter._result.createdAddresses = message.createdAddresses;
      const interpreterRes = await interpreter.run(message.code, opts);
      let result = interpreter._result;
      let gasUsed = message.gasLimit - interpreterRes.runState.gasLeft;
      if (interpreterRes.exceptionError) {
        if (
          interpreterRes.exceptionError.error !== EVMError.errorMessages.REVERT &&
          interpreterRes.exceptionError.error !== EVMError.errorMessages.INVALID_EOF_FORMAT
        ) {
          gasUsed = message.gasLimit;
        }
        result = { ...result, logs: [], selfdestruct: new Map(), createdAddresses: new Set() };
      }
      message.accessWitness?.commit();
      const out: Any = {
        ...result,
        exceptionError: interpreterRes.exceptionError,
        gas: interpreterRes.runState?.gasLeft,
        executionGasUsed: gasUsed,
        gasRefund: interpreterRes.runState.gasRefund,
        stateGasSpilled: interpreterRes.runState.stateGasSpilled,
        returnValue: result.returnValue ?? new Uint8Array(0),
      };
      let merged: Any;
      Object.defineProperty(out, 'runState', {
        enumerable: true,
        configurable: true,
        get: () => (merged ??= { ...interpreterRes.runState, ...result, ...interpreter._env }),
        set: (value: Any) => {
          merged = value;
        },
      });
      return out;
    };
    return true;
  } catch {
    return false;
  }
}
