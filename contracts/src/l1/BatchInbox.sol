// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {BatchHeader, ChainConfig, StoredBatch} from "./L1Types.sol";
import {IBatchInbox} from "./interfaces/IBatchInbox.sol";
import {IBondManager} from "./interfaces/IBondManager.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IDepositQueue} from "./interfaces/IDepositQueue.sol";

/// @title BatchInbox
/// @notice The state commitment chain of every registered L2 chain. The chain's bonded proposer appends
///         batches in order, each continuing the previous one's state root, block range and deposit count,
///         and consuming every deposit older than the chain's inclusion window. A batch is final once its
///         challenge window has passed and no challenge lock is open on it or on an earlier batch of its chain.
///         Accounts with CHALLENGER_ROLE (challenge contracts) lock batches and remove non-final ones; accounts
///         with FINALIZER_ROLE (the RangerCertifier) finalize a batch before its window ends, once a quorum of the
///         chain's staked rangers certified it.
/// @dev Finality is monotone per chain: if batch i is final, so is every batch before it. Locks are tracked
///      per batch and, per chain, as a count and a lowest locked index; that index is only reset when the
///      count drops to zero, so releasing one lock while others stay open may keep blocking a little more
///      than needed, never less. Batches finalized early form a prefix of the chain (`finalizedEarly`, a count):
///      finalizeEarly needs the previous batch final and no lock at or before the batch, and lock/removal refuse
///      final batches, so every lock stays at or above `finalizedEarly`.
contract BatchInbox is IBatchInbox, AccessControl {
    /// @notice Role of the contracts allowed to lock, unlock and remove batches.
    bytes32 public constant CHALLENGER_ROLE = keccak256("CHALLENGER_ROLE");
    /// @notice Role of the contracts allowed to finalize batches early (quorum certificates).
    bytes32 public constant FINALIZER_ROLE = keccak256("FINALIZER_ROLE");

    struct ChainState {
        uint64 nextBatchIndex;
        uint64 openLocks;
        uint64 lowestLocked;
        /// @dev Batches below this index are final by certificate (whatever their window).
        uint64 finalizedEarly;
    }

    error ZeroAddress(string field);
    error NotProposer(uint256 chainId, address caller);
    error ProposerNotBonded(uint256 chainId, address proposer);
    error WrongBatchIndex(uint256 chainId, uint64 expected, uint64 got);
    error WrongPrevStateRoot(uint256 chainId, bytes32 expected, bytes32 got);
    error NonContiguousBlocks(uint256 chainId, uint64 expectedFirstBlock, uint64 got);
    error InvalidBlockRange(uint64 firstBlock, uint64 lastBlock);
    error ZeroStateRoot();
    error DepositCountDecreased(uint256 chainId, uint64 previous, uint64 got);
    error DepositCountTooHigh(uint256 chainId, uint64 available, uint64 got);
    error ForcedInclusionMissed(uint256 chainId, uint64 due, uint64 got);
    error BatchNotFound(uint256 chainId, uint64 batchIndex);
    error BatchFinalized(uint256 chainId, uint64 batchIndex);
    error NotLocked(uint256 chainId, uint64 batchIndex);
    /// @notice A challenge lock is open on the batch or an earlier one (named so as not to clash with the event).
    error BatchIsLocked(uint256 chainId, uint64 batchIndex);
    /// @notice finalizeEarly needs the previous batch final.
    error PreviousNotFinal(uint256 chainId, uint64 batchIndex);

    /// @notice The full header is in the data so replicas can rebuild the chain of batches from logs.
    event BatchAppended(
        uint256 indexed chainId, uint64 indexed batchIndex, address indexed proposer, bytes32 headerHash, BatchHeader header
    );
    /// @notice Batches fromIndex..toIndex-1 were removed; the next batch index is fromIndex again.
    event BatchesRemoved(uint256 indexed chainId, uint64 indexed fromIndex, uint64 toIndex);
    event BatchLocked(uint256 indexed chainId, uint64 indexed batchIndex, uint64 locks);
    event BatchUnlocked(uint256 indexed chainId, uint64 indexed batchIndex, uint64 locks);
    /// @notice The batch (and every earlier one) is final before its challenge window ended.
    event BatchFinalizedEarly(uint256 indexed chainId, uint64 indexed batchIndex);

    IChainRegistry public immutable registry;
    IBondManager public immutable bonds;
    /// @notice The L1 Bridge, whose deposit queue batches consume.
    address public immutable bridge;

    mapping(uint256 chainId => ChainState) private _state;
    mapping(uint256 chainId => mapping(uint64 batchIndex => StoredBatch)) private _batches;

    /// @dev The deployer gets DEFAULT_ADMIN_ROLE (grants CHALLENGER_ROLE and FINALIZER_ROLE).
    constructor(IChainRegistry registry_, IBondManager bonds_, address bridge_) {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (address(bonds_) == address(0)) revert ZeroAddress("bonds");
        if (bridge_ == address(0)) revert ZeroAddress("bridge");
        registry = registry_;
        bonds = bonds_;
        bridge = bridge_;
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
    }

    /// @notice Appends the next batch of chain `h.chainId`. Only its registered proposer, while bonded.
    /// @dev Checks, in order: proposer, bond, index, previous state root, first block (previous lastBlock + 1,
    ///      or 1), block range, non-zero new root, deposit count (not below the previous batch's, not above the
    ///      bridge's queue, not below the deposits made at or before L1 block `block.number - inclusionWindow`).
    function appendBatch(BatchHeader calldata h) external {
        uint256 chainId = h.chainId;
        ChainConfig memory cfg = registry.getChain(chainId);
        if (msg.sender != cfg.proposer) revert NotProposer(chainId, msg.sender);
        if (!bonds.isBonded(chainId, msg.sender)) revert ProposerNotBonded(chainId, msg.sender);

        uint64 index = _state[chainId].nextBatchIndex;
        if (h.batchIndex != index) revert WrongBatchIndex(chainId, index, h.batchIndex);

        bytes32 prevRoot = cfg.genesisStateRoot;
        uint64 firstBlock = 1;
        uint64 prevDeposits = 0;
        if (index > 0) {
            StoredBatch storage prev = _batches[chainId][index - 1];
            prevRoot = prev.newStateRoot;
            firstBlock = prev.lastBlock + 1;
            prevDeposits = prev.depositCount;
        }
        if (h.prevStateRoot != prevRoot) revert WrongPrevStateRoot(chainId, prevRoot, h.prevStateRoot);
        if (h.firstBlock != firstBlock) revert NonContiguousBlocks(chainId, firstBlock, h.firstBlock);
        if (h.lastBlock < h.firstBlock) revert InvalidBlockRange(h.firstBlock, h.lastBlock);
        if (h.newStateRoot == bytes32(0)) revert ZeroStateRoot();
        _checkDeposits(chainId, h.depositCount, prevDeposits, cfg.inclusionWindow);

        bytes32 hash = keccak256(abi.encode(h));
        _batches[chainId][index] = StoredBatch({
            headerHash: hash,
            newStateRoot: h.newStateRoot,
            withdrawalRoot: h.withdrawalRoot,
            lastBlock: h.lastBlock,
            depositCount: h.depositCount,
            appendedAt: uint64(block.timestamp),
            locks: 0,
            proposer: msg.sender
        });
        _state[chainId].nextBatchIndex = index + 1;
        emit BatchAppended(chainId, index, msg.sender, hash, h);
    }

    /// @notice Removes batches `fromIndex` and later of `chainId` (none of them may be final). CHALLENGER_ROLE.
    /// @dev Open locks on the removed batches are dropped with them. Loops over the removed batches only when
    ///      locks are open on the chain.
    function removeBatchesFrom(uint256 chainId, uint64 fromIndex) external onlyRole(CHALLENGER_ROLE) {
        ChainState storage state = _state[chainId];
        uint64 next = state.nextBatchIndex;
        if (fromIndex >= next) revert BatchNotFound(chainId, fromIndex);
        if (_isFinalized(chainId, fromIndex)) revert BatchFinalized(chainId, fromIndex);
        if (state.openLocks > 0) {
            uint64 dropped = 0;
            for (uint64 i = fromIndex; i < next; ++i) {
                StoredBatch storage b = _batches[chainId][i];
                if (b.locks > 0) {
                    dropped += b.locks;
                    b.locks = 0;
                }
            }
            state.openLocks -= dropped;
        }
        state.nextBatchIndex = fromIndex;
        emit BatchesRemoved(chainId, fromIndex, next);
    }

    /// @notice Opens a challenge lock on a non-final batch: it and every later batch of the chain stay
    ///         non-final until every lock is released (or the batch is removed). CHALLENGER_ROLE.
    function lock(uint256 chainId, uint64 batchIndex) external onlyRole(CHALLENGER_ROLE) {
        ChainState storage state = _state[chainId];
        if (batchIndex >= state.nextBatchIndex) revert BatchNotFound(chainId, batchIndex);
        if (_isFinalized(chainId, batchIndex)) revert BatchFinalized(chainId, batchIndex);
        uint64 locks = ++_batches[chainId][batchIndex].locks;
        if (state.openLocks == 0 || batchIndex < state.lowestLocked) state.lowestLocked = batchIndex;
        state.openLocks += 1;
        emit BatchLocked(chainId, batchIndex, locks);
    }

    /// @notice Releases one challenge lock of a batch. CHALLENGER_ROLE.
    function unlock(uint256 chainId, uint64 batchIndex) external onlyRole(CHALLENGER_ROLE) {
        ChainState storage state = _state[chainId];
        StoredBatch storage b = _batches[chainId][batchIndex];
        if (batchIndex >= state.nextBatchIndex || b.locks == 0) revert NotLocked(chainId, batchIndex);
        uint64 locks = --b.locks;
        state.openLocks -= 1;
        emit BatchUnlocked(chainId, batchIndex, locks);
    }

    /// @notice Finalizes batch `batchIndex` of `chainId` now, before its challenge window ends (a quorum
    ///         certificate). FINALIZER_ROLE.
    /// @dev Reverts BatchNotFound, BatchFinalized (already final), BatchIsLocked (a lock is open on it or an
    ///      earlier batch), PreviousNotFinal (batch batchIndex - 1 is not final).
    function finalizeEarly(uint256 chainId, uint64 batchIndex) external onlyRole(FINALIZER_ROLE) {
        ChainState storage state = _state[chainId];
        if (batchIndex >= state.nextBatchIndex) revert BatchNotFound(chainId, batchIndex);
        uint64 window = registry.getChain(chainId).challengeWindow;
        if (_isFinalizedWith(chainId, batchIndex, window)) revert BatchFinalized(chainId, batchIndex);
        if (state.openLocks > 0 && batchIndex >= state.lowestLocked) revert BatchIsLocked(chainId, batchIndex);
        if (batchIndex > 0 && !_isFinalizedWith(chainId, batchIndex - 1, window)) {
            revert PreviousNotFinal(chainId, batchIndex);
        }
        state.finalizedEarly = batchIndex + 1;
        emit BatchFinalizedEarly(chainId, batchIndex);
    }

    /// @notice Whether batch `batchIndex` of `chainId` exists, no lock is open on it or an earlier batch, and
    ///         it was certified (finalizeEarly) or its challenge window has passed. Withdrawals against it can
    ///         then be finalized.
    function isFinalized(uint256 chainId, uint64 batchIndex) external view returns (bool) {
        return _isFinalized(chainId, batchIndex);
    }

    /// @notice The number of batches of `chainId` final by certificate (batches below it are final).
    function finalizedEarly(uint256 chainId) external view returns (uint64) {
        return _state[chainId].finalizedEarly;
    }

    /// @notice The number of the next batch to append (the number of batches) of `chainId`.
    function nextBatchIndex(uint256 chainId) external view returns (uint64) {
        return _state[chainId].nextBatchIndex;
    }

    /// @notice What is stored of batch `batchIndex`; reverts BatchNotFound if it does not exist (or was removed).
    function getBatch(uint256 chainId, uint64 batchIndex) external view returns (StoredBatch memory) {
        if (batchIndex >= _state[chainId].nextBatchIndex) revert BatchNotFound(chainId, batchIndex);
        return _batches[chainId][batchIndex];
    }

    /// @notice The state root of the last batch of `chainId`, or its genesis root before the first batch.
    function lastStateRoot(uint256 chainId) external view returns (bytes32) {
        uint64 next = _state[chainId].nextBatchIndex;
        if (next == 0) return registry.getChain(chainId).genesisStateRoot;
        return _batches[chainId][next - 1].newStateRoot;
    }

    /// @notice The withdrawal root of batch `batchIndex`; reverts BatchNotFound.
    function withdrawalRoot(uint256 chainId, uint64 batchIndex) external view returns (bytes32) {
        if (batchIndex >= _state[chainId].nextBatchIndex) revert BatchNotFound(chainId, batchIndex);
        return _batches[chainId][batchIndex].withdrawalRoot;
    }

    /// @notice The highest final batch of `chainId` (binary search: finality is monotone in the index).
    /// @return found false while no batch is final
    function lastFinalizedBatch(uint256 chainId) external view returns (bool found, uint64 batchIndex) {
        uint64 lo = 0;
        uint64 hi = _state[chainId].nextBatchIndex; // count of final batches lies in [lo, hi]
        if (hi == 0) return (false, 0);
        uint64 window = registry.getChain(chainId).challengeWindow;
        while (lo < hi) {
            uint64 mid = lo + (hi - lo + 1) / 2; // candidate count: is batch mid-1 final?
            if (_isFinalizedWith(chainId, mid - 1, window)) lo = mid;
            else hi = mid - 1;
        }
        return lo == 0 ? (false, 0) : (true, lo - 1);
    }

    /// @notice keccak256(abi.encode(h)): the header hash stored and emitted for a batch.
    function headerHash(BatchHeader calldata h) external pure returns (bytes32) {
        return keccak256(abi.encode(h));
    }

    function _checkDeposits(uint256 chainId, uint64 count, uint64 previous, uint64 inclusionWindow) private view {
        if (count < previous) revert DepositCountDecreased(chainId, previous, count);
        uint64 available = IDepositQueue(bridge).depositCount(chainId);
        if (count > available) revert DepositCountTooHigh(chainId, available, count);
        // Consuming every queued deposit satisfies forced inclusion without asking the bridge.
        if (count < available && block.number > inclusionWindow) {
            uint64 due = IDepositQueue(bridge).depositsDue(chainId, block.number - inclusionWindow);
            if (count < due) revert ForcedInclusionMissed(chainId, due, count);
        }
    }

    function _isFinalized(uint256 chainId, uint64 batchIndex) private view returns (bool) {
        if (batchIndex >= _state[chainId].nextBatchIndex) return false;
        return _isFinalizedWith(chainId, batchIndex, registry.getChain(chainId).challengeWindow);
    }

    /// @dev Assumes the batch exists.
    function _isFinalizedWith(uint256 chainId, uint64 batchIndex, uint64 window) private view returns (bool) {
        ChainState memory state = _state[chainId];
        if (state.openLocks > 0 && batchIndex >= state.lowestLocked) return false;
        if (batchIndex < state.finalizedEarly) return true;
        return block.timestamp >= uint256(_batches[chainId][batchIndex].appendedAt) + window;
    }
}
