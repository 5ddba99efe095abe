import type { Batch, Hex } from '@metis/core';
import { MemoryDatastore } from 'datastore-core';
import type { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { dataCid } from './dag.js';
import { Retention } from './retention.js';

const HOUR = 3_600_000;
const hash = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}` as Hex;
const cidOf = (n: number): Promise<CID> => dataCid(Uint8Array.of(n), 16);
const batch = (index: number, status: Batch['status'], dataHash?: Hex): Batch => ({
  index: BigInt(index),
  firstBlock: BigInt(index),
  lastBlock: BigInt(index),
  stateRoot: hash(0),
  blockHashes: [],
  status,
  ...(dataHash ? { dataHash } : {}),
});

function setup(datastore = new MemoryDatastore(), options = { afterFinalizedMs: HOUR }) {
  const clock = { now: 1_000_000 };
  const unpinned: string[] = [];
  const pinned: string[] = [];
  let gcs = 0;
  const retention = new Retention({
    datastore,
    pin: async (cid) => {
      pinned.push(cid.toString());
    },
    unpin: async (cid) => {
      unpinned.push(cid.toString());
    },
    collectGarbage: async () => {
      gcs++;
    },
    options,
    now: () => clock.now,
  });
  return { retention, clock, pinned, unpinned, datastore, gcs: () => gcs };
}

describe('Retention', () => {
  it('keeps data pinned until its batch has been finalized for afterFinalizedMs, then unpins it and collects garbage', async () => {
    const { retention, clock, unpinned, gcs } = setup();
    const [c1, c2] = [await cidOf(1), await cidOf(2)];
    await retention.keep(c1, hash(1));
    clock.now += 10;
    await retention.keep(c2, hash(2));
    await retention.onBatch(batch(0, 'safe', hash(1)));
    await retention.onBatch(batch(1, 'safe', hash(2)));
    clock.now += 10 * HOUR;
    expect(await retention.sweep()).toBe(0); // safe is not final
    await retention.onBatch(batch(0, 'finalized', hash(1)));
    clock.now += HOUR - 1;
    expect(await retention.sweep()).toBe(0);
    clock.now += 1;
    expect(await retention.sweep()).toBe(1);
    expect(unpinned).toEqual([c1.toString()]);
    expect(gcs()).toBe(1);
    expect(retention.records().map((r) => r.cid)).toEqual([c2.toString()]);
  });

  it('finalizes earlier batches with a later one (events missed while down), and untied data pinned before it', async () => {
    const { retention, clock, unpinned } = setup();
    const [orphan, c1, c2, c3] = [await cidOf(9), await cidOf(1), await cidOf(2), await cidOf(3)];
    await retention.keep(orphan, hash(9)); // published for an append that failed
    clock.now += 1;
    await retention.keep(c1, hash(1));
    await retention.onBatch(batch(1, 'safe', hash(1)));
    clock.now += 1;
    await retention.keep(c2, hash(2));
    await retention.onBatch(batch(2, 'safe', hash(2)));
    clock.now += 1;
    await retention.keep(c3, hash(3)); // published, its batch event not seen yet
    await retention.onBatch(batch(2, 'finalized', hash(2)));
    clock.now += HOUR;
    expect(await retention.sweep()).toBe(3);
    expect(unpinned.sort()).toEqual([orphan, c1, c2].map(String).sort());
    expect(retention.records().map((r) => r.cid)).toEqual([c3.toString()]);
  });

  it('ignores batches without a data hash and events for data it does not hold', async () => {
    const { retention, clock } = setup();
    const c1 = await cidOf(1);
    await retention.keep(c1, hash(1));
    await retention.onBatch(batch(5, 'finalized'));
    await retention.onBatch(batch(6, 'finalized', hash(7)));
    clock.now += 2 * HOUR;
    expect(await retention.sweep()).toBe(0);
  });

  it('persists its records: a new instance over the same datastore unpins what the old one was told', async () => {
    const datastore = new MemoryDatastore();
    const first = setup(datastore);
    const [c1, c2] = [await cidOf(1), await cidOf(2)];
    await first.retention.keep(c1, hash(1));
    first.clock.now += 1;
    await first.retention.keep(c2, hash(2));
    await first.retention.onBatch(batch(0, 'safe', hash(1)));
    await first.retention.onBatch(batch(0, 'finalized', hash(1)));
    await first.retention.stop();

    const second = setup(datastore);
    second.clock.now = first.clock.now + HOUR;
    await second.retention.load();
    expect(second.retention.records().map((r) => [r.cid, r.batch, r.finalizedAt !== undefined])).toEqual([
      [c1.toString(), '0', true],
      [c2.toString(), undefined, false],
    ]);
    expect(await second.retention.sweep()).toBe(1);
    expect(second.unpinned).toEqual([c1.toString()]);
    const third = setup(datastore);
    await third.retention.load();
    expect(third.retention.records().map((r) => r.cid)).toEqual([c2.toString()]);
  });

  it('never unpins with keepForever', async () => {
    const { retention, clock } = setup(new MemoryDatastore(), { afterFinalizedMs: 0, keepForever: true } as never);
    const c1 = await cidOf(1);
    await retention.keep(c1, hash(1));
    await retention.onBatch(batch(0, 'finalized', hash(1)));
    clock.now += 100 * HOUR;
    expect(await retention.sweep()).toBe(0);
  });

  it('pins data again after its batch was finalized with a fresh record (a re-publish)', async () => {
    const { retention, clock } = setup();
    const c1 = await cidOf(1);
    await retention.keep(c1, hash(1));
    await retention.onBatch(batch(0, 'finalized', hash(1)));
    clock.now += 10;
    await retention.keep(c1, hash(1));
    clock.now += 2 * HOUR;
    expect(await retention.sweep()).toBe(0);
    expect(retention.records()[0]!.finalizedAt).toBeUndefined();
  });

  it('pins through its pin function, and applies events fired without waiting (as the plugin does) in order', async () => {
    const { retention, clock, pinned } = setup();
    const [c1, c2] = [await cidOf(1), await cidOf(2)];
    void retention.keep(c1, hash(1));
    clock.now += 1;
    void retention.keep(c2, hash(2));
    void retention.onBatch(batch(0, 'safe', hash(1)));
    void retention.onBatch(batch(1, 'safe', hash(2)));
    void retention.onBatch(batch(0, 'finalized', hash(1)));
    await retention.onBatch(batch(1, 'finalized', hash(2)));
    expect(pinned).toEqual([c1.toString(), c2.toString()]);
    expect(retention.records().map((r) => [r.batch, r.finalizedAt !== undefined])).toEqual([
      ['0', true],
      ['1', true],
    ]);
  });
});
