import { MetisError, type Hex, type RpcNamespace } from '@metis/core';
import { addressParam, arity, dacRefParam, optionsParam, q, type DacViews } from '@metis/dac';
import { Interface, type Result } from 'ethers';
import type { TokenOptions } from './options.js';

/** The OpenZeppelin VestingWallet views (the wallets the factory creates at a launch). */
const VESTING = new Interface([
  'function owner() view returns (address)',
  'function start() view returns (uint256)',
  'function duration() view returns (uint256)',
  'function released(address token) view returns (uint256)',
  'function releasable(address token) view returns (uint256)',
]);

/**
 * `metis_dacTokenInfo(dac, { holders? })`: the DAC's token (null when none was launched), its metadata, cap,
 * supply, the treasury's balance of it, its vesting wallets and the balances and votes of up to `maxHolders`
 * accounts asked for. Quantities are 0x hex.
 */
export function tokenNamespace(deps: { views: DacViews; options: TokenOptions }): RpcNamespace {
  const { views, options } = deps;
  return {
    methods: {
      metis_dacTokenInfo: async (params) => {
        arity(params, 1, 2, 'metis_dacTokenInfo');
        const ref = dacRefParam(params[0]);
        const o = optionsParam(params[1], 'options', ['holders']);
        let holders: Hex[] = [];
        if (o.holders !== undefined && o.holders !== null) {
          if (!Array.isArray(o.holders)) throw new MetisError('DAC_INVALID_PARAMS', { reason: 'holders must be a list of addresses' });
          if (o.holders.length > options.maxHolders) throw new MetisError('DAC_INVALID_PARAMS', { reason: `at most ${options.maxHolders} holders per call, got ${o.holders.length}` });
          holders = o.holders.map((h, i) => addressParam(h, `holders[${i}]`));
        }
        const dacId = await views.resolveDac(ref);
        const token = await views.dacToken(dacId);
        if (!token) {
          // Distinguish "no token yet" from "no factory on this chain".
          await views.read('DacTokenFactory', 'tokenOf', [dacId]);
          return { dacId: q(dacId), token: null };
        }
        const t = (fn: string, args: unknown[] = []): Promise<Result> => views.read('DacToken', fn, args, token);
        const [name, symbol, decimals, cap, totalSupply, treasuryBalance, wallets] = await Promise.all([
          t('name').then((r) => r[0] as string),
          t('symbol').then((r) => r[0] as string),
          t('decimals').then((r) => Number(r[0])),
          t('cap').then((r) => r[0] as bigint),
          t('totalSupply').then((r) => r[0] as bigint),
          views.treasuryBalance(dacId, token),
          views.read('DacTokenFactory', 'vestingWalletsOf', [dacId]).then((r) => [...(r[0] as Result)].map((a) => (a as string).toLowerCase() as Hex)),
        ]);
        const vestingWallets = await Promise.all(
          wallets.slice(0, options.maxVestingWallets).map(async (w) => {
            const v = (fn: string, args: unknown[] = []): Promise<unknown> => views.readAt(VESTING, 'VestingWallet', w, fn, args).then((r) => r[0]);
            const [beneficiary, start, duration, released, releasable, balance] = await Promise.all([
              v('owner'),
              v('start'),
              v('duration'),
              v('released', [token]),
              v('releasable', [token]),
              t('balanceOf', [w]).then((r) => r[0]),
            ]);
            return {
              address: w,
              beneficiary: (beneficiary as string).toLowerCase(),
              start: q(start as bigint),
              duration: q(duration as bigint),
              released: q(released as bigint),
              releasable: q(releasable as bigint),
              balance: q(balance as bigint),
            };
          }),
        );
        const balances = await Promise.all(
          holders.map(async (account) => {
            const [balance, votes] = await Promise.all([t('balanceOf', [account]), t('getVotes', [account])]);
            return { account, balance: q(balance[0] as bigint), votes: q(votes[0] as bigint) };
          }),
        );
        return {
          dacId: q(dacId),
          token,
          name,
          symbol,
          decimals,
          cap: q(cap),
          totalSupply: q(totalSupply),
          treasuryBalance: q(treasuryBalance),
          vestingWalletCount: wallets.length,
          vestingWallets,
          holders: balances,
        };
      },
    },
  };
}
