import { ZeroAddress, type Signer } from 'ethers';
import { toAmount } from '../validate.js';
import { approveDacToken } from './commitments.js';
import { DAC_ADDRESSES, dacInterface } from './contracts.js';
import { toId, toTokenOrEth } from './inputs.js';
import { sendDacTx, type DacTxResult } from './send.js';

/**
 * Funds DAC `dacId`'s treasury (anyone) with `amount` of ETH (default) or of ERC-20 `token` (approved first
 * when needed). Rewards and proposals' spending come out of it.
 * @throws SdkError INVALID_ARGUMENT, INSUFFICIENT_FUNDS (token), NOT_FOUND, TX_FAILED (UnknownDac, ...)
 */
export async function fundTreasury(
  signer: Signer,
  input: { readonly dacId: bigint; readonly amount: bigint; readonly token?: string },
): Promise<DacTxResult & { readonly approveTxHash?: string }> {
  const dacId = toId(input?.dacId, 'dacId');
  const amount = toAmount(input.amount);
  const token = toTokenOrEth(input.token);
  const iface = dacInterface('treasury');
  const to = DAC_ADDRESSES.treasury;
  if (token === ZeroAddress) {
    return sendDacTx({ action: 'DacTreasury.fund', iface, signer, to, data: iface.encodeFunctionData('fund', [dacId]), value: amount });
  }
  const approveTxHash = await approveDacToken(signer, token, to, amount);
  const sent = await sendDacTx({ action: 'DacTreasury.fundToken', iface, signer, to, data: iface.encodeFunctionData('fundToken', [dacId, token, amount]) });
  return { ...sent, ...(approveTxHash ? { approveTxHash } : {}) };
}
