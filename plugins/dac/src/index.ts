/**
 * @metis/dac: decentralized autonomous companies on a Metis chain. `dac()` places the DAC predeploys in the
 * genesis, answers the `metis_dac*` JSON-RPC views and adds the `metis dac ...` commands.
 */
export { dac } from './plugin.js';
export { dacOptionsSchema, type DacOptions, type DacOptionsInput } from './options.js';
export { DAC_PREDEPLOYS, dacPredeploys, predeployAccounts, contractInterface, type DacContractName } from './contracts.js';
export {
  DacViews,
  proposalState,
  matchesFilter,
  COMMITMENT_STATUSES,
  COMMITMENT_FILTERS,
  PROPOSAL_STATES,
  type CallFn,
  type CommitmentStatus,
  type CommitmentFilter,
  type ProposalState,
  type DacParamsView,
  type DacInfoView,
  type MemberView,
  type AttributeView,
  type CommitmentView,
  type ProposalView,
} from './views.js';
export { dacNamespace, formatCommitment, formatMember, formatParams, formatProposal, type DacRpcDeps } from './rpc.js';
export { addressParam, arity, countParam, dacRefParam, idParam, invalid, oneOf, optionsParam, q } from './params.js';
export { headViews } from './setup.js';
// For other plugins' commands (the token plugin's): the shared options, session and output of `metis dac`.
export {
  dacCommands,
  registerDacCommands,
  proposalNextSteps,
  withSession,
  withSigner,
  signingOptions,
  readOptions,
  output,
  printJson,
  println,
  usage,
  idArg,
  collect,
  parseWhen,
  chainNow,
  iso,
  rpcUrl,
  DEFAULT_RPC,
  RPC_ENV,
  KEY_ENV,
  type Session,
  type SigningOptions,
  type CommonOptions,
} from './cli/index.js';
