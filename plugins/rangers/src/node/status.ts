import type { RpcNamespace } from '@metis/core';

/** What `metis_rangerStatus` reports. */
export interface RangerStatus {
  readonly role: 'ranger' | 'sequencer';
  readonly peerId: string;
  readonly multiaddrs: readonly string[];
  readonly connectedPeers: number;
  /** Connected peers with the gossipsub score this node gives them (rejected messages lower it). */
  readonly peers: readonly { peerId: string; score: number }[];
  /** A ranger's signing key and operator (the same key). */
  readonly signer?: string;
  /** Lowest batch not final on L1, as last read. */
  readonly firstOpenBatch: bigint;
  readonly l1Batches: bigint;
  /** Attestations collected for the open batches. */
  readonly attestations: readonly { batch: bigint; count: number }[];
  readonly certified: readonly { batch: bigint; signers: number; secondsAfterAppend?: number }[];
  readonly challenged: readonly bigint[];
  readonly equivocations: number;
}

const num = (n: bigint): string => `0x${n.toString(16)}`;

export function rangerStatusNamespace(status: () => RangerStatus | undefined): RpcNamespace {
  return {
    methods: {
      metis_rangerStatus: () => {
        const s = status();
        if (!s) return null;
        return {
          role: s.role,
          peerId: s.peerId,
          multiaddrs: s.multiaddrs,
          connectedPeers: s.connectedPeers,
          peers: s.peers.map((p) => ({ peerId: p.peerId, score: Math.round(p.score * 1000) / 1000 })),
          ...(s.signer ? { signer: s.signer } : {}),
          firstOpenBatch: num(s.firstOpenBatch),
          l1Batches: num(s.l1Batches),
          attestations: s.attestations.map((a) => ({ batch: num(a.batch), count: a.count })),
          certified: s.certified.map((c) => ({ batch: num(c.batch), signers: c.signers, ...(c.secondsAfterAppend === undefined ? {} : { secondsAfterAppend: c.secondsAfterAppend }) })),
          challenged: s.challenged.map(num),
          equivocations: s.equivocations,
        };
      },
    },
  };
}
