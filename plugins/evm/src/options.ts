import { z } from 'zod';
import { DEFAULT_DEPOSIT_GAS_LIMIT, L2_BRIDGE, SYSTEM_CALLER } from './constants.js';

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, 'expected 0x-prefixed hex');
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte 0x address');
/** A non-negative integer given as bigint, number or decimal/hex string. */
const quantity = z
  .union([z.bigint(), z.number().int(), z.string().regex(/^(0x[0-9a-fA-F]+|\d+)$/, 'expected an integer')])
  .transform((v) => BigInt(v))
  .refine((v) => v >= 0n, 'must not be negative');

export const genesisAccountSchema = z.object({
  balance: quantity,
  nonce: quantity.optional(),
  code: hex.optional(),
  storage: z.record(hex, hex).optional(),
});

export const evmOptionsSchema = z.object({
  genesis: z
    .object({
      alloc: z.record(address, genesisAccountSchema).default({}),
      timestamp: quantity.default(0n),
      gasLimit: quantity.refine((v) => v >= 5_000n, 'block gas limit below 5000').default(30_000_000n),
      baseFeePerGas: quantity.default(1_000_000_000n),
      extraData: hex.refine((v) => v.length <= 66, 'at most 32 bytes').default('0x'),
    })
    .prefault({}),
  /** Receives priority fees. */
  coinbase: address.default('0x0000000000000000000000000000000000000000'),
  /** Gas cap for eth_call and eth_estimateGas. */
  callGasCap: quantity.default(50_000_000n),
  /** Most blocks one eth_getLogs may span. */
  maxLogRange: z.number().int().positive().default(10_000),
  /** Most logs one eth_getLogs may return. */
  maxLogResults: z.number().int().positive().default(10_000),
  /** eth_feeHistory: most blocks per request. */
  maxFeeHistory: z.number().int().positive().default(1024),
  /** L1 deposits are `finalizeDeposit` calls to this contract (the L2 bridge predeploy). */
  l2Bridge: address.default(L2_BRIDGE),
  /** The caller of deposit calls: no key exists for it; native deposits are minted to it first. */
  systemCaller: address.default(SYSTEM_CALLER),
  /** Gas each deposit call gets; a deposit that runs out is consumed and credits nothing. */
  depositGasLimit: quantity.refine((v) => v >= 21_000n && v <= 1_000_000_000n, 'between 21000 and 1e9').default(DEFAULT_DEPOSIT_GAS_LIMIT),
});

export type EvmOptions = z.output<typeof evmOptionsSchema>;
export type EvmOptionsInput = z.input<typeof evmOptionsSchema>;
