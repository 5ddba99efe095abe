import type { FinalizedWithdrawal, TokenMetadata, WithdrawalStatus } from '@metis/sdk';
import { usageError } from '../errors.js';
import { println } from '../io.js';
import { Connections, ZERO_ADDRESS, bridgeCommand, chooseChainId, describeAmount, loadSdk, openDeployment, printJson } from './bridge-common.js';
import type { CommandContext } from './context.js';
import { USER_KEY_ENV } from './deposit.js';
import { loadWallet, type KeyOptions } from './signer.js';

export interface WithdrawalsCommandOptions extends KeyOptions {
  /** L2 JSON-RPC URL. */
  rpc: string;
  /** L1 JSON-RPC URL. */
  l1: string;
  /** The deployment file. */
  contracts: string;
  /** The L2 chain (default: the L2's chain id; must match it when given). */
  chainId?: number;
  /** Whose withdrawals (default: the key's address). */
  address?: string;
  /** Finalize every finalizable one (needs a key: METIS_KEY, --key-env or --keystore). */
  finalize?: boolean;
  /** First L2 block to search. */
  fromBlock: number;
  json?: boolean;
}

/**
 * `metis withdrawals`: lists an address's withdrawals with their status (unsafe, safe, finalizable,
 * finalized); with --finalize, finalizes every finalizable one on L1 (each at most once: a finalized
 * withdrawal is never sent again) and prints what it did.
 * Exit codes: 0 listed (and, with --finalize, every finalizable one finalized, possibly none); 1 an L1/L2
 * failure or a finalization that failed; 2 bad input.
 */
