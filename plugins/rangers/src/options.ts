import { z } from 'zod';
import { txSenderOptionsSchema, weiSchema } from '@metis/l1';

const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a private key (0x and 64 hex digits)');
const multiaddr = z.string().regex(/^\//, 'a multiaddr (/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo...)');
const ETH = 10n ** 18n;

/**
 * Options of the rangers plugin. On a replica (`role: 'replica'`) the node is a ranger: it signs what its
 * re-execution of each batch gave, gossips it, certifies, challenges and reports equivocations, with its key.
 * On the sequencer it collects attestations and submits quorum certificates with the proposer's L1 key.
 */
export const rangersOptionsSchema = z.strictObject({
  /**
   * A ranger's key: signs attestations and is its operator on L1 (stake, challenges, certificates; needs ETH
   * for gas). Prefer `keyEnv` over writing a key in a config file.
   */
  key: privateKey.optional(),
  /** Name of the environment variable holding the ranger key. */
  keyEnv: z.string().min(1).default('METIS_RANGER_KEY'),
  /** libp2p listen addresses of the attestation gossip (TCP). */
  listen: z.array(multiaddr).min(1).default(['/ip4/127.0.0.1/tcp/0']),
  /** Peers to dial besides the rangers registered on L1 (multiaddrs ending in /p2p/<peer id>). */
  peers: z.array(multiaddr).default([]),
  /**
   * The address registered on L1 for this ranger (what others dial): default the first listen address with
   * its port and peer id. Set it when the node is reached through another address.
   */
  announce: multiaddr.optional(),
  /** A ranger not registered yet registers at start with this ETH stake (wei). Devnets; without it, register by hand. */
  stake: weiSchema.optional(),
  /**
   * The sequencer sets the chain's ranger settings at start if nobody did (devnets; needs the chain owner's
   * key, which `metis dev` uses as proposer).
   */
  configure: z
    .strictObject({
      /** Least stake that counts (wei). */
      minStake: weiSchema.default(ETH),
      /** Seconds between an unstake request and the withdrawal. */
      unbondingDelay: z.number().int().min(1).default(3_600),
    })
    .optional(),
  /** Wei a ranger posts when it challenges a batch; 0 = the contract's minimum. */
  challengeBond: weiSchema.default(0n),
  /** A ranger that sees a quorum waits this long for the sequencer to submit the certificate before doing it. */
  certifyDelayMs: z.number().int().min(0).default(3_000),
  /** Milliseconds between two looks at L1 (new batches, finality, disputes). */
  pollIntervalMs: z.number().int().min(50).default(1_000),
  /** Milliseconds between two reads of the registered rangers (peers to dial). */
  peerRefreshMs: z.number().int().min(100).default(5_000),
  /** L1 transactions of a ranger (fee bumps, retries). */
  sender: txSenderOptionsSchema,
});

export type RangersOptions = z.output<typeof rangersOptionsSchema>;
export type RangersOptionsInput = z.input<typeof rangersOptionsSchema>;
