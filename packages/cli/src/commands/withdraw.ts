import { println } from '../io.js';
import { Connections, bridgeCommand, describeAmount, loadSdk, printJson } from './bridge-common.js';
import type { CommandContext } from './context.js';
import { USER_KEY_ENV } from './deposit.js';
import { loadWallet, type KeyOptions } from './signer.js';

export interface WithdrawCommandOptions extends KeyOptions {
  /** L2 JSON-RPC URL. */
  rpc: string;
  /** Whole units: ETH, or the L2 token's units. */
  amount: string;
  /** A bridged L2 token to withdraw instead of ETH. */
  token?: string;
  /** The L1 recipient (default: the withdrawer). */
  to?: string;
  json?: boolean;
}

/**
 * `metis withdraw`: starts a withdrawal of ETH (or of a bridged token with --token) from the key in
 * METIS_KEY to L1. The funds leave the L2 at once; `metis withdrawals --finalize` pays them on L1 once the
 * withdrawal's batch is final.
 * Exit codes: 0 started; 1 refused or reverted on L2; 2 bad input (nothing sent).
 */
export async function withdraw(options: WithdrawCommandOptions, ctx: CommandContext): Promise<number> {
  return bridgeCommand(async () => {
    const cwd = ctx.cwd ?? process.cwd();
    const sdk = await loadSdk();
    const to = options.to === undefined ? undefined : sdk.toAddress(options.to, '--to');
    const token = options.token === undefined ? undefined : sdk.toAddress(options.token, '--token');
    const wallet = await loadWallet(options, USER_KEY_ENV, process.env, cwd);
    const connections = new Connections();
    try {
      const l2 = await connections.l2(options.rpc);
      const l2Signer = wallet.connect(l2.provider);
      let unit = { symbol: 'ETH', decimals: sdk.ETH_DECIMALS };
      let l1Token: string | undefined;
      if (token) {
        // A bridged L1 token, or an L2-native token (a DAC token) registered on L1, whose mirror it withdraws to.
        l1Token = (await sdk.l1TokenFor({ l2Provider: l2.provider, l2Token: token })) ?? (await sdk.mirrorTokenFor(l2.provider, token));
        if (!l1Token) {
          throw new Error(
            `${token} is not a token of the Metis bridge on the L2 at ${options.rpc}: only bridged tokens (metis deposit --token) and L2-native tokens registered on L1 (registerL2Token) can be withdrawn`,
          );
        }
        unit = await sdk.tokenMetadata({ provider: l2.provider, token });
      }
      const amount = sdk.parsePositiveAmount(options.amount, unit.decimals);
      const result = token
        ? await sdk.withdrawERC20({ l2Signer, l2Token: token, amount, ...(to ? { to } : {}) })
        : await sdk.withdrawETH({ l2Signer, amount, ...(to ? { to } : {}) });
      if (options.json) {
        printJson(ctx.io, { chainId: l2.chainId, l2Token: token ?? null, ...result });
        return 0;
      }
      const w = result.withdrawal;
      println(
        ctx.io,
        `Withdrawal ${w.nonce} started on chain ${l2.chainId}: ${describeAmount(amount, unit, sdk.formatAmount)}${l1Token ? ` (L1 token ${l1Token})` : ''} from ${wallet.address} to ${sdk.toAddress(w.to, 'to')} on L1`,
        `  L2 transaction  ${result.l2TxHash} (block ${result.l2Block})`,
        `  withdrawal hash ${result.hash}`,
        'Once its batch is final on L1, pay it there with:',
        `  metis withdrawals --rpc ${options.rpc} --l1 <l1 url> --contracts <deployment file> --finalize`,
      );
      return 0;
    } finally {
      connections.close();
    }
  });
}
