import { describe, expect, it } from 'vitest';
import type { Signer } from 'ethers';
import type { Hex } from '@metis/core';
import { withdrawalHash, type Withdrawal } from '@metis/l1';
import { SdkError, isSdkError } from './errors.js';
import { relayWithdrawals, type RelayEvent, type RelayOps, type RelayOptions } from './relayer.js';
import type { FinalizedWithdrawal, WithdrawalState, WithdrawalStatus } from './status.js';
import type { L2Withdrawal } from './withdrawals.js';

const SENDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OTHER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

const item = (nonce: number, sender = SENDER, l2Block = 10 + nonce): L2Withdrawal => {
  const withdrawal: Withdrawal = { nonce: BigInt(nonce), sender: sender.toLowerCase() as Hex, to: sender.toLowerCase() as Hex, l1Token: `0x${'00'.repeat(20)}` as Hex, amount: 1n };
  return { withdrawal, hash: withdrawalHash(withdrawal), l2Block, l2TxHash: `0x${String(nonce).padStart(64, '0')}` };
};

const options = (over: Partial<RelayOptions> = {}): RelayOptions => ({
  l1Signer: { provider: {} } as unknown as Signer,
  l2Provider: {} as never,
  contracts: { batchInbox: SENDER, bridge: SENDER, chainRegistry: SENDER },
  chainId: 1337,
  senders: [SENDER],
  pollMs: 1,
  ...over,
});

/** Ops over a scripted chain: `states[round][nonce]`; withdrawals appear at their block. */
function scripted(all: L2Withdrawal[], states: Array<Record<number, WithdrawalState>>, heads: number[], over: Partial<RelayOps> = {}) {
  let round = -1;
  const finalizedBy: bigint[] = [];
  const listed: Array<[string, number, number]> = [];
  const ops: RelayOps = {
    head: async () => heads[Math.min(round + 1, heads.length - 1)]!,
    list: async (sender, from, to) => {
      listed.push([sender, from, to]);
      return all.filter((w) => w.withdrawal.sender === sender.toLowerCase() && w.l2Block >= from && w.l2Block <= to);
    },
    round: () => {
      round++;
      const table = states[Math.min(round, states.length - 1)]!;
      return { status: async (w) => ({ ...w, status: table[Number(w.withdrawal.nonce)] ?? 'unsafe', ...(table[Number(w.withdrawal.nonce)] === 'finalizable' ? { batchIndex: 0n, proof: [] } : {}) }) as WithdrawalStatus };
    },
    finalize: async (s) => {
      finalizedBy.push(s.withdrawal.nonce);
      return { ...s, l1TxHash: '0xabc', l1Block: 1, batchIndex: 0n } as FinalizedWithdrawal;
    },
    sleep: async () => undefined,
    ...over,
  };
  return { ops, finalizedBy, listed, rounds: () => round + 1 };
}

describe('relayWithdrawals', () => {
  it('finalizes each watched withdrawal once, as soon as it is finalizable, and only the senders asked for', async () => {
    const all = [item(0), item(1), item(2, OTHER)];
    const { ops, finalizedBy, listed } = scripted(
      all,
      [
        { 0: 'unsafe', 1: 'unsafe', 2: 'finalizable' },
        { 0: 'safe', 1: 'unsafe', 2: 'finalizable' },
        { 0: 'finalizable', 1: 'safe', 2: 'finalizable' },
        { 0: 'finalized', 1: 'finalizable', 2: 'finalizable' },
      ],
      [10, 11, 11, 20],
    );
    const controller = new AbortController();
    const events: RelayEvent[] = [];
    const report = await relayWithdrawals(
      options({
        signal: controller.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'finalized' && e.result.withdrawal.nonce === 1n) controller.abort();
        },
      }),
      ops,
    );
    expect(finalizedBy).toEqual([0n, 1n]);
    expect(report.finalized.map((f) => f.withdrawal.nonce)).toEqual([0n, 1n]);
    expect(report.pending).toEqual([]);
    expect(report.errors).toBe(0);
    expect(events.filter((e) => e.type === 'found').map((e) => (e as { withdrawal: L2Withdrawal }).withdrawal.withdrawal.nonce)).toEqual([0n, 1n]);
    // Each range is listed once: 0..10, 11..11, (head unchanged: nothing), 12..20.
    expect(listed).toEqual([
      [SENDER, 0, 10],
      [SENDER, 11, 11],
      [SENDER, 12, 20],
    ]);
  });

  it('with once, runs one round and reports what still waits', async () => {
    const { ops, finalizedBy, rounds } = scripted([item(0), item(1)], [{ 0: 'finalizable', 1: 'safe' }], [50]);
    const report = await relayWithdrawals(options({ once: true }), ops);
    expect(rounds()).toBe(1);
    expect(finalizedBy).toEqual([0n]);
    expect(report.pending.map((p) => p.withdrawal.nonce)).toEqual([1n]);
    expect(report.rounds).toBe(1);
  });

  it('drops a withdrawal someone else finalized, and keeps going after errors', async () => {
    let calls = 0;
    const { ops } = scripted([item(0), item(1)], [{ 0: 'finalizable', 1: 'finalizable' }], [50], {
      finalize: async (s) => {
        calls++;
        if (s.withdrawal.nonce === 0n) throw new SdkError('NOT_FINALIZABLE', 'withdrawal 0 was already finalized (paid on L1)');
        if (calls < 3) throw new Error('L1 hiccup');
        return { ...s, l1TxHash: '0xdef', l1Block: 2, batchIndex: 0n } as FinalizedWithdrawal;
      },
    });
    const controller = new AbortController();
    const events: RelayEvent[] = [];
    const report = await relayWithdrawals(
      options({ signal: controller.signal, onEvent: (e) => (events.push(e), e.type === 'finalized' && controller.abort()) }),
      ops,
    );
    expect(events.map((e) => e.type)).toEqual(['found', 'found', 'already-finalized', 'error', 'finalized']);
    expect(report.errors).toBe(1);
    expect(report.finalized.map((f) => f.withdrawal.nonce)).toEqual([1n]);
  });

  it('validates its arguments before doing anything', async () => {
    const { ops } = scripted([], [{}], [0]);
    for (const bad of [{ senders: [] }, { senders: ['nope'] }, { chainId: 0 }, { l1Signer: {} as Signer }, { fromBlock: -1 }]) {
      const error = await relayWithdrawals(options({ once: true, ...bad }), ops).catch((e: unknown) => e);
      expect(isSdkError(error, 'INVALID_ARGUMENT'), JSON.stringify(Object.keys(bad))).toBe(true);
    }
  });
});
