// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {BatchHeader} from "../L1Types.sol";
import {IRangerQuorum} from "./IRangerQuorum.sol";

/// @notice Quorum certificates of the rangers, which finalize a batch at once, and the rewards of the signers:
///         the API, events and errors the nodes use.
interface IRangerCertifier is IRangerQuorum {
    error ZeroAddress(string field);
    error ZeroAmount();
    /// @notice The disputes contract must work on the same inbox.
    error InconsistentWiring();
    /// @notice Same error as the BatchInbox's (getBatch reverts with it).
    error BatchNotFound(uint256 chainId, uint64 batchIndex);
    error WrongHeader(uint256 chainId, uint64 batchIndex, bytes32 stored, bytes32 given);
    error BatchAlreadyFinal(uint256 chainId, uint64 batchIndex);
    /// @notice The header has an open dispute, or one that expired without a quorum: it finalizes by its window.
    error BatchChallenged(uint256 chainId, uint64 batchIndex);
    error UnknownChain(uint256 chainId);
    error NotChainOwner(uint256 chainId, address caller);
    error NoRewards(address account);
    /// @notice submitCertificates: as many signature lists as headers.
    error LengthMismatch(uint256 headers, uint256 signatureLists);
    /// @notice submitCertificates with no header.
    error NoBatches();

    /// @notice Batch `batchIndex` is final: signers holding `signedStake` of `totalStake` (at the batch's
    ///         snapshot) signed the attestation matching its header.
    event BatchCertified(
        uint256 indexed chainId,
        uint64 indexed batchIndex,
        bytes32 headerHash,
        uint256 signedStake,
        uint256 totalStake,
        uint256 signerCount
    );
    event RewardsFunded(uint256 indexed chainId, address indexed from, uint256 amount, uint256 pool);
    event RewardPerBatchSet(uint256 indexed chainId, uint256 amount);
    /// @notice `amount` of the chain's pool was credited to the signers of the certificate (pro rata stake).
    event RewardsDistributed(uint256 indexed chainId, uint64 indexed batchIndex, uint256 amount, uint256 pool);
    event RewardCredited(address indexed operator, uint256 indexed chainId, uint64 indexed batchIndex, uint256 amount);
    event RewardsClaimed(address indexed operator, uint256 amount);

    function submitCertificate(BatchHeader calldata h, bytes[] calldata signatures) external;
    function submitCertificates(BatchHeader[] calldata hs, bytes[][] calldata signatures) external;
    function fundRewards(uint256 chainId) external payable;
    function setRewardPerBatch(uint256 chainId, uint256 amount) external;
    function claimRewards() external;

    function rewardPool(uint256 chainId) external view returns (uint256);
    function rewardPerBatch(uint256 chainId) external view returns (uint256);
    function rewardsOf(address operator) external view returns (uint256);
}
