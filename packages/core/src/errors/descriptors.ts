/**
 * Every error Metis raises comes from one numbered descriptor. Tests assert `code`, never message text.
 * Ranges: 1xx core/plugins, 2xx config, 3xx stages, 4xx transactions (ingest), 5xx RPC, 6xx storage/chain, 7xx CLI,
 * 8xx settlement (L1, data availability, derivation), 9xx rangers (attestations, their gossip), 10xx DACs (the dac and
 * token plugins' views and commands).
 * `rpcCode` is the JSON-RPC error code used when the error reaches a client.
 */
export interface ErrorDescriptor {
  readonly code: number;
  readonly name: string;
  /** Message template; `{key}` is replaced by the matching message argument. */
  readonly message: string;
  readonly rpcCode?: number;
}

const d = <const T extends Record<string, Omit<ErrorDescriptor, 'name'>>>(
  table: T,
): { [K in keyof T]: T[K] & { name: K & string } } =>
  Object.fromEntries(Object.entries(table).map(([name, v]) => [name, { ...v, name }])) as never;

export const ERRORS = d({
  // core / plugins
  PLUGIN_DUPLICATE: { code: 101, message: 'Plugin "{id}" is listed more than once' },
  PLUGIN_DEPENDENCY_MISSING: { code: 102, message: 'Plugin "{id}" depends on "{dependency}", which is not in the config' },
  PLUGIN_DEPENDENCY_CYCLE: { code: 103, message: 'Plugin dependencies form a cycle: {cycle}' },
  CAPABILITY_MISSING: { code: 104, message: 'Plugin "{id}" requires capability "{capability}", which no plugin provides' },
  CAPABILITY_DUPLICATE: { code: 105, message: 'Capability "{capability}" is provided by both "{first}" and "{second}"' },
  CAPABILITY_NOT_REGISTERED: { code: 106, message: 'Plugin "{id}" declared capability "{capability}" but did not register it' },
  TOKEN_NOT_REGISTERED: { code: 107, message: 'Nothing is registered for "{token}"' },
  PLUGIN_INVALID: { code: 108, message: 'Invalid plugin definition: {reason}' },
  NODE_STATE: { code: 109, message: 'Node cannot {action} while {state}' },
  LISTEN_FAILED: { code: 110, message: 'Could not listen on {host}:{port}: {reason}' },
  // config
  CONFIG_INVALID: { code: 201, message: 'Invalid config ({count} problem(s)):\n{details}' },
  CONFIG_NOT_FOUND: { code: 202, message: 'Config file not found: {path}' },
  CONFIG_LOAD_FAILED: { code: 203, message: 'Could not load config {path}: {reason}' },
  // stages
  STAGE_FAILED: { code: 301, message: 'Stage "{stage}" failed in plugin "{plugin}": {reason}' },
  STAGE_PROVIDER_MISSING: { code: 302, message: 'Stage "{stage}" has no provider' },
  STAGE_PROVIDER_CONFLICT: { code: 303, message: 'Stage "{stage}" has two providers: "{first}" and "{second}"' },
  MIDDLEWARE_NEXT_TWICE: { code: 304, message: 'next() called more than once in stage "{stage}" by plugin "{plugin}"' },
  STAGE_UNDECLARED: { code: 305, message: 'Plugin "{id}" provides stage "{stage}" without declaring it' },
  // transactions (ingest); messages follow geth where clients match on them
  TX_MALFORMED: { code: 401, rpcCode: -32602, message: 'invalid transaction: {reason}' },
  TX_SIGNATURE_INVALID: { code: 402, rpcCode: -32602, message: 'invalid transaction signature: {reason}' },
  TX_UNPROTECTED: { code: 403, rpcCode: -32000, message: 'only replay-protected (EIP-155) transactions allowed over RPC' },
  TX_WRONG_CHAIN: { code: 404, rpcCode: -32000, message: 'invalid chain id: got {got}, expected {expected}' },
  TX_NONCE_TOO_LOW: { code: 405, rpcCode: -32000, message: 'nonce too low: address {sender}, tx: {nonce} state: {expected}' },
  TX_NONCE_TOO_HIGH: { code: 406, rpcCode: -32000, message: 'nonce too high: address {sender}, tx: {nonce} state: {expected}, max gap {maxGap}' },
  TX_INSUFFICIENT_FUNDS: { code: 407, rpcCode: -32000, message: 'insufficient funds for gas * price + value: address {sender} have {have} want {want}' },
  TX_INTRINSIC_GAS: { code: 408, rpcCode: -32000, message: 'intrinsic gas too low: gas {gas}, minimum needed {needed}' },
  TX_GAS_LIMIT: { code: 409, rpcCode: -32000, message: 'exceeds block gas limit: gas {gas}, block limit {limit}' },
  TX_OVERSIZED: { code: 410, rpcCode: -32000, message: 'oversized data: transaction size {size}, limit {limit}' },
  TX_UNDERPRICED: { code: 411, rpcCode: -32000, message: 'transaction underpriced: max fee per gas {fee} below minimum {minimum}' },
  TX_REPLACEMENT_UNDERPRICED: { code: 412, rpcCode: -32000, message: 'replacement transaction underpriced: needs at least {minimum} per gas' },
  TX_ALREADY_KNOWN: { code: 413, rpcCode: -32000, message: 'already known' },
  TX_POOL_FULL: { code: 414, rpcCode: -32000, message: 'txpool is full: fee {fee} not above the lowest {lowest}' },
  TX_TYPE_UNSUPPORTED: { code: 415, rpcCode: -32000, message: 'transaction type not supported: {type}' },
  TX_FEE_CAP_BELOW_TIP: { code: 416, rpcCode: -32000, message: 'max priority fee per gas higher than max fee per gas' },
  TX_SENDER_LIMIT: { code: 417, rpcCode: -32000, message: 'account limit exceeded: address {sender} has {count} pooled transactions, limit {limit}' },
  TX_READ_ONLY: { code: 418, rpcCode: -32000, message: 'this node is a read-only replica: send transactions to the sequencer (no sequencer RPC is configured here)' },
  TX_FORWARD_FAILED: { code: 419, rpcCode: -32000, message: 'could not forward the transaction to the sequencer: {reason}' },
  /** The sequencer refused a forwarded transaction; raised with the sequencer's own JSON-RPC code and message. */
  TX_FORWARD_REJECTED: { code: 420, rpcCode: -32000, message: '{message}' },
  // RPC
  RPC_PARSE_ERROR: { code: 501, rpcCode: -32700, message: 'Parse error: {reason}' },
  RPC_INVALID_REQUEST: { code: 502, rpcCode: -32600, message: 'Invalid request: {reason}' },
  RPC_METHOD_NOT_FOUND: { code: 503, rpcCode: -32601, message: 'the method {method} does not exist/is not available' },
  RPC_INVALID_PARAMS: { code: 504, rpcCode: -32602, message: 'invalid params: {reason}' },
  RPC_INTERNAL: { code: 505, rpcCode: -32603, message: 'internal error: {reason}' },
  RPC_BODY_TOO_LARGE: { code: 506, rpcCode: -32600, message: 'request body too large: {size} bytes, limit {limit}' },
  RPC_BATCH_TOO_LARGE: { code: 507, rpcCode: -32600, message: 'batch too large: {size} requests, limit {limit}' },
  RPC_LOG_RANGE: { code: 508, rpcCode: -32005, message: 'block range too large: {range} blocks, limit {limit}' },
  RPC_LOG_RESULTS: { code: 509, rpcCode: -32005, message: 'query returned more than {limit} results' },
  RPC_EXECUTION_REVERTED: { code: 510, rpcCode: 3, message: 'execution reverted{reason}' },
  RPC_BLOCK_NOT_FOUND: { code: 511, rpcCode: -32001, message: 'block not found: {block}' },
  RPC_GAS_CAP: { code: 512, rpcCode: -32000, message: 'gas {gas} exceeds the call gas cap {cap}' },
  RPC_SUBSCRIPTION_UNSUPPORTED: { code: 513, rpcCode: -32601, message: 'subscription not available: {reason}' },
  RPC_EXECUTION_FAILED: { code: 514, rpcCode: -32000, message: '{reason}' },
  RPC_TOO_MANY_CONNECTIONS: { code: 515, rpcCode: -32005, message: 'too many connections' },
  RPC_SUBSCRIPTION_LIMIT: { code: 516, rpcCode: -32005, message: 'too many subscriptions on this connection (limit {limit})' },
  // storage / chain
  STORAGE_CORRUPT: { code: 601, message: 'Stored data is corrupt at {key}: {reason}' },
  GENESIS_MISMATCH: { code: 602, message: 'Data directory {dir} holds chain {stored}, config describes {configured}' },
  BLOCK_EXECUTION_FAILED: { code: 603, message: 'Block {number} could not be executed: {reason}' },
  BATCH_INVALID: { code: 604, message: 'Invalid batch {index}: {reason}' },
  GENESIS_CONFLICT: { code: 605, message: 'Genesis account {address} is placed by both "{first}" and "{second}"' },
  DEPOSIT_INVALID: { code: 606, message: 'Invalid deposits for block {number}: {reason}' },
  // CLI
  CLI_USAGE: { code: 701, message: '{reason}' },
  // settlement: L1, data availability, derivation
  DA_UNAVAILABLE: { code: 801, message: 'Batch data {commitment} is not available: {reason}' },
  DA_INVALID: { code: 802, message: 'Batch data {commitment} does not match its commitment: {reason}' },
  L1_RPC: { code: 803, message: 'L1 request {method} failed: {reason}' },
  L1_TX_FAILED: { code: 804, message: 'L1 transaction {action} failed: {reason}' },
  L1_CONTRACTS_MISSING: { code: 805, message: 'No Metis L1 contracts at {address} on the L1 ({reason})' },
  L1_CHAIN_MISMATCH: { code: 806, message: 'The L1 registry holds chain {chainId} with {field} {onL1}, this node has {local}' },
  DERIVATION_MISMATCH: { code: 807, message: 'Batch {index} does not re-execute to its posted state: {reason}' },
  // rangers: attestations and their gossip
  ATTESTATION_MALFORMED: { code: 901, message: 'Malformed attestation: {reason}' },
  ATTESTATION_SIGNATURE_INVALID: { code: 902, message: 'Invalid attestation signature: {reason}' },
  RANGER_ATTESTATION_REJECTED: { code: 903, message: 'Attestation of batch {batchIndex} not published: {reason}' },
  RANGER_GOSSIP_FAILED: { code: 904, message: 'Ranger gossip could not {action}: {reason}' },
  // DACs: the dac and token plugins (metis_dac* views, metis dac / metis token commands)
  DAC_INVALID_PARAMS: { code: 1001, rpcCode: -32602, message: 'invalid params: {reason}' },
  DAC_NOT_FOUND: { code: 1002, rpcCode: -32001, message: 'DAC not found: {dac}' },
  DAC_COMMITMENT_NOT_FOUND: { code: 1003, rpcCode: -32001, message: 'DAC commitment not found: {id}' },
  DAC_PROPOSAL_NOT_FOUND: { code: 1004, rpcCode: -32001, message: 'DAC proposal not found: {id}' },
  DAC_PREDEPLOY_MISSING: { code: 1005, rpcCode: -32000, message: 'the {contract} predeploy is not in this chain at {address} (its genesis was made without the {plugin} plugin)' },
  DAC_READ_FAILED: { code: 1006, rpcCode: -32000, message: 'reading {what} failed: {reason}' },
});

export type ErrorName = keyof typeof ERRORS;
