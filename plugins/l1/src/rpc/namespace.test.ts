import { describe, expect, it } from 'vitest';
import { MetisError, type Batch, type ChainHead, type Finality, type SealedBlock } from '@metis/core';
import { settlementNamespace } from './namespace.js';

const root = `0x${'ab'.repeat(32)}` as const;
const batch = (index: bigint, first: bigint, last: bigint, status: Batch['status']): Batch => ({ index, firstBlock: first, lastBlock: last, stateRoot: root, blockHashes: [], status, commitment: '0xfeed' });
const finality: Finality = {
  safeBlock: () => 8n,
  finalizedBlock: () => 4n,
  batches: () => [batch(0n, 1n, 4n, 'finalized'), batch(1n, 5n, 8n, 'safe')],
};
const chain = { head: () => ({ number: 10n }) as SealedBlock } as ChainHead;
const ns = settlementNamespace(finality, chain);
const call = (method: string, ...params: unknown[]): unknown => ns.methods[method]!(params, { transport: 'http' });

describe('metis_ settlement methods', () => {
  it('reports a block as finalized, safe or unsafe with its batch', () => {
    expect(call('metis_batchStatus', '0x3')).toMatchObject({ block: '0x3', status: 'finalized', batch: { index: '0x0', firstBlock: '0x1', lastBlock: '0x4', l1Tx: '0xfeed' } });
    expect(call('metis_batchStatus', '0x5')).toMatchObject({ status: 'safe', batch: { index: '0x1', status: 'safe' } });
    expect(call('metis_batchStatus', '0xa')).toEqual({ block: '0xa', status: 'unsafe', batch: null });
    expect(call('metis_batchStatus')).toMatchObject({ block: '0xa', status: 'unsafe' });
  });

  it('refuses blocks past the head and malformed numbers with coded errors', () => {
    expect(() => call('metis_batchStatus', '0xb')).toThrow(MetisError);
    for (const bad of ['11', '0x', 'pending', 7, '0x0001']) {
      expect(() => call('metis_batchStatus', bad)).toThrowError(expect.objectContaining({ code: 'METIS-504' }));
    }
  });

  it('lists the recent batches', () => {
    expect((call('metis_batches') as unknown[]).map((b) => (b as { status: string }).status)).toEqual(['finalized', 'safe']);
  });
});
