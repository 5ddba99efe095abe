// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Attestation, BatchHeader} from "../L1Types.sol";
import {IChallengeableInbox} from "./IChallengeableInbox.sol";
import {IRangerQuorum} from "./IRangerQuorum.sol";
import {IRangerRegistry} from "./IRangerRegistry.sol";

/// @notice State-root disputes settled by the rangers' votes, and equivocation reports: the API, events and
///         errors the nodes (rangers, sequencers) and the RangerCertifier use.
interface IRangerDisputes is IRangerQuorum {
    /// @notice The dispute of one batch.
    /// @param challenger  who opened it (zero when there is none)
    /// @param deadline    the last L1 timestamp at which `resolve` is accepted
    /// @param appendedAt  the disputed batch's appendedAt (with headerHash, identifies it in the inbox)
    /// @param headerHash  keccak256(abi.encode(header)) of the disputed batch
    /// @param bond        wei the challenger posted
    struct Dispute {
        address challenger;
        uint64 deadline;
        uint64 appendedAt;
        bytes32 headerHash;
        uint128 bond;
    }

    /// @notice None: no dispute. Open: voting until the deadline (resolve). Expired: the deadline passed without
    ///         a quorum (expire). Stale: the disputed batch was removed or replaced (refund).
    enum DisputeStatus {
        None,
        Open,
        Expired,
        Stale
    }

    /// @notice What became of a header's dispute. Upheld: a quorum agreed with the header (it cannot be
    ///         challenged again). Expired: no quorum in time (never certifiable, it finalizes by its window only).
    enum Verdict {
        None,
        Upheld,
        Expired
    }

    error ZeroAddress(string field);
    error ZeroVoteWindow();
    /// @notice The inbox, the bond manager, the chain registry and the ranger registry must be wired together.
    error InconsistentWiring();
    error BondTooSmall(uint256 required, uint256 sent);
    error BondTooLarge(uint256 sent);
    error BatchNotFound(uint256 chainId, uint64 batchIndex);
    error WrongHeader(uint256 chainId, uint64 batchIndex, bytes32 stored, bytes32 given);
    error ChallengeWindowClosed(uint256 chainId, uint64 batchIndex, uint256 closedAt);
    error BatchAlreadyFinal(uint256 chainId, uint64 batchIndex);
    /// @notice The chain has no ranger stake at the batch's snapshot: no vote could ever settle a dispute.
    error NoCommittee(uint256 chainId, uint64 batchIndex);
    /// @notice The header was disputed before (upheld by a quorum, or expired).
    error AlreadyDisputed(uint256 chainId, uint64 batchIndex, Verdict verdict);
    error DisputeAlreadyOpen(uint256 chainId, uint64 batchIndex, uint64 deadline);
    error NoOpenDispute(uint256 chainId, uint64 batchIndex);
    error DisputeStale(uint256 chainId, uint64 batchIndex);
    error DisputeNotStale(uint256 chainId, uint64 batchIndex);
    error VoteWindowClosed(uint256 chainId, uint64 batchIndex, uint64 deadline);
    error VoteWindowOpen(uint256 chainId, uint64 batchIndex, uint64 deadline);
    /// @notice The attestation voted on is not about the disputed batch's input (chain, index, prevStateRoot,
    ///         dataHash).
    error AttestationInputMismatch(uint256 chainId, uint64 batchIndex);
    /// @notice The two attestations are not an equivocation: not the same signer, not the same input, or the
    ///         same output.
    error NotEquivocation();
    error AlreadyReported(uint256 chainId, address signer, uint64 batchIndex);
    error NoBalance(address account);
    /// @notice Only the BondManager (a challenger's reward) sends ETH without a call.
    error UnexpectedEther(address from);

    /// @notice A batch was challenged: it is locked (cannot finalize); rangers vote until `deadline` with their
    ///         attestations, on the stake snapshot `appendedAt - 1`.
    event DisputeOpened(
        uint256 indexed chainId,
        uint64 indexed batchIndex,
        address indexed challenger,
        bytes32 headerHash,
        uint256 bond,
        uint64 deadline
    );
    /// @notice A quorum settled the dispute. `batchValid`: the quorum agreed with the header; the challenger's
    ///         bond went to the proposer and the batch was unlocked. Otherwise the batch and every later one were
    ///         removed, `slashed` taken from the proposer's bond and `reward` of it credited to the challenger
    ///         (with its bond). `newStateRoot` and `withdrawalRoot` are the output the quorum signed.
    event DisputeResolved(
        uint256 indexed chainId,
        uint64 indexed batchIndex,
        bytes32 headerHash,
        bool batchValid,
        bytes32 newStateRoot,
        bytes32 withdrawalRoot,
        uint256 slashed,
        uint256 reward
    );
    /// @notice No quorum before the deadline: the bond was credited back, the batch unlocked; the header can
    ///         only finalize by its challenge window.
    event DisputeExpired(uint256 indexed chainId, uint64 indexed batchIndex, bytes32 headerHash, address challenger, uint256 bond);
    /// @notice The disputed batch had been removed or replaced: the bond was credited back.
    event DisputeRefunded(uint256 indexed chainId, uint64 indexed batchIndex, bytes32 headerHash, address challenger, uint256 bond);
    /// @notice `signer` (a key of `operator`) signed two outputs for one input of batch `batchIndex`: its
    ///         operator's whole stake (`slashed`) was taken, `reward` of it paid to `reporter`.
    event EquivocationReported(
        uint256 indexed chainId,
        address indexed signer,
        address indexed operator,
        uint64 batchIndex,
        address reporter,
        uint256 slashed,
        uint256 reward
    );
    event Credited(address indexed account, uint256 amount, uint256 balance);
    event Withdrawn(address indexed account, address indexed to, uint256 amount);

    function inbox() external view returns (IChallengeableInbox);
    function rangerRegistry() external view returns (IRangerRegistry);

    function challenge(BatchHeader calldata h) external payable;
    function resolve(BatchHeader calldata h, Attestation calldata a, bytes[] calldata signatures) external;
    function expire(uint256 chainId, uint64 batchIndex) external;
    function refund(uint256 chainId, uint64 batchIndex) external;
    function reportEquivocation(Attestation calldata a, bytes calldata sigA, Attestation calldata b, bytes calldata sigB)
        external;
    function withdraw() external;
    function withdrawTo(address payable to) external;

    function getDispute(uint256 chainId, uint64 batchIndex) external view returns (Dispute memory);
    function disputeStatus(uint256 chainId, uint64 batchIndex) external view returns (DisputeStatus status, uint64 deadline);
    function verdictOf(bytes32 headerHash) external view returns (Verdict);
    function isDisputed(uint256 chainId, uint64 batchIndex, bytes32 headerHash) external view returns (bool);
    function isReported(uint256 chainId, address signer, uint64 batchIndex, bytes32 prevStateRoot, bytes32 dataHash)
        external
        view
        returns (bool);
    function balanceOf(address account) external view returns (uint256);
}
