import { usageError } from '../errors.js';
import { println } from '../io.js';
import { Connections, bridgeCommand, chooseChainId, describeAmount, loadSdk, openDeployment, printJson } from './bridge-common.js';
import type { CommandContext } from './context.js';
import { loadWallet, type KeyOptions } from './signer.js';

export interface DepositCommandOptions extends KeyOptions {
  /** L1 JSON-RPC URL. */
  l1: string;
  /** The deployment file. */
  contracts: string;
  /** The L2 chain; read from --rpc when omitted. */
  chainId?: number;
  /** Whole units: ETH, or the token's units (its decimals are read from L1). */
  amount: string;
  /** An L1 ERC-20 to deposit instead of ETH. */
  token?: string;
  /** The L2 recipient (default: the depositor). */
  to?: string;
  /** L2 JSON-RPC URL (for --wait, and to check --chain-id). */
  rpc?: string;
  /** Wait until the L2 has credited the deposit. */
  wait?: boolean;
  /** Seconds --wait waits. */
  timeout: number;
  json?: boolean;
}

/** The environment variable the user commands read the key from by default. */
export const USER_KEY_ENV = 'METIS_KEY';

/**
 * `metis deposit`: deposits ETH (or an ERC-20 with --token, approving the Bridge first when needed) from the
 * key in METIS_KEY into an L2 chain, and with --wait waits until the L2 credited it.
 * Exit codes: 0 deposited (and credited with --wait); 1 an L1/L2 failure, a timeout, or a deposit the L2
 * consumed without crediting; 2 bad input (nothing sent).
 */
export async function deposit(options: DepositCommandOptions, ctx: CommandContext): Promise<number> {
  return bridgeCommand(async () => {
    if (options.wait && !options.rpc) throw usageError('--wait needs --rpc <l2 url> (where to watch for the deposit)');
    const cwd = ctx.cwd ?? process.cwd();
    const sdk = await loadSdk();
    const contracts = await openDeployment(options.contracts, cwd);
    const to = options.to === undefined ? undefined : sdk.toAddress(options.to, '--to');
    const token = options.token === undefined ? undefined : sdk.toAddress(options.token, '--token');
    const wallet = await loadWallet(options, USER_KEY_ENV, process.env, cwd);
    const connections = new Connections();
    try {
      const l2 = options.rpc ? await connections.l2(options.rpc) : undefined;
      const chainId = chooseChainId(options.chainId, l2?.chainId);
      const l1 = await connections.l1(options.l1);
      const l1Signer = wallet.connect(l1.provider);

      let unit = { symbol: 'ETH', decimals: sdk.ETH_DECIMALS };
      if (token) unit = await sdk.tokenMetadata({ provider: l1.provider, token });
      const amount = sdk.parsePositiveAmount(options.amount, unit.decimals);
      const what = describeAmount(amount, unit, sdk.formatAmount);
      const result = token
        ? await sdk.depositERC20({ l1Signer, contracts, chainId, l1Token: token, amount, ...(to ? { to } : {}) })
        : await sdk.depositETH({ l1Signer, contracts, chainId, amount, ...(to ? { to } : {}) });
      if (!options.json) {
        println(
          ctx.io,
          `Deposit ${result.index} queued on L1 for chain ${chainId}: ${what}${token ? ` (L1 token ${token})` : ''} from ${result.from} to ${result.to}`,
          ...(result.approveTxHash ? [`  approval        ${result.approveTxHash}`] : []),
          `  L1 transaction  ${result.l1TxHash} (block ${result.l1Block})`,
        );
        if (token && result.amount !== amount) println(ctx.io, `  the Bridge received ${describeAmount(result.amount, unit, sdk.formatAmount)} (a fee-on-transfer token)`);
      }
      if (!options.wait || !l2) {
        if (options.json) printJson(ctx.io, { chainId, token: token ?? null, ...result });
        else println(ctx.io, 'The L2 credits it once the deposit is confirmed on L1 (--wait --rpc <l2 url> waits for it).');
        return 0;
      }
      const started = Date.now();
      const applied = await sdk.waitForDeposit({ l2Provider: l2.provider, index: result.index, timeoutMs: options.timeout * 1000 });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (options.json) {
        printJson(ctx.io, { chainId, token: token ?? null, ...result, l2: applied });
      } else if (applied.status === 'credited') {
        println(ctx.io, `Credited on L2 in block ${applied.l2Block} after ${seconds} s${applied.l2Token ? `: L2 token ${applied.l2Token}` : ''}`);
      } else if (applied.status === 'failed') {
        println(
          ctx.io,
          `The L2 applied deposit ${result.index} in block ${applied.l2Block} without crediting it (DepositFailed): ${failedDepositReason(applied.kind, Boolean(token))}`,
        );
      } else {
        println(ctx.io, `The L2 applied deposit ${result.index} (its event was not found)`);
      }
      return applied.status === 'failed' ? 1 : 0;
    } finally {
      connections.close();
    }
  });
}

/** Why the L2 applied a deposit without crediting it, by kind. */
function failedDepositReason(kind: string | undefined, token: boolean): string {
  if (kind === 'native') return 'the native token refused the release from escrow; the recipient can claim it with L2Bridge.claimFailedNativeDeposits';
  if (kind === 'registration') return 'the L2 refused the token registration (metadata or token mismatch); see L2Bridge.failedRegistrations';
  if (token) return 'the L2 token could not be created or minted; the tokens stay locked on L1';
  return 'the recipient refused the ETH; it can claim it with L2Bridge.claimFailedDeposits';
}
