export { TxSender, type TxRequest, type TxSenderEvent, type TxSenderHooks, type TxFailure } from './l1/tx-sender.js';
export { txSenderOptionsSchema, weiSchema, type TxSenderOptions, type TxSenderOptionsInput } from './l1/options.js';
export { withRetry, backoffDelay, retryOptionsSchema, type RetryOptions, type RetryOptionsInput, type RetryListener, type WithRetryOptions } from './l1/retry.js';
export { classifyRpcError, isTransientRpcError, innerRpcError, rpcErrorMessage, revertDataOf, type RpcErrorKind, type JsonRpcErrorObject } from './l1/rpc-errors.js';
export { decodeRevert, type DecodedRevert } from './l1/revert.js';
export { bumpBy, bumpPermille, capFees, replacementFees, MIN_BUMP_PERMILLE, type Fees } from './l1/fees.js';
export {
  CalldataDA,
  CALLDATA_DA_KIND,
  calldataDaOptionsSchema,
  type CalldataDaConfig,
  type CalldataDaOptions,
  type CalldataDaOptionsInput,
} from './da/calldata-da.js';
export { CALLDATA_COMMITMENT_VERSION, encodeCalldataCommitment, decodeCalldataCommitment, describeCommitment } from './da/commitment.js';
export { DATA_INBOX_ABI, dataInboxInterface, PUBLISH_SELECTOR } from './da/data-inbox.js';
export {
  encodeBatch,
  decodeBatch,
  BATCH_VERSION,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  type EncodeBatchOptions,
  type DecodeBatchOptions,
} from './batch/codec.js';
export {
  collectWithdrawals,
  withdrawalRoot,
  withdrawalRootOf,
  withdrawalProof,
  withdrawalTree,
  withdrawalHash,
  withdrawalLeaf,
  MESSAGE_PASSER_ADDRESS,
  WITHDRAWAL_INITIATED_EVENT,
  WITHDRAWAL_INITIATED_TOPIC,
  WITHDRAWAL_LEAF_TYPES,
  EMPTY_WITHDRAWAL_ROOT,
  withdrawalInitiatedFragment,
  type Withdrawal,
  type CollectOptions,
} from './batch/withdrawals.js';
export { startAnvil, anvilBin, freePort, type Anvil, type AnvilOptions } from './dev/anvil.js';
export {
  deployL1,
  DA_KIND,
  SLASHER_ROLE,
  CHALLENGER_ROLE,
  FINALIZER_ROLE,
  DEFAULT_DA_RESPONSE_WINDOW,
  DEV_DA_RESPONSE_WINDOW,
  DEFAULT_MIN_CHALLENGE_BOND,
  DEFAULT_RANGER_VOTE_WINDOW,
  DEV_RANGER_VOTE_WINDOW,
  DEFAULT_RANGER_CHALLENGE_BOND,
  type ChainConfig,
  type DeployL1Options,
  type L1Addresses,
  type L1Deployment,
} from './dev/deploy-l1.js';
export { l1, calldataDa } from './plugin.js';
export { L1_CONNECTION, type L1Connection } from './connection.js';
export { l1OptionsSchema, l1ContractsSchema, type L1Options, type L1OptionsInput, type L1Contracts } from './options.js';
export { DepositWatcher, decodeDeposit, type DepositWatcherOptions } from './deposits/deposit-watcher.js';
export { l2Predeploys } from './genesis/predeploys.js';
export { ensureDevDeployment, type DevDeploymentOptions } from './dev/dev-deployment.js';
export { proveWithdrawal, type WithdrawalProof, type WithdrawalProofInput } from './withdrawals/prove-withdrawal.js';
export { Deriver, type DeriverDeps, type DeriverOptions, type DerivationProblem, type ReplicaStatus } from './replica/deriver.js';
export { BatchLog, type BatchSource, type BatchLogOptions, type PostedBatch } from './replica/batch-log.js';
export { depositHashOf, type ReplicaL1 } from './replica/l1-reads.js';
export { syncStatusJson, syncStatusNamespace, type SyncStatus } from './replica/sync-status.js';
export { BATCH_INBOX_ABI, batchInboxInterface, InboxClient, type BatchHeader, type StoredBatch } from './settlement/inbox.js';
export { findBatchHeader, type FindHeaderOptions } from './settlement/find-header.js';
export { verdictOf, type BatchVerdict } from './replica/verdict.js';
export type { ComputedRoots } from './replica/verify-batch.js';
