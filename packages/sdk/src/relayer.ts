import type { Provider, Signer } from 'ethers';
import type { Hex } from '@metis/core';
import type { L1Contracts } from './contracts.js';
import { invalidArgument, isSdkError } from './errors.js';
import { l2WithdrawalSource, settlementReader, statusOf, submitFinalization, type FinalizedWithdrawal, type WithdrawalStatus } from './status.js';
import { toAddress, toBlockNumber, toChainId } from './validate.js';
import { listWithdrawals, type L2Withdrawal } from './withdrawals.js';

/** What the relayer did, as it happens. */
export type RelayEvent =
  /** A new withdrawal of a watched sender was seen on L2. */
  | { readonly type: 'found'; readonly withdrawal: L2Withdrawal }
  /** The relayer paid it on L1. */
  | { readonly type: 'finalized'; readonly result: FinalizedWithdrawal }
  /** Someone else paid it on L1 first: it is no longer watched. */
  | { readonly type: 'already-finalized'; readonly withdrawal: L2Withdrawal }
  /** A round's step failed; the relayer keeps going (the withdrawal stays pending). */
  | { readonly type: 'error'; readonly error: unknown; readonly withdrawal?: L2Withdrawal };

/** The relayer's steps, replaceable in tests. */
export interface RelayOps {
  /** The L2 head. */
  head(): Promise<number>;
  /** The withdrawals `sender` started in blocks from..to. */
  list(sender: string, fromBlock: number, toBlock: number): Promise<L2Withdrawal[]>;
  /** A status reader for one round (consistent reads of one L1 block). */
  round(): { status(w: L2Withdrawal): Promise<WithdrawalStatus> };
  finalize(status: WithdrawalStatus): Promise<FinalizedWithdrawal>;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface RelayOptions {
  /** Signs and pays the finalizations on L1 (connected to the L1 provider). */
  readonly l1Signer: Signer;
  readonly l2Provider: Provider;
  readonly contracts: Pick<L1Contracts, 'batchInbox' | 'bridge' | 'chainRegistry'>;
  readonly chainId: bigint | number;
  /** The L2 accounts whose withdrawals are finalized. */
  readonly senders: readonly string[];
  /** First L2 block to look for withdrawals (default 0). */
  readonly fromBlock?: number;
  /** Milliseconds between rounds (default 2,000). */
  readonly pollMs?: number;
  /** Stops the loop (the current round finishes its transaction first). */
  readonly signal?: AbortSignal;
  /** One round only: finalize what is finalizable now, then return. */
  readonly once?: boolean;
  readonly onEvent?: (event: RelayEvent) => void;
  /** Most L2 blocks per eth_getLogs request (default 10,000). */
  readonly maxLogRange?: number;
}

/** What a relayer run did. */
export interface RelayReport {
  readonly finalized: FinalizedWithdrawal[];
  /** Withdrawals still waiting (unsafe or safe) when it stopped. */
  readonly pending: L2Withdrawal[];
  /** Rounds run. */
  readonly rounds: number;
  /** Errors seen (each also reported as an 'error' event). */
  readonly errors: number;
}

function defaultOps(options: RelayOptions): RelayOps {
  const source = l2WithdrawalSource({ l2Provider: options.l2Provider, ...(options.maxLogRange ? { maxLogRange: options.maxLogRange } : {}) });
  const l1Provider = options.l1Signer.provider!;
  return {
    head: () => options.l2Provider.getBlockNumber(),
    list: (sender, fromBlock, toBlock) =>
      listWithdrawals({ l2Provider: options.l2Provider, sender, fromBlock, toBlock, ...(options.maxLogRange ? { maxLogRange: options.maxLogRange } : {}) }),
    round: () => {
      const reader = settlementReader({ l1Provider, contracts: options.contracts, chainId: options.chainId });
      return { status: (w) => statusOf(reader, source, w) };
    },
    finalize: (status) => submitFinalization({ l1Signer: options.l1Signer, contracts: options.contracts, chainId: options.chainId, status }),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
      }),
  };
}

/**
 * An automatic relayer: watches the withdrawals of `senders` on L2 and finalizes each on L1 as soon as its
 * batch is final, until `signal` aborts (or after one round with `once`). Each withdrawal is finalized at most
 * once by this relayer; one finalized by someone else is dropped. Failures are reported as events and retried
 * next round, so a flaky endpoint does not stop it.
 * @param replaced the steps, for tests (default: the sdk's, over `options`' providers)
 * @throws SdkError INVALID_ARGUMENT (bad senders, chain id, a signer without provider)
 */
export async function relayWithdrawals(options: RelayOptions, replaced?: RelayOps): Promise<RelayReport> {
  if (!options.l1Signer?.provider) throw invalidArgument('l1Signer must be connected to the L1 provider');
  toChainId(options.chainId);
  const senders = [...new Set(options.senders.map((s) => toAddress(s, 'senders[]')))];
  if (senders.length === 0) throw invalidArgument('senders must name at least one L2 account');
  let cursor = toBlockNumber(options.fromBlock ?? 0, 'fromBlock');
  const pollMs = options.pollMs ?? 2_000;
  const ops = replaced ?? defaultOps(options);
  const emit = (e: RelayEvent): void => options.onEvent?.(e);
  const pending = new Map<Hex, L2Withdrawal>();
  const finalized: FinalizedWithdrawal[] = [];
  let rounds = 0;
  let errors = 0;
  const failed = (error: unknown, withdrawal?: L2Withdrawal): void => {
    errors++;
    emit({ type: 'error', error, ...(withdrawal ? { withdrawal } : {}) });
  };

  while (!options.signal?.aborted) {
    rounds++;
    try {
      const head = await ops.head();
      if (head >= cursor) {
        for (const sender of senders) {
          for (const w of await ops.list(sender, cursor, head)) {
            if (pending.has(w.hash)) continue;
            pending.set(w.hash, w);
            emit({ type: 'found', withdrawal: w });
          }
        }
        cursor = head + 1;
      }
    } catch (e) {
      failed(e); // the same range is listed again next round
    }
    const round = ops.round();
    for (const w of [...pending.values()]) {
      if (options.signal?.aborted) break;
      try {
        const status = await round.status(w);
        if (status.status === 'finalized') {
          pending.delete(w.hash);
          emit({ type: 'already-finalized', withdrawal: w });
        } else if (status.status === 'finalizable') {
          const result = await ops.finalize(status);
          pending.delete(w.hash);
          finalized.push(result);
          emit({ type: 'finalized', result });
        }
      } catch (e) {
        if (isSdkError(e, 'NOT_FINALIZABLE')) {
          // finalized by someone else between the status and our transaction
          pending.delete(w.hash);
          emit({ type: 'already-finalized', withdrawal: w });
        } else failed(e, w);
      }
    }
    if (options.once) break;
    await ops.sleep(pollMs, options.signal);
  }
  return { finalized, pending: [...pending.values()], rounds, errors };
}