export async function withdrawals(options: WithdrawalsCommandOptions, ctx: CommandContext): Promise<number> {
  return bridgeCommand(async () => {
    const cwd = ctx.cwd ?? process.cwd();
    const sdk = await loadSdk();
    const contracts = await openDeployment(options.contracts, cwd);
    const wallet = options.finalize || (options.address === undefined && sdk.hasKey(options, USER_KEY_ENV)) ? await loadWallet(options, USER_KEY_ENV, process.env, cwd) : undefined;
    if (options.address === undefined && !wallet) throw usageError(`--address is required (or a key in ${USER_KEY_ENV}, --key-env or --keystore: its address is used)`);
    const address = options.address === undefined ? wallet!.address : sdk.toAddress(options.address, '--address');
    const connections = new Connections();
    try {
      const l2 = await connections.l2(options.rpc);
      const chainId = chooseChainId(options.chainId, l2.chainId);
      const l1 = await connections.l1(options.l1);
      await sdk.verifyDeployment({ l1Provider: l1.provider, contracts });
      await sdk.chainInfo({ l1Provider: l1.provider, contracts, chainId });

      const head = await l2.provider.getBlockNumber();
      const listed = await sdk.listWithdrawals({ l2Provider: l2.provider, sender: address, fromBlock: options.fromBlock, toBlock: head });
      // One L1 block for every status: a consistent picture, and the L1's clock for the time left.
      const l1Block = (await l1.provider.getBlock('latest'))!;
      const reader = sdk.settlementReader({ l1Provider: l1.provider, contracts, chainId, blockTag: l1Block.number });
      const source = sdk.l2WithdrawalSource({ l2Provider: l2.provider });
      const statuses: WithdrawalStatus[] = [];
      for (const w of listed) statuses.push(await sdk.statusOf(reader, source, w));

      const units = new Map<string, TokenMetadata | undefined>([[ZERO_ADDRESS, { name: 'Ether', symbol: 'ETH', decimals: sdk.ETH_DECIMALS }]]);
      const unitOf = async (l1Token: string): Promise<TokenMetadata | undefined> => {
        const key = l1Token.toLowerCase();
        if (!units.has(key)) units.set(key, await sdk.tokenMetadata({ provider: l1.provider, token: l1Token }).catch(() => undefined));
        return units.get(key);
      };
      const now = l1Block.timestamp;
      if (!options.json) {
        println(ctx.io, `Withdrawals of ${address} on chain ${chainId} (L2 blocks ${options.fromBlock}..${head}): ${statuses.length}`);
        for (const s of statuses) println(ctx.io, `  ${await describe(s, await unitOf(s.withdrawal.l1Token), sdk.formatAmount, sdk.toAddress, now)}`);
      }

      const finalized: FinalizedWithdrawal[] = [];
      const failures: Array<{ nonce: bigint; error: string }> = [];
      if (options.finalize) {
        const l1Signer = wallet!.connect(l1.provider);
        const ready = statuses.filter((s) => s.status === 'finalizable');
        for (const s of ready) {
          try {
            const done = await sdk.submitFinalization({ l1Signer, contracts, chainId, status: s });
            finalized.push(done);
            if (!options.json) {
              const amount = describeAmount(s.withdrawal.amount, await unitOf(s.withdrawal.l1Token), sdk.formatAmount);
              println(ctx.io, `Finalized withdrawal ${s.withdrawal.nonce} (batch ${done.batchIndex}) in L1 transaction ${done.l1TxHash} (block ${done.l1Block}): ${amount} paid to ${sdk.toAddress(s.withdrawal.to, 'to')}`);
            }
          } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            failures.push({ nonce: s.withdrawal.nonce, error: message });
            if (!options.json) println(ctx.io, `Could not finalize withdrawal ${s.withdrawal.nonce}: ${message}`);
          }
        }
        if (!options.json) {
          const waiting = statuses.filter((s) => s.status === 'unsafe' || s.status === 'safe').length;
          const later = waiting > 0 ? `; ${waiting} not final on L1 yet` : '';
          println(ctx.io, ready.length === 0 ? `Nothing to finalize${later}.` : `Finalized ${finalized.length} of ${ready.length} finalizable withdrawal${ready.length === 1 ? '' : 's'}${later}.`);
        }
      }
      if (options.json) {
        printJson(ctx.io, {
          address,
          chainId,
          fromBlock: options.fromBlock,
          toBlock: head,
          withdrawals: statuses.map((s) => ({
            ...s.withdrawal,
            hash: s.hash,
            l2Block: s.l2Block,
            l2TxHash: s.l2TxHash,
            status: s.status,
            batchIndex: s.batchIndex ?? null,
            finalAt: s.status === 'safe' ? (s.batch?.finalAt ?? null) : null,
          })),
          ...(options.finalize ? { finalized: finalized.map((f) => ({ nonce: f.withdrawal.nonce, hash: f.hash, batchIndex: f.batchIndex, l1TxHash: f.l1TxHash, l1Block: f.l1Block })), failures } : {}),
        });
      }
      return failures.length > 0 ? 1 : 0;
    } finally {
      connections.close();
    }
  });
}

async function describe(
  s: WithdrawalStatus,
  unit: TokenMetadata | undefined,
  format: (v: bigint, d: number) => string,
  checksum: (a: string, f: string) => string,
  now: number,
): Promise<string> {
  const w = s.withdrawal;
  const token = w.l1Token === ZERO_ADDRESS ? '' : ` (L1 token ${checksum(w.l1Token, 'l1Token')})`;
  let state: string;
  switch (s.status) {
    case 'unsafe':
      state = 'unsafe: not in a batch on L1 yet';
      break;
    case 'safe': {
      const left = s.batch ? Number(s.batch.finalAt) - now : 0;
      state = `safe: in batch ${s.batchIndex}, ${left > 0 ? `final in about ${left} s` : 'final once no challenge holds it'}`;
      break;
    }
    case 'finalizable':
      state = `finalizable: batch ${s.batchIndex} is final (metis withdrawals --finalize pays it)`;
      break;
    default:
      state = 'finalized: paid on L1';
  }
  return `#${w.nonce}  ${describeAmount(w.amount, unit, format)}${token} to ${checksum(w.to, 'to')}  L2 block ${s.l2Block} (tx ${s.l2TxHash})  ${state}`;
}
