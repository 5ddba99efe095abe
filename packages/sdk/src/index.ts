/**
 * @metis/sdk: the users' side of a Metis rollup's bridge, over ethers v6. Deposits on L1 and their crediting on
 * L2, withdrawals on L2, their status against the L1 settlement contracts and their finalization on L1.
 */
export { SdkError, isSdkError, type SdkErrorKind } from './errors.js';
export { parseAmount, parsePositiveAmount, formatAmount, ETH_DECIMALS } from './amounts.js';
export { toAddress, toChainId, toAmount, toTxHash, toBlockNumber } from './validate.js';
export { connect, type Connection, type ConnectOptions } from './connect.js';
export {
  loadDeployment,
  saveDeployment,
  verifyDeployment,
  bridgeInterface,
  l2BridgeInterface,
  messagePasserInterface,
  batchInboxInterface,
  chainRegistryInterface,
  erc20Interface,
  L2_BRIDGE_ADDRESS,
  MESSAGE_PASSER_ADDRESS,
  type L1Contracts,
} from './contracts.js';
export { sendTx, describeFailure, type SendTxInput } from './tx.js';
export {
  depositETH,
  depositERC20,
  waitForDeposit,
  l2TokenFor,
  l1TokenFor,
  tokenMetadata,
  tokenBalance,
  type DepositETHInput,
  type DepositERC20Input,
  type DepositResult,
  type WaitForDepositInput,
  type AppliedDeposit,
  type TokenMetadata,
} from './deposits.js';
export {
  withdrawETH,
  withdrawERC20,
  listWithdrawals,
  withdrawalOfTx,
  withdrawalsOfReceipt,
  type Withdrawal,
  type L2Withdrawal,
  type WithdrawETHInput,
  type WithdrawERC20Input,
  type WithdrawResult,
  type ListWithdrawalsInput,
} from './withdrawals.js';
export {
  withdrawalStatus,
  finalizeWithdrawal,
  submitFinalization,
  batchStatus,
  chainInfo,
  findBatch,
  statusOf,
  settlementReader,
  l2WithdrawalSource,
  notFinalizableReason,
  type WithdrawalState,
  type WithdrawalStatus,
  type WithdrawalStatusInput,
  type WithdrawalRef,
  type FinalizeWithdrawalInput,
  type FinalizedWithdrawal,
  type BatchState,
  type BatchStatus,
  type BatchInfo,
  type StoredBatchView,
  type SettlementReader,
  type SettlementInput,
  type WithdrawalSource,
  type ChainInfo,
} from './status.js';
export { relayWithdrawals, type RelayOptions, type RelayReport, type RelayEvent, type RelayOps } from './relayer.js';
export { getLogsChunked, findLastLog, DEFAULT_MAX_LOG_RANGE } from './logs.js';
