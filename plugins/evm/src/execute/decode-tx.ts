import type { Common } from '@ethereumjs/common';
import { createTxFromRLP, paramsTx, type TxOptions, type TypedTransaction } from '@ethereumjs/tx';
import { equalsBytes, unpadBytes, type Address } from '@ethereumjs/util';
import { keccak256 } from '../crypto/keccak.js';

const decodeOptions = new WeakMap<Common, { hardfork: string; options: TxOptions }>();

/**
 * Options for decoding transactions of a chain. `createTxFromRLP` copies the Common and merges the tx
 * params into it for every transaction (JSON deep copies and a params-cache rebuild: most of the decode
 * time); this merges them once into a copy that every decoded transaction shares (its copy and empty param
 * updates are no-ops). The copy keeps the chain's `customCrypto`, so recovery runs on native secp256k1
 * when available. Transactions decode unfrozen (`freeze: false`) so the caller can pin the recovered
 * sender before freezing them. Rebuilt when the chain's Common changes hardfork.
 */
export function txDecodeOptions(chainCommon: Common): TxOptions {
  const cached = decodeOptions.get(chainCommon);
  if (cached && cached.hardfork === chainCommon.hardfork()) return cached.options;
  let options: TxOptions;
  const common = chainCommon.copy();
  try {
    common.updateParams(paramsTx);
    common.param('txGas');
    common.copy = () => common;
    common.updateParams = (params) => {
      if (Object.keys(params).length > 0) throw new Error('the shared decode Common takes no new params');
    };
    options = { common, params: {}, freeze: false };
  } catch {
    options = { common: chainCommon, freeze: false };
  }
  decodeOptions.set(chainCommon, { hardfork: chainCommon.hardfork(), options });
  return options;
}

/** A decoded, signed transaction with its sender recovered once. */
export interface DecodedTx {
  readonly tx: TypedTransaction;
  readonly sender: Address;
}

/**
 * Decodes a raw signed transaction with the chain's rules and recovers its sender exactly once (the
 * Common's ecrecover), then pins the hash, the public key and the address on the frozen transaction so
 * that execution never recovers or hashes it again. Throws a plain Error saying what is wrong.
 */
export function decodeSignedTx(common: Common, raw: Uint8Array): DecodedTx {
  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(raw, txDecodeOptions(common));
  } catch (e) {
    throw new Error(`cannot be decoded: ${(e as Error).message}`);
  }
  if (!tx.isSigned()) throw new Error('is not signed');
  const canonical = tx.serialize();
  if (!equalsBytes(canonical, raw)) throw new Error('is not in canonical encoding');
  let key: Uint8Array;
  try {
    key = tx.getSenderPublicKey();
  } catch {
    throw new Error('has an invalid signature');
  }
  if (unpadBytes(key).length === 0) throw new Error('has an invalid signature');
  tx.cache.senderPubKey = key;
  tx.cache.hash = keccak256(canonical);
  const sender = tx.getSenderAddress();
  Object.defineProperty(tx, 'getSenderAddress', { value: () => sender });
  Object.freeze(tx);
  return { tx, sender };
}
