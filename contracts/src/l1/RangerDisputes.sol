// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Attestation, BatchHeader, StoredBatch} from "./L1Types.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IChallengeableInbox} from "./interfaces/IChallengeableInbox.sol";
import {IRangerDisputes} from "./interfaces/IRangerDisputes.sol";
import {IRangerRegistry} from "./interfaces/IRangerRegistry.sol";
import {ISlashableBonds} from "./interfaces/ISlashableBonds.sol";
import {RangerAttestations} from "./lib/RangerAttestations.sol";
import {RangerQuorum} from "./lib/RangerQuorum.sol";

/// @title RangerDisputes
/// @notice State-root disputes settled by the rangers, and equivocation slashing.
///
///         Anyone may challenge a batch during its challenge window (while it is not final) by posting at least
///         `minChallengeBond`; the batch is locked in the BatchInbox. Until the deadline (`voteWindow` seconds
///         later) anyone may `resolve` the dispute with signatures, by rangers holding two thirds of the stake at
///         the batch's snapshot (`appendedAt - 1`), of one attestation of the batch's input:
///         - it matches the header: the challenger was wrong; its bond is credited to the proposer, the batch is
///           unlocked, and the header cannot be challenged again;
///         - it does not: the proposer was wrong; the batch and every later one are removed, the proposer's bond
///           is slashed by min(its bond, the chain's minBond), half of it (rounded down) credited to the
///           challenger with its own bond, the rest sent to the BondManager's treasury.
///         Without a quorum by the deadline, `expire` credits the bond back and unlocks the batch; the header is
///         then disputed forever: never certifiable, it finalizes by its challenge window only. A dispute whose
///         batch was removed meanwhile is refunded (`refund`).
///
///         Two attestations signed by one ranger key for the same input with different outputs are equivocation:
///         anyone reports them once (`reportEquivocation`) and the operator's whole stake (active and unbonding)
///         is slashed in the RangerRegistry, half (rounded down) paid to the reporter, the rest to the treasury.
///         Payments of this contract are credited to balances and paid by `withdraw`.
/// @dev Needs CHALLENGER_ROLE on the BatchInbox, SLASHER_ROLE on the BondManager and on the RangerRegistry. A
///      dispute is identified by (chainId, batchIndex) and belongs to the batch with its header hash and
///      appendedAt. The BondManager's unbonding delay should cover the challenge window plus `voteWindow`.
contract RangerDisputes is IRangerDisputes, ReentrancyGuard {
    using Address for address payable;

    /// @notice A slashed proposer's bond and an equivocator's stake are split: 1/REWARD_DIVISOR to whoever proved it.
    uint256 public constant REWARD_DIVISOR = 2;

    IChallengeableInbox public immutable inbox;
    IRangerRegistry public immutable rangerRegistry;
    IChainRegistry public immutable chainRegistry;
    ISlashableBonds public immutable bonds;
    /// @notice Seconds rangers have to settle a dispute, from the moment it opens.
    uint64 public immutable voteWindow;
    /// @notice Least wei a challenger posts.
    uint256 public immutable minChallengeBond;

    mapping(uint256 chainId => mapping(uint64 batchIndex => Dispute)) private _disputes;
    mapping(bytes32 headerHash => Verdict) private _verdicts;
    mapping(bytes32 evidence => bool) private _reported;
    mapping(address account => uint256) private _balances;

    /// @param inbox_ the BatchInbox (the chain registry and the BondManager are read from it)
    /// @param rangerRegistry_ the RangerRegistry on the same chain registry
    /// @param voteWindow_ seconds to settle a dispute (non-zero); @param minChallengeBond_ least wei a challenge posts
    constructor(IChallengeableInbox inbox_, IRangerRegistry rangerRegistry_, uint64 voteWindow_, uint256 minChallengeBond_) {
        if (address(inbox_) == address(0)) revert ZeroAddress("inbox");
        if (address(rangerRegistry_) == address(0)) revert ZeroAddress("rangerRegistry");
        if (voteWindow_ == 0) revert ZeroVoteWindow();
        IChainRegistry chains = inbox_.registry();
        ISlashableBonds bonds_ = ISlashableBonds(address(inbox_.bonds()));
        if (bonds_.registry() != address(chains) || address(rangerRegistry_.chainRegistry()) != address(chains)) {
            revert InconsistentWiring();
        }
        inbox = inbox_;
        rangerRegistry = rangerRegistry_;
        chainRegistry = chains;
        bonds = bonds_;
        voteWindow = voteWindow_;
        minChallengeBond = minChallengeBond_;
    }

    /// @notice Only the BondManager sends ETH here directly: the challenger's share of a slashed bond.
    receive() external payable {
        if (msg.sender != address(bonds)) revert UnexpectedEther(msg.sender);
    }

    /// @notice Disputes the state root of the batch with header `h` (as appended), posting msg.value (at least
    ///         `minChallengeBond`) as bond. Locks the batch until the dispute ends.
    /// @dev Reverts BondTooSmall, BondTooLarge, BatchNotFound, WrongHeader, ChallengeWindowClosed,
    ///      BatchAlreadyFinal (certified), AlreadyDisputed (upheld or expired before), NoCommittee (no ranger stake
    ///      at the snapshot), DisputeAlreadyOpen. A stale dispute left in the slot is refunded first.
    function challenge(BatchHeader calldata h) external payable nonReentrant {
        if (msg.value < minChallengeBond) revert BondTooSmall(minChallengeBond, msg.value);
        if (msg.value > type(uint128).max) revert BondTooLarge(msg.value);
        uint256 chainId = h.chainId;
        uint64 batchIndex = h.batchIndex;
        if (batchIndex >= inbox.nextBatchIndex(chainId)) revert BatchNotFound(chainId, batchIndex);
        StoredBatch memory stored = inbox.getBatch(chainId, batchIndex);
        bytes32 hash = keccak256(abi.encode(h));
        if (hash != stored.headerHash) revert WrongHeader(chainId, batchIndex, stored.headerHash, hash);
        uint256 closesAt = uint256(stored.appendedAt) + chainRegistry.getChain(chainId).challengeWindow;
        if (block.timestamp >= closesAt) revert ChallengeWindowClosed(chainId, batchIndex, closesAt);
        if (inbox.isFinalized(chainId, batchIndex)) revert BatchAlreadyFinal(chainId, batchIndex);
        Verdict verdict = _verdicts[hash];
        if (verdict != Verdict.None) revert AlreadyDisputed(chainId, batchIndex, verdict);
        if (rangerRegistry.totalStakeAt(chainId, uint48(stored.appendedAt - 1)) == 0) revert NoCommittee(chainId, batchIndex);

        Dispute storage slot = _disputes[chainId][batchIndex];
        if (slot.challenger != address(0)) {
            if (slot.headerHash == hash && slot.appendedAt == stored.appendedAt) {
                revert DisputeAlreadyOpen(chainId, batchIndex, slot.deadline);
            }
            _refund(chainId, batchIndex, slot);
        }
        uint64 deadline = uint64(block.timestamp) + voteWindow;
        _disputes[chainId][batchIndex] = Dispute({
            challenger: msg.sender,
            deadline: deadline,
            appendedAt: stored.appendedAt,
            headerHash: hash,
            bond: uint128(msg.value)
        });
        emit DisputeOpened(chainId, batchIndex, msg.sender, hash, msg.value, deadline);
        inbox.lock(chainId, batchIndex);
    }

    /// @notice Settles the dispute of the batch with header `h` with `signatures` (signers strictly increasing)
    ///         of attestation `a` about the batch's input, by rangers holding two thirds of the stake at the
    ///         batch's snapshot. Anyone, until the deadline. See the contract's notice for both outcomes.
    /// @dev Reverts NoOpenDispute, WrongHeader (not the disputed header), DisputeStale, VoteWindowClosed,
    ///      AttestationInputMismatch, and the quorum errors.
    function resolve(BatchHeader calldata h, Attestation calldata a, bytes[] calldata signatures) external nonReentrant {
        uint256 chainId = h.chainId;
        uint64 batchIndex = h.batchIndex;
        Dispute memory d = _disputes[chainId][batchIndex];
        if (d.challenger == address(0)) revert NoOpenDispute(chainId, batchIndex);
        bytes32 hash = keccak256(abi.encode(h));
        if (hash != d.headerHash) revert WrongHeader(chainId, batchIndex, d.headerHash, hash);
        (bool current, address proposer) = _current(chainId, batchIndex, d);
        if (!current) revert DisputeStale(chainId, batchIndex);
        if (block.timestamp > d.deadline) revert VoteWindowClosed(chainId, batchIndex, d.deadline);
        Attestation memory claimed = RangerAttestations.fromHeader(h);
        Attestation memory voted = a;
        if (!RangerAttestations.sameInput(voted, claimed)) revert AttestationInputMismatch(chainId, batchIndex);
        RangerQuorum.verify(
            rangerRegistry,
            chainId,
            RangerAttestations.digest(address(rangerRegistry), voted),
            signatures,
            uint48(d.appendedAt - 1)
        );

        delete _disputes[chainId][batchIndex];
        if (RangerAttestations.sameOutput(voted, claimed)) {
            _verdicts[hash] = Verdict.Upheld;
            emit DisputeResolved(chainId, batchIndex, hash, true, voted.newStateRoot, voted.withdrawalRoot, 0, 0);
            _credit(proposer, d.bond);
            inbox.unlock(chainId, batchIndex);
        } else {
            _reject(chainId, batchIndex, d, proposer, voted);
        }
    }

    /// @notice Ends a dispute without a quorum after its deadline (anyone): the bond is credited back to the
    ///         challenger, the batch unlocked, and its header marked Expired (never certifiable).
    /// @dev Reverts NoOpenDispute, DisputeStale, VoteWindowOpen (until the deadline has passed).
    function expire(uint256 chainId, uint64 batchIndex) external nonReentrant {
        Dispute memory d = _disputes[chainId][batchIndex];
        if (d.challenger == address(0)) revert NoOpenDispute(chainId, batchIndex);
        (bool current,) = _current(chainId, batchIndex, d);
        if (!current) revert DisputeStale(chainId, batchIndex);
        if (block.timestamp <= d.deadline) revert VoteWindowOpen(chainId, batchIndex, d.deadline);
        delete _disputes[chainId][batchIndex];
        _verdicts[d.headerHash] = Verdict.Expired;
        emit DisputeExpired(chainId, batchIndex, d.headerHash, d.challenger, d.bond);
        _credit(d.challenger, d.bond);
        inbox.unlock(chainId, batchIndex);
    }

    /// @notice Credits the bond of a dispute back when its batch was removed or replaced (anyone).
    /// @dev Reverts NoOpenDispute, DisputeNotStale.
    function refund(uint256 chainId, uint64 batchIndex) external nonReentrant {
        Dispute storage d = _disputes[chainId][batchIndex];
        if (d.challenger == address(0)) revert NoOpenDispute(chainId, batchIndex);
        (bool current,) = _current(chainId, batchIndex, d);
        if (current) revert DisputeNotStale(chainId, batchIndex);
        _refund(chainId, batchIndex, d);
    }

    /// @notice Slashes the operator of the key that signed both `a` (sigA) and `b` (sigB): same input, different
    ///         output. Its whole stake on the chain (active and unbonding) is taken, half (rounded down) paid to
    ///         the caller by the RangerRegistry, the rest to the treasury. Each (signer, input) is reported once.
    /// @dev Reverts NotEquivocation, OpenZeppelin's ECDSA errors, UnknownSigner, AlreadyReported.
    function reportEquivocation(Attestation calldata a, bytes calldata sigA, Attestation calldata b, bytes calldata sigB)
        external
        nonReentrant
    {
        Attestation memory first = a;
        Attestation memory second = b;
        if (!RangerAttestations.sameInput(first, second) || RangerAttestations.sameOutput(first, second)) {
            revert NotEquivocation();
        }
        address registry = address(rangerRegistry);
        address signer = ECDSA.recoverCalldata(RangerAttestations.digest(registry, first), sigA);
        if (ECDSA.recoverCalldata(RangerAttestations.digest(registry, second), sigB) != signer) revert NotEquivocation();
        uint256 chainId = first.chainId;
        address operator = rangerRegistry.operatorOfSigner(chainId, signer);
        if (operator == address(0)) revert UnknownSigner(signer);
        bytes32 evidence = _evidenceKey(chainId, signer, first.batchIndex, first.prevStateRoot, first.dataHash);
        if (_reported[evidence]) revert AlreadyReported(chainId, signer, first.batchIndex);
        _reported[evidence] = true;

        IRangerRegistry.RangerInfo memory r = rangerRegistry.getRanger(chainId, operator);
        uint256 amount = r.stake + r.unbonding;
        uint256 reward = amount / REWARD_DIVISOR;
        emit EquivocationReported(chainId, signer, operator, first.batchIndex, msg.sender, amount, reward);
        if (amount > 0) rangerRegistry.slash(chainId, operator, amount, msg.sender, reward);
    }

    /// @notice Pays the caller's whole balance to the caller. Reverts NoBalance.
    function withdraw() external nonReentrant {
        _withdraw(payable(msg.sender));
    }

    /// @notice Pays the caller's whole balance to `to`. Reverts ZeroAddress, NoBalance.
    function withdrawTo(address payable to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress("to");
        _withdraw(to);
    }

    /// @notice The dispute in the slot of (chainId, batchIndex); `challenger` is zero if there is none.
    function getDispute(uint256 chainId, uint64 batchIndex) external view returns (Dispute memory) {
        return _disputes[chainId][batchIndex];
    }

    /// @notice What can be done with the dispute of (chainId, batchIndex), and its deadline (0 for None).
    function disputeStatus(uint256 chainId, uint64 batchIndex) external view returns (DisputeStatus status, uint64 deadline) {
        Dispute memory d = _disputes[chainId][batchIndex];
        if (d.challenger == address(0)) return (DisputeStatus.None, 0);
        (bool current,) = _current(chainId, batchIndex, d);
        if (!current) return (DisputeStatus.Stale, d.deadline);
        return (block.timestamp > d.deadline ? DisputeStatus.Expired : DisputeStatus.Open, d.deadline);
    }

    /// @notice What became of the dispute of the header with hash `headerHash` (None while open or never disputed).
    function verdictOf(bytes32 headerHash) external view returns (Verdict) {
        return _verdicts[headerHash];
    }

    /// @notice Whether the header `headerHash` of batch (chainId, batchIndex) has a dispute in its slot (open, or
    ///         past its deadline and not yet expired) or an expired one: it must not be certified.
    /// @dev Conservative: a stale dispute on an identical header re-appended counts until refunded.
    function isDisputed(uint256 chainId, uint64 batchIndex, bytes32 headerHash) external view returns (bool) {
        Dispute storage d = _disputes[chainId][batchIndex];
        if (d.challenger != address(0) && d.headerHash == headerHash) return true;
        return _verdicts[headerHash] == Verdict.Expired;
    }

    /// @notice Whether equivocation of `signer` on this input (chain, batch, prevStateRoot, dataHash) was reported.
    function isReported(uint256 chainId, address signer, uint64 batchIndex, bytes32 prevStateRoot, bytes32 dataHash)
        external
        view
        returns (bool)
    {
        return _reported[_evidenceKey(chainId, signer, batchIndex, prevStateRoot, dataHash)];
    }

    /// @notice Wei `account` can withdraw.
    function balanceOf(address account) external view returns (uint256) {
        return _balances[account];
    }

    /// @dev The proposer was wrong: remove the batch and its successors, slash the proposer, reward the challenger.
    function _reject(uint256 chainId, uint64 batchIndex, Dispute memory d, address proposer, Attestation memory voted) private {
        (uint256 unbonding,) = bonds.unbondingOf(chainId, proposer);
        uint256 slashable = bonds.bondOf(chainId, proposer) + unbonding;
        uint256 cap = chainRegistry.getChain(chainId).minBond;
        uint256 slashed = slashable < cap ? slashable : cap;
        uint256 reward = slashed / REWARD_DIVISOR;
        emit DisputeResolved(chainId, batchIndex, d.headerHash, false, voted.newStateRoot, voted.withdrawalRoot, slashed, reward);
        // Credited before the BondManager pays the reward here (the slash reverts as a whole otherwise).
        _credit(d.challenger, uint256(d.bond) + reward);
        inbox.removeBatchesFrom(chainId, batchIndex);
        if (slashed > 0) bonds.slash(chainId, proposer, slashed, address(this), reward);
    }

    /// @dev Whether the disputed batch is still in the inbox (same header hash and appendedAt), and its proposer.
    function _current(uint256 chainId, uint64 batchIndex, Dispute memory d) private view returns (bool, address) {
        if (batchIndex >= inbox.nextBatchIndex(chainId)) return (false, address(0));
        StoredBatch memory stored = inbox.getBatch(chainId, batchIndex);
        return (stored.headerHash == d.headerHash && stored.appendedAt == d.appendedAt, stored.proposer);
    }

    function _refund(uint256 chainId, uint64 batchIndex, Dispute storage d) private {
        address challenger = d.challenger;
        uint256 bond = d.bond;
        bytes32 hash = d.headerHash;
        delete _disputes[chainId][batchIndex];
        emit DisputeRefunded(chainId, batchIndex, hash, challenger, bond);
        _credit(challenger, bond);
    }

    function _credit(address account, uint256 amount) private {
        if (amount == 0) return;
        uint256 balance = _balances[account] + amount;
        _balances[account] = balance;
        emit Credited(account, amount, balance);
    }

    function _withdraw(address payable to) private {
        uint256 amount = _balances[msg.sender];
        if (amount == 0) revert NoBalance(msg.sender);
        _balances[msg.sender] = 0;
        emit Withdrawn(msg.sender, to, amount);
        to.sendValue(amount);
    }

    function _evidenceKey(uint256 chainId, address signer, uint64 batchIndex, bytes32 prevStateRoot, bytes32 dataHash)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(chainId, signer, batchIndex, prevStateRoot, dataHash));
    }
}
