/**
 * DACs (decentralized autonomous companies) on a Metis L2 with the `dac()` plugin (and `token()` for DAC tokens):
 * typed helpers over the DAC predeploys, with validated inputs and reverts named in SdkErrors.
 */
export {
  DAC_ADDRESSES,
  dacContracts,
  dacInterface,
  dacTokenInterface,
  vestingWalletInterface,
  assertDacPredeploys,
  assertDacTokenFactory,
  hasDacTokenFactory,
  type DacContracts,
  type DacContractKey,
} from './contracts.js';
export {
  DEFAULT_DAC_PARAMS,
  DAC_PARAM_KEYS,
  DAC_PARAMS_TUPLE,
  toDacParams,
  parseDacParams,
  formatDacParams,
  parseDuration,
  formatDuration,
  type DacParams,
  type DacParamsText,
} from './params.js';
export { DAC_ROLES, MAX_CID_BYTES, type DacRoleName } from './inputs.js';
export { COMMITMENT_STATUSES, OPEN_COMMITMENT_STATUSES, commitmentStatusName, type CommitmentStatus, type ProposalState } from './status.js';
export { DacTxError, isDacRevert, sendDacTx, type DacTxResult, type SendDacTxInput } from './send.js';
export { createDac, inviteMember, joinDac, leaveDac, type CreateDacInput, type CreateDacResult } from './membership.js';
export {
  commit,
  deliver,
  challenge,
  voteOnCommitment,
  resolveCommitment,
  slashCommitment,
  withdrawOwed,
  owedTo,
  approveDacToken,
  type CommitInput,
  type CommitResult,
  type ResolveResult,
  type OwedWithdrawal,
} from './commitments.js';
export { fundTreasury } from './treasury.js';
export { releaseVested } from './vesting.js';
export {
  DAC_ACTION_KINDS,
  MAX_PROPOSAL_ACTIONS,
  dacActions,
  decodeDacAction,
  propose,
  voteOnProposal,
  executeProposal,
  proposalActions,
  type DacAction,
  type DacActionName,
  type DecodedDacAction,
  type LaunchTokenInput,
  type VestingInput,
  type ProposeResult,
} from './proposals.js';
export {
  dacInfo,
  resolveDacId,
  dacTokenAddress,
  commitmentInfo,
  openCommitments,
  proposalInfo,
  proposalState,
  dacTokenInfo,
  type DacInfo,
  type DacMemberInfo,
  type DacAttributeInfo,
  type CommitmentInfo,
  type ProposalInfo,
  type DacTokenInfo,
  type VestingWalletInfo,
} from './views.js';
