// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The settings of one L2 chain in the ChainRegistry.
/// @param owner            may replace the sequencer, the proposer and the sequencer info, and hand the chain over
/// @param sequencer        orders L2 transactions (informational on L1 for now)
/// @param proposer         the only account that may append batches to the BatchInbox
/// @param challengeWindow  seconds after which an appended batch is final (if not locked); fixed forever
/// @param minBond          wei the proposer must hold in the BondManager to append batches
/// @param daKind           where batch data lives: 1 = L1 calldata (DataInbox), 2 = IPFS; any non-zero value
/// @param genesisStateRoot state root of L2 block 0, the prevStateRoot of batch 0; fixed forever
/// @param inclusionWindow  L1 blocks within which a deposit must be consumed by a batch (forced inclusion)
struct ChainConfig {
    address owner;
    address sequencer;
    address proposer;
    uint64 challengeWindow;
    uint256 minBond;
    uint8 daKind;
    bytes32 genesisStateRoot;
    uint64 inclusionWindow;
}

/// @notice A state commitment for the L2 blocks firstBlock..lastBlock, appended to the BatchInbox.
/// @param depositCount number of L1 deposits consumed in total once this batch is applied (last index + 1)
struct BatchHeader {
    uint256 chainId;
    uint64 batchIndex;
    uint64 firstBlock;
    uint64 lastBlock;
    bytes32 prevStateRoot;
    bytes32 newStateRoot;
    bytes32 dataHash;
    bytes daCommitment;
    bytes32 withdrawalRoot;
    uint64 depositCount;
}

/// @notice What the BatchInbox keeps of an appended batch (the rest is in the BatchAppended event).
/// @param headerHash keccak256(abi.encode(header))
/// @param locks      open challenge locks on this batch
struct StoredBatch {
    bytes32 headerHash;
    bytes32 newStateRoot;
    bytes32 withdrawalRoot;
    uint64 lastBlock;
    uint64 depositCount;
    uint64 appendedAt;
    uint64 locks;
    address proposer;
}

/// @notice One L1 -> L2 deposit in a chain's queue. l1Token is address(0) for ETH; tokenMeta is
///         abi.encode(string name, string symbol, uint8 decimals) for ERC-20 tokens and empty for ETH.
struct Deposit {
    uint64 index;
    address from;
    address to;
    address l1Token;
    uint256 amount;
    bytes tokenMeta;
    uint64 l1Block;
}

/// @notice What a ranger signs (EIP-712, domain "Metis Rangers" version "1", verifyingContract the RangerRegistry)
///         after re-executing a batch. chainId (the L2 chain id), batchIndex, prevStateRoot and dataHash identify
///         the input; newStateRoot and withdrawalRoot are the output the signer computed. It "matches" a
///         BatchHeader when all six fields equal the header's.
struct Attestation {
    uint256 chainId;
    uint64 batchIndex;
    bytes32 prevStateRoot;
    bytes32 newStateRoot;
    bytes32 dataHash;
    bytes32 withdrawalRoot;
}
