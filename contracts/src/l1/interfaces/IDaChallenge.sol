// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BatchHeader} from "../L1Types.sol";

/// @notice The data-availability challenge of IPFS chains (daKind 2): its API, events and errors, for the
///         nodes that open and answer challenges.
interface IDaChallenge {
    /// @notice One challenge of one chunk of one batch.
    /// @param challenger  who opened it and gets its bond back (or loses it); zero when there is none
    /// @param deadline    the last L1 timestamp at which an answer is accepted
    /// @param chunkCount  from the commitment: number of chunks of the batch data
    /// @param headerHash  the challenged header's hash (keccak256(abi.encode(header)))
    /// @param chunkRoot   from the commitment: StandardMerkleTree root over [chunkIndex, keccak256(chunk)]
    /// @param bond        wei the challenger posted
    /// @param appendedAt  the challenged batch's appendedAt, which with headerHash identifies it in the inbox
    /// @param chunkSize   from the commitment: bytes per chunk (the last one may be shorter, never empty)
    struct Challenge {
        address challenger;
        uint64 deadline;
        uint32 chunkCount;
        bytes32 headerHash;
        bytes32 chunkRoot;
        uint128 bond;
        uint64 appendedAt;
        uint32 chunkSize;
    }

    /// @notice What can be done with the challenge slot of (chain, batch, chunk).
    /// None: no challenge. Open: the batch is the challenged one and the deadline has not passed (respond).
    /// Expired: unanswered past the deadline (resolve). Stale: the challenged batch was removed or replaced (refund).
    enum ChallengeStatus {
        None,
        Open,
        Expired,
        Stale
    }

    error ZeroAddress(string field);
    error ZeroResponseWindow();
    /// @notice The inbox, the bond manager and the registry must be the ones wired to each other.
    error InconsistentWiring();
    error BondTooSmall(uint256 required, uint256 sent);
    error BondTooLarge(uint256 sent);
    error BatchNotFound(uint256 chainId, uint64 batchIndex);
    /// @param stored the header hash the BatchInbox holds; @param given the hash of the header passed
    error WrongHeader(uint256 chainId, uint64 batchIndex, bytes32 stored, bytes32 given);
    /// @notice Challenges are opened only during the batch's challenge window (a final batch is past it).
    error ChallengeWindowClosed(uint256 chainId, uint64 batchIndex, uint256 closedAt);
    error NotIpfsChain(uint256 chainId, uint8 daKind);
    /// @notice The commitment is not version 0x02 or shorter than 41 bytes.
    error InvalidCommitment(uint256 chainId, uint64 batchIndex);
    /// @notice The commitment has zero chunks (empty batch data): there is nothing to withhold.
    error NothingToChallenge(uint256 chainId, uint64 batchIndex);
    error ChunkIndexOutOfRange(uint256 chainId, uint64 batchIndex, uint32 chunkIndex, uint32 chunkCount);
    error ChunkAlreadyRevealed(uint256 chainId, uint64 batchIndex, uint32 chunkIndex);
    error ChallengeAlreadyOpen(uint256 chainId, uint64 batchIndex, uint32 chunkIndex, uint64 deadline);
    error NoOpenChallenge(uint256 chainId, uint64 batchIndex, uint32 chunkIndex);
    error ResponseWindowClosed(uint256 chainId, uint64 batchIndex, uint32 chunkIndex, uint64 deadline);
    error ResponseWindowOpen(uint256 chainId, uint64 batchIndex, uint32 chunkIndex, uint64 deadline);
    /// @notice The challenged batch was removed (or replaced) since: the challenger reclaims its bond with refund.
    error ChallengeStale(uint256 chainId, uint64 batchIndex, uint32 chunkIndex);
    /// @notice refund is only for challenges whose batch was removed or replaced.
    error ChallengeNotStale(uint256 chainId, uint64 batchIndex, uint32 chunkIndex);
    /// @param minLength 1 for the last chunk, chunkSize for the others; @param maxLength chunkSize
    error WrongChunkLength(uint32 chunkIndex, uint256 length, uint256 minLength, uint256 maxLength);
    error InvalidChunkProof(uint32 chunkIndex, bytes32 chunkHash);
    error NoBalance(address account);
    /// @notice Only the BondManager (paying a challenger's reward) may send ETH without a call.
    error UnexpectedEther(address from);

    /// @notice A chunk was challenged; the batch is locked (cannot finalize) until the challenge ends.
    event ChallengeOpened(
        uint256 indexed chainId,
        uint64 indexed batchIndex,
        uint32 indexed chunkIndex,
        address challenger,
        bytes32 headerHash,
        uint256 bond,
        uint64 deadline
    );
    /// @notice The chunk was revealed in the calldata of this transaction (`respond`'s `chunk` argument).
    event ChallengeAnswered(
        uint256 indexed chainId,
        uint64 indexed batchIndex,
        uint32 indexed chunkIndex,
        bytes32 headerHash,
        bytes32 chunkHash,
        address responder,
        address proposer,
        uint256 bond
    );
    /// @notice Unanswered: the batch and its successors were removed, `slashed` taken from the proposer's bond,
    ///         `reward` of it credited to the challenger (with its own bond), the rest sent to the treasury.
    event ChallengeResolved(
        uint256 indexed chainId,
        uint64 indexed batchIndex,
        uint32 indexed chunkIndex,
        address challenger,
        address proposer,
        uint256 slashed,
        uint256 reward
    );
    /// @notice The challenged batch had been removed or replaced: the bond was credited back, nobody slashed.
    event ChallengeRefunded(
        uint256 indexed chainId, uint64 indexed batchIndex, uint32 indexed chunkIndex, address challenger, uint256 bond
    );
    /// @notice `amount` was added to the withdrawable balance of `account` (now `balance`).
    event Credited(address indexed account, uint256 amount, uint256 balance);
    event Withdrawn(address indexed account, address indexed to, uint256 amount);

    function challenge(BatchHeader calldata h, uint32 chunkIndex) external payable;
    function respond(uint256 chainId, uint64 batchIndex, uint32 chunkIndex, bytes calldata chunk, bytes32[] calldata proof)
        external;
    function resolve(uint256 chainId, uint64 batchIndex, uint32 chunkIndex) external;
    function refund(uint256 chainId, uint64 batchIndex, uint32 chunkIndex) external;
    function withdraw() external;
    function withdrawTo(address payable to) external;

    function getChallenge(uint256 chainId, uint64 batchIndex, uint32 chunkIndex) external view returns (Challenge memory);
    function challengeStatus(uint256 chainId, uint64 batchIndex, uint32 chunkIndex)
        external
        view
        returns (ChallengeStatus status, uint64 deadline);
    function isRevealed(bytes32 headerHash, uint32 chunkIndex) external view returns (bool);
    function balanceOf(address account) external view returns (uint256);
    function decodeCommitment(bytes calldata commitment)
        external
        pure
        returns (bool valid, bytes32 chunkRoot, uint32 chunkCount, uint32 chunkSize, bytes memory rootCid);
    function chunkLeaf(uint32 chunkIndex, bytes calldata chunk) external pure returns (bytes32);
}
