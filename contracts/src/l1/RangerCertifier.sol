// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {BatchHeader, StoredBatch} from "./L1Types.sol";
import {ICertifiableInbox} from "./interfaces/ICertifiableInbox.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IRangerCertifier} from "./interfaces/IRangerCertifier.sol";
import {IRangerDisputes} from "./interfaces/IRangerDisputes.sol";
import {IRangerRegistry} from "./interfaces/IRangerRegistry.sol";
import {RangerAttestations} from "./lib/RangerAttestations.sol";
import {RangerQuorum} from "./lib/RangerQuorum.sol";

/// @title RangerCertifier
/// @notice Finalizes a batch at once when rangers holding at least two thirds of the chain's stake, as it was
///         just before the batch's L1 block (`appendedAt - 1`), signed the attestation that matches its header.
///         Anyone submits the certificate. A header with an open dispute, or one whose dispute expired without a
///         quorum, is never certified: it finalizes by its challenge window.
///
///         Optional rewards: anyone funds a chain's pool, its owner sets a reward per batch; each certificate
///         moves r = min(rewardPerBatch, pool) from the pool to the signing operators pro rata their stake
///         (rounded down; the dust stays in the pool), who claim it with claimRewards. The contract's balance is
///         always the sum of the pools plus the sum of the credits.
/// @dev Needs FINALIZER_ROLE on the BatchInbox. Signatures are over the EIP-712 digest of the RangerRegistry's
///      domain (RangerAttestations) and must come in strictly increasing signer order.
contract RangerCertifier is IRangerCertifier, ReentrancyGuard {
    using Address for address payable;

    ICertifiableInbox public immutable inbox;
    IRangerDisputes public immutable disputes;
    IRangerRegistry public immutable rangerRegistry;
    IChainRegistry public immutable chainRegistry;

    mapping(uint256 chainId => uint256) private _pools;
    mapping(uint256 chainId => uint256) private _rewardPerBatch;
    mapping(address operator => uint256) private _credits;

    /// @param inbox_ the BatchInbox; @param disputes_ the RangerDisputes of that inbox (the ranger registry and
    ///        the chain registry are read from them)
    constructor(ICertifiableInbox inbox_, IRangerDisputes disputes_) {
        if (address(inbox_) == address(0)) revert ZeroAddress("inbox");
        if (address(disputes_) == address(0)) revert ZeroAddress("disputes");
        if (address(disputes_.inbox()) != address(inbox_)) revert InconsistentWiring();
        inbox = inbox_;
        disputes = disputes_;
        rangerRegistry = disputes_.rangerRegistry();
        chainRegistry = inbox_.registry();
    }

    /// @notice Finalizes the batch with header `h` (as appended) with the rangers' `signatures` (65 bytes each,
    ///         signers strictly increasing) of the attestation matching `h`, then pays the certificate's reward.
    /// @dev Reverts BatchNotFound, WrongHeader, BatchAlreadyFinal, BatchChallenged, the quorum errors
    ///      (SignersNotSorted, DuplicateSigner, UnknownSigner, NoStakeAtSnapshot, InsufficientQuorum), and the
    ///      inbox's BatchIsLocked (a lock, e.g. a DA challenge, on it or an earlier batch) and PreviousNotFinal.
    function submitCertificate(BatchHeader calldata h, bytes[] calldata signatures) external nonReentrant {
        _certify(h, signatures);
    }

    /// @notice Certificates of several consecutive batches in one transaction (a backlog after an outage):
    ///         `signatures[i]` certifies `hs[i]`, in order, each exactly as `submitCertificate` would (its own
    ///         header check, stake snapshot and quorum); all or nothing.
    /// @dev Reverts LengthMismatch, NoBatches, and whatever `submitCertificate` reverts with for the first batch
    ///      that fails.
    function submitCertificates(BatchHeader[] calldata hs, bytes[][] calldata signatures) external nonReentrant {
        if (hs.length != signatures.length) revert LengthMismatch(hs.length, signatures.length);
        if (hs.length == 0) revert NoBatches();
        for (uint256 i = 0; i < hs.length; ++i) {
            _certify(hs[i], signatures[i]);
        }
    }

    function _certify(BatchHeader calldata h, bytes[] calldata signatures) private {
        uint256 chainId = h.chainId;
        uint64 batchIndex = h.batchIndex;
        StoredBatch memory stored = inbox.getBatch(chainId, batchIndex);
        bytes32 hash = keccak256(abi.encode(h));
        if (hash != stored.headerHash) revert WrongHeader(chainId, batchIndex, stored.headerHash, hash);
        if (inbox.isFinalized(chainId, batchIndex)) revert BatchAlreadyFinal(chainId, batchIndex);
        if (disputes.isDisputed(chainId, batchIndex, hash)) revert BatchChallenged(chainId, batchIndex);

        bytes32 digest = RangerAttestations.digest(address(rangerRegistry), RangerAttestations.fromHeader(h));
        RangerQuorum.Tally memory t =
            RangerQuorum.verify(rangerRegistry, chainId, digest, signatures, uint48(stored.appendedAt - 1));
        inbox.finalizeEarly(chainId, batchIndex);
        emit BatchCertified(chainId, batchIndex, hash, t.signedStake, t.totalStake, signatures.length);
        _distribute(chainId, batchIndex, t);
    }

    /// @notice Adds msg.value to the reward pool of `chainId` (a registered chain). Reverts ZeroAmount, UnknownChain.
    function fundRewards(uint256 chainId) external payable {
        if (msg.value == 0) revert ZeroAmount();
        if (!chainRegistry.isRegistered(chainId)) revert UnknownChain(chainId);
        uint256 pool = _pools[chainId] + msg.value;
        _pools[chainId] = pool;
        emit RewardsFunded(chainId, msg.sender, msg.value, pool);
    }

    /// @notice Sets the wei a certificate of `chainId` pays its signers (capped by the pool). Chain owner only.
    /// @dev Reverts NotChainOwner (or the ChainRegistry's UnknownChain).
    function setRewardPerBatch(uint256 chainId, uint256 amount) external {
        if (msg.sender != chainRegistry.getChain(chainId).owner) revert NotChainOwner(chainId, msg.sender);
        _rewardPerBatch[chainId] = amount;
        emit RewardPerBatchSet(chainId, amount);
    }

    /// @notice Pays the caller (an operator) every reward credited to it. Reverts NoRewards.
    function claimRewards() external nonReentrant {
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert NoRewards(msg.sender);
        _credits[msg.sender] = 0;
        emit RewardsClaimed(msg.sender, amount);
        payable(msg.sender).sendValue(amount);
    }

    /// @notice Wei left in the reward pool of `chainId`.
    function rewardPool(uint256 chainId) external view returns (uint256) {
        return _pools[chainId];
    }

    /// @notice Wei a certificate of `chainId` pays (at most the pool).
    function rewardPerBatch(uint256 chainId) external view returns (uint256) {
        return _rewardPerBatch[chainId];
    }

    /// @notice Wei `operator` can claim.
    function rewardsOf(address operator) external view returns (uint256) {
        return _credits[operator];
    }

    function _distribute(uint256 chainId, uint64 batchIndex, RangerQuorum.Tally memory t) private {
        uint256 pool = _pools[chainId];
        uint256 perBatch = _rewardPerBatch[chainId];
        uint256 r = perBatch < pool ? perBatch : pool;
        if (r == 0) return;
        uint256 paid = 0;
        for (uint256 i = 0; i < t.operators.length; ++i) {
            uint256 share = (r * t.stakes[i]) / t.signedStake;
            if (share == 0) continue;
            _credits[t.operators[i]] += share;
            paid += share;
            emit RewardCredited(t.operators[i], chainId, batchIndex, share);
        }
        pool -= paid;
        _pools[chainId] = pool;
        emit RewardsDistributed(chainId, batchIndex, paid, pool);
    }
}
