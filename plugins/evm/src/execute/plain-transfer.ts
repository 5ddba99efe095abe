import { Hardfork } from '@ethereumjs/common';
import { Capability, type TypedTransaction } from '@ethereumjs/tx';
import { Account, KECCAK256_NULL, MAX_INTEGER, equalsBytes, type Address } from '@ethereumjs/util';
import { Bloom, type RunTxResult, type VM } from '@ethereumjs/vm';
import type { Block } from '@ethereumjs/block';

/** The empty logs bloom every plain transfer's receipt carries (read-only: nothing writes a result's bloom). */
const EMPTY_BLOOM = new Bloom();
const NO_BYTES = new Uint8Array(0);

/**
 * Applies a plain ETH transfer without the EVM, or returns undefined to leave the transaction to `runTx`.
 *
 * A transaction of type 0, 1 or 2 with no calldata and an empty access list, to an account without code
 * that is not a precompile, whose every check passes, has one outcome under Prague: the sender pays
 * `intrinsic gas × effective gas price` plus the value and its nonce goes up by one, the recipient gains the
 * value, the coinbase gains `intrinsic gas × effective priority fee`, and its receipt is a success without
 * logs. `runTx` spends most of an ETH transfer's time getting there (warm sets, three checkpoints, the
 * message, events, touched-account cleanup). This writes the same three accounts through the same state
 * manager, inside the block's checkpoint, and returns the result `runTx` would. It emits none of the VM's
 * events (`beforeTx`, `afterTx`, messages); nothing in Metis listens to them.
 *
 * Anything unusual goes to `runTx`, which then produces the error or the outcome itself: a rule set other
 * than plain Prague, a sender that does not exist, has code or a wrong nonce, too little balance or gas, a
 * fee under the base fee, a recipient or coinbase that is the sender or each other, an account that could
 * end up empty (EIP-161 deletes those), a balance overflow. Differential tests run every case both ways.
 */
export async function tryPlainTransfer(vm: VM, tx: TypedTransaction, sender: Address, block: Block, blockGasUsed: bigint): Promise<RunTxResult | undefined> {
  const common = vm.common;
  if (common.hardfork() !== Hardfork.Prague || common.eips().length > 0) return undefined;
  if (tx.type > 2 || tx.data.length > 0 || tx.to === undefined) return undefined;
  if (tx.type !== 0 && (tx as { accessList: unknown[] }).accessList.length > 0) return undefined;
  const to = tx.to;
  const coinbase = block.header.coinbase;
  if (isPrecompileRange(to.bytes) || to.equals(sender) || to.equals(coinbase) || sender.equals(coinbase)) return undefined;
  const gasUsed = tx.getIntrinsicGas();
  if (tx.gasLimit < gasUsed || tx.gasLimit > block.header.gasLimit) return undefined;

  const baseFee = block.header.baseFeePerGas ?? 0n;
  const feeMarket = tx.supports(Capability.EIP1559FeeMarket);
  const maxFee = feeMarket ? (tx as { maxFeePerGas: bigint }).maxFeePerGas : (tx as { gasPrice: bigint }).gasPrice;
  if (maxFee < baseFee) return undefined;
  const tip = tx.getEffectivePriorityFee(baseFee);
  const gasPrice = feeMarket ? tip + baseFee : maxFee;

  const state = vm.stateManager;
  const from = await state.getAccount(sender);
  if (!from || !hasNoCode(from) || from.nonce !== tx.nonce) return undefined;
  if (from.balance < tx.value + tx.gasLimit * maxFee) return undefined;
  const recipient = await state.getAccount(to);
  if (recipient && !hasNoCode(recipient)) return undefined;
  if (tx.value === 0n && (!recipient || recipient.isEmpty())) return undefined;
  const minerValue = gasUsed * tip;
  const miner = await state.getAccount(coinbase);
  if (minerValue === 0n && (!miner || miner.isEmpty())) return undefined;
  if ((recipient?.balance ?? 0n) + tx.value > MAX_INTEGER || (miner?.balance ?? 0n) + minerValue > MAX_INTEGER) return undefined;

  const amountSpent = gasUsed * gasPrice;
  from.nonce += 1n;
  from.balance -= amountSpent + tx.value;
  await state.putAccount(sender, from);
  const credited = recipient ?? new Account();
  credited.balance += tx.value;
  await state.putAccount(to, credited);
  const minerAccount = miner ?? new Account();
  minerAccount.balance += minerValue;
  await state.putAccount(coinbase, minerAccount);

  return {
    execResult: { returnValue: NO_BYTES, executionGasUsed: 0n, gasRefund: 0n, logs: [] },
    totalGasSpent: gasUsed,
    blockGasSpent: gasUsed,
    gasRefund: 0n,
    amountSpent,
    minerValue,
    bloom: EMPTY_BLOOM,
    receipt: { status: 1, cumulativeBlockGasUsed: blockGasUsed + gasUsed, bitvector: EMPTY_BLOOM.bitvector, logs: [] },
  } as unknown as RunTxResult;
}

const hasNoCode = (account: Account): boolean => equalsBytes(account.codeHash, KECCAK256_NULL);

/** Addresses up to 0xffff: the precompiles (0x01-0x11 in Prague) and whatever a later fork puts there. */
function isPrecompileRange(address: Uint8Array): boolean {
  for (let i = 0; i < 18; i++) if (address[i] !== 0) return false;
  return true;
}
