import { MetisError, type Batch, type ChainHead, type Finality, type RpcNamespace } from '@metis/core';

const quantity = (n: bigint): string => `0x${n.toString(16)}`;

function formatBatch(b: Batch): Record<string, unknown> {
  return {
    index: quantity(b.index),
    firstBlock: quantity(b.firstBlock),
    lastBlock: quantity(b.lastBlock),
    stateRoot: b.stateRoot,
    status: b.status,
    ...(b.withdrawalRoot ? { withdrawalRoot: b.withdrawalRoot } : {}),
    ...(b.depositCount !== undefined ? { depositCount: quantity(b.depositCount) } : {}),
    ...(b.dataHash ? { dataHash: b.dataHash } : {}),
    ...(b.commitment ? { l1Tx: b.commitment } : {}),
  };
}

function blockNumber(param: unknown, chain: ChainHead): bigint {
  if (param === 'latest' || param === undefined) return chain.head().number;
  if (typeof param === 'string' && /^0x(0|[1-9a-f][0-9a-f]{0,15})$/i.test(param)) return BigInt(param);
  throw new MetisError('RPC_INVALID_PARAMS', { reason: 'a block number (hex quantity) or "latest"' });
}

/**
 * `metis_` methods of the settlement, for wallets and dashboards: where a block stands (unsafe: not in a
 * batch on L1 yet; safe: in an appended batch; finalized: its batch is final on L1) and the recent batches.
 */
export function settlementNamespace(finality: Finality, chain: ChainHead): RpcNamespace {
  return {
    methods: {
      metis_batchStatus: (params) => {
        const n = blockNumber(params[0], chain);
        if (n > chain.head().number) throw new MetisError('RPC_BLOCK_NOT_FOUND', { block: quantity(n) });
        const batch = finality.batches().find((b) => b.firstBlock <= n && n <= b.lastBlock);
        const status = n <= finality.finalizedBlock() ? 'finalized' : n <= finality.safeBlock() ? 'safe' : 'unsafe';
        return { block: quantity(n), status, batch: batch ? formatBatch(batch) : null };
      },
      metis_batches: () => finality.batches().map(formatBatch),
    },
  };
}
