import type { NodeRole, RpcNamespace } from '@metis/core';
import type { DerivationProblem, ReplicaStatus } from './deriver.js';

/** Where a node stands: its role, head, safe and finalized blocks, L1 batches, and why a replica waits or stopped. */
export type SyncStatus = ReplicaStatus & { readonly role: NodeRole };

const num = (n: bigint): string => `0x${n.toString(16)}`;
const problem = (p: DerivationProblem) => ({ batch: num(p.batch), code: p.code, reason: p.reason });

/** The JSON form: heights and indices as hex quantities, as in the eth_ namespace. */
export function syncStatusJson(s: SyncStatus): Record<string, unknown> {
  return {
    role: s.role,
    head: num(s.head),
    safe: num(s.safe),
    finalized: num(s.finalized),
    l1BatchesSeen: num(s.l1BatchesSeen),
    ...(s.waitingFor ? { waitingFor: { batch: num(s.waitingFor.batch), reason: s.waitingFor.reason } } : {}),
    ...(s.mismatch ? { mismatch: problem(s.mismatch) } : {}),
    ...(s.invalid ? { invalid: problem(s.invalid) } : {}),
  };
}

/** `metis_syncStatus`: the node's sync status for operators (see {@link syncStatusJson}). */
export function syncStatusNamespace(status: () => SyncStatus): RpcNamespace {
  return { methods: { metis_syncStatus: () => syncStatusJson(status()) } };
}
