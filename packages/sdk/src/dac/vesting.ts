import type { Signer } from 'ethers';
import { SdkError } from '../errors.js';
import { toAddress } from '../validate.js';
import { vestingWalletInterface } from './contracts.js';
import { providerOf } from './inputs.js';
import { sendDacTx, type DacTxResult } from './send.js';

/**
 * Releases what vesting wallet `wallet` (created by a DAC token launch) has vested of `token` so far to its
 * beneficiary (anyone may call; the tokens always go to the beneficiary).
 * @returns the amount released (the wallet's ERC20Released event)
 * @throws SdkError INVALID_ARGUMENT, NOT_FOUND (no contract there), TX_FAILED
 */
export async function releaseVested(signer: Signer, input: { readonly wallet: string; readonly token: string }): Promise<DacTxResult & { readonly released: bigint }> {
  const wallet = toAddress(input?.wallet, 'wallet');
  const token = toAddress(input.token, 'token');
  if ((await providerOf(signer).getCode(wallet)) === '0x') throw new SdkError('NOT_FOUND', `no vesting wallet at ${wallet}`);
  const iface = vestingWalletInterface();
  const sent = await sendDacTx({ action: 'VestingWallet.release', iface, signer, to: wallet, data: iface.encodeFunctionData('release(address)', [token]) });
  let released = 0n;
  for (const log of sent.receipt.logs) {
    if (log.address.toLowerCase() !== wallet.toLowerCase()) continue;
    const parsed = iface.parseLog(log);
    if (parsed?.name === 'ERC20Released') released += parsed.args.getValue('amount') as bigint;
  }
  return { ...sent, released };
}
