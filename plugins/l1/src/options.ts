import { z } from 'zod';
import { txSenderOptionsSchema, weiSchema } from './l1/options.js';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address (0x and 40 hex digits)');
const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a private key (0x and 64 hex digits)');

/** Where the Metis L1 contracts are (written by `metis deploy` / `metis dev`). */
export const l1ContractsSchema = z.strictObject({
  chainRegistry: address,
  bondManager: address,
  batchInbox: address,
  bridge: address,
  dataInbox: address,
  /** The DA challenge of IPFS chains; absent in deployment files written before it existed. */
  daChallenge: address.optional(),
  /** The rangers' stake table (the EIP-712 verifyingContract of attestations); absent in older deployment files. */
  rangerRegistry: address.optional(),
  /** The rangers' quorum certificates (early finality); absent in older deployment files. */
  rangerCertifier: address.optional(),
  /** The rangers' state-root disputes and equivocation reports; absent in older deployment files. */
  rangerDisputes: address.optional(),
  /** The L1 block the contracts were deployed in (deposit scanning starts there). */
  startBlock: z.number().int().min(0).default(0),
});
export type L1Contracts = z.output<typeof l1ContractsSchema>;

export const l1OptionsSchema = z.strictObject({
  /** JSON-RPC URL of the L1 (HTTP). */
  rpcUrl: z.url({ protocol: /^https?$/ }),
  /** The L1 contracts: inline, or the path of the JSON file `metis deploy` wrote (relative to the working directory). */
  contracts: z.union([l1ContractsSchema, z.string().min(1)]),
  /**
   * Key of the proposer (appends batches, pays L1 gas). Needed by a sequencer; a replica has none.
   * Prefer `proposerKeyEnv` over writing a key in a config file.
   */
  proposerKey: privateKey.optional(),
  /** Name of an environment variable holding the proposer key. */
  proposerKeyEnv: z.string().min(1).default('METIS_PROPOSER_KEY'),
  /** L1 blocks a deposit must be buried under before the chain credits it. */
  confirmations: z.number().int().min(0).max(1_000).default(2),
  /** Re-scan depth when a reorg deeper than `confirmations` is noticed. */
  reorgDepth: z.number().int().min(1).max(10_000).default(64),
  /** Milliseconds between L1 polls (deposits, finality, batches for replicas). */
  pollInterval: z.number().int().min(50).default(1_000),
  /** Most L1 blocks per eth_getLogs request. */
  maxLogRange: z.number().int().min(1).max(100_000).default(2_000),
  batch: z
    .strictObject({
      /** A batch is posted once this many blocks wait... */
      maxBlocks: z.number().int().min(1).max(10_000).default(20),
      /** ...or once the oldest waiting block has waited this many milliseconds. */
      maxAge: z.number().int().min(100).default(5_000),
      /** ...and holds fewer blocks when its encoded data would exceed this many bytes. */
      maxBytes: z.number().int().min(1_000).max(16 * 1024 * 1024).default(120_000),
    })
    .prefault({}),
  /** L1 transaction submission (fee bumps, retries, confirmations before a batch counts as safe). */
  sender: txSenderOptionsSchema,
  /**
   * Registers the chain on L1 at start when it is not registered yet, and bonds the proposer: for devnets
   * (`metis dev`). The genesis state root registered is the node's own.
   */
  register: z
    .strictObject({
      /** Seconds before a batch is final. */
      challengeWindow: z.number().int().min(0).default(10),
      /** Wei the proposer must keep bonded. */
      minBond: weiSchema.default(10n ** 18n),
      /** Wei the proposer bonds at registration (at least minBond). */
      bond: weiSchema.default(10n ** 18n),
      /** L1 blocks within which deposits must be credited. */
      inclusionWindow: z.number().int().min(1).default(100),
    })
    .optional(),
});

export type L1OptionsInput = z.input<typeof l1OptionsSchema>;
export type L1Options = z.output<typeof l1OptionsSchema>;
