/** Types for the artifacts written by scripts/compile.mjs. The ABI shapes follow the Solidity JSON ABI. */

export type Hex = `0x${string}`;

export interface AbiParameter {
  readonly name: string;
  readonly type: string;
  readonly internalType?: string;
  /** For tuples and tuple arrays. */
  readonly components?: readonly AbiParameter[];
}

export interface AbiEventParameter extends AbiParameter {
  readonly indexed: boolean;
}

export type AbiStateMutability = 'pure' | 'view' | 'nonpayable' | 'payable';

export interface AbiFunction {
  readonly type: 'function';
  readonly name: string;
  readonly inputs: readonly AbiParameter[];
  readonly outputs: readonly AbiParameter[];
  readonly stateMutability: AbiStateMutability;
}

export interface AbiConstructor {
  readonly type: 'constructor';
  readonly inputs: readonly AbiParameter[];
  readonly stateMutability: 'nonpayable' | 'payable';
}

export interface AbiEvent {
  readonly type: 'event';
  readonly name: string;
  readonly inputs: readonly AbiEventParameter[];
  readonly anonymous: boolean;
}

export interface AbiError {
  readonly type: 'error';
  readonly name: string;
  readonly inputs: readonly AbiParameter[];
}

export interface AbiFallback {
  readonly type: 'fallback';
  readonly stateMutability: 'nonpayable' | 'payable';
}

export interface AbiReceive {
  readonly type: 'receive';
  readonly stateMutability: 'payable';
}

export type AbiItem = AbiFunction | AbiConstructor | AbiEvent | AbiError | AbiFallback | AbiReceive;

export interface ContractArtifact {
  readonly contractName: string;
  /** Source unit name, relative to contracts/: `src/test/Reverter.sol`. */
  readonly sourceName: string;
  readonly abi: readonly AbiItem[];
  /** Creation code, 0x-prefixed (`0x` for interfaces and abstract contracts). */
  readonly bytecode: Hex;
  /** Runtime code, 0x-prefixed. */
  readonly deployedBytecode: Hex;
}

/** Contracts under contracts/src; any other name is looked up too. */
export type ContractName =
  | 'ChainRegistry'
  | 'BondManager'
  | 'DataInbox'
  | 'BatchInbox'
  | 'Bridge'
  | 'L2Bridge'
  | 'MessagePasser'
  | 'BridgedToken'
  | 'MetisTestToken'
  | 'Reverter'
  | 'DacRegistry'
  | 'DacReputation'
  | 'DacAttributes'
  | 'DacCommitments'
  | 'DacTreasury'
  | 'DacProposals';

/**
 * Fixed L2 addresses (contracts/src/l2/Predeploys.sol): the L2 genesis holds the runtime code of L2Bridge and
 * MessagePasser there, and the node applies L1 deposits as calls from the system caller.
 */
export declare const PREDEPLOYS: {
  readonly L2_BRIDGE: '0x4200000000000000000000000000000000000010';
  readonly MESSAGE_PASSER: '0x4200000000000000000000000000000000000016';
  readonly DAC_REGISTRY: '0x4200000000000000000000000000000000000100';
  readonly DAC_REPUTATION: '0x4200000000000000000000000000000000000101';
  readonly DAC_ATTRIBUTES: '0x4200000000000000000000000000000000000102';
  readonly DAC_COMMITMENTS: '0x4200000000000000000000000000000000000103';
  readonly DAC_PROPOSALS: '0x4200000000000000000000000000000000000104';
  readonly DAC_TREASURY: '0x4200000000000000000000000000000000000105';
  readonly DAC_TOKEN_FACTORY: '0x4200000000000000000000000000000000000110';
  readonly SYSTEM_CALLER: '0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001';
};

/** Absolute path of the artifacts folder (with a trailing separator). */
export declare const artifactsDir: string;

/** Absolute path of one contract's artifact. */
export declare function artifactPath(name: ContractName | (string & {})): string;

/**
 * The parsed (and frozen, cached) artifact of a contract. Throws when it has not been compiled: run
 * `node contracts/scripts/compile.mjs` or `npm run build`.
 */
export declare function loadArtifact(name: ContractName | (string & {})): ContractArtifact;
