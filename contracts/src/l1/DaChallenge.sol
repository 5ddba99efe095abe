// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BatchHeader, ChainConfig, StoredBatch} from "./L1Types.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IChallengeableInbox} from "./interfaces/IChallengeableInbox.sol";
import {IDaChallenge} from "./interfaces/IDaChallenge.sol";
import {ISlashableBonds} from "./interfaces/ISlashableBonds.sol";

/// @title DaChallenge
/// @notice Data-availability challenges for chains whose batch data lives off L1 (daKind 2, IPFS). The batch
///         header only carries a commitment to the data:
///
///             daCommitment = 0x02 || chunkRoot (32) || chunkCount (uint32 BE) || chunkSize (uint32 BE) || root CID
///
///         where the data is cut into `chunkCount` chunks of `chunkSize` bytes (the last one 1..chunkSize bytes)
///         and `chunkRoot` is the root of an OpenZeppelin StandardMerkleTree of the values
///         `[uint256 chunkIndex, bytes32 keccak256(chunk)]`.
///
///         Anyone may challenge one chunk of a batch during the batch's challenge window by posting at least
///         `minChallengeBond`. The batch is locked in the BatchInbox (it cannot finalize) until the challenge ends:
///         - answered (`respond`, anyone, until the deadline `responseWindow` seconds later) with the chunk and its
///           Merkle proof: the chunk is then public in L1 calldata, the batch unlocked, and the challenger's bond
///           credited to the batch's proposer;
///         - unanswered (`resolve`, anyone, after the deadline): the batch and every later batch of the chain are
///           removed, the proposer's bond (active, then unbonding) is slashed by up to the chain's `minBond`, half of
///           the slashed amount (rounded down) is credited to the challenger with its own bond, and the rest goes to
///           the BondManager's treasury;
///         - the challenged batch was removed or replaced meanwhile (e.g. by another challenge on an earlier batch):
///           the challenger reclaims its bond (`refund`), nobody is slashed.
///         Payments are credited to balances and paid by `withdraw`, so no recipient can block a challenge.
/// @dev Needs CHALLENGER_ROLE on the BatchInbox and SLASHER_ROLE on the BondManager. A challenge is identified by
///      (chainId, batchIndex, chunkIndex); it belongs to the batch with its header hash and `appendedAt`, so a batch
///      removed and appended again at the same index is a different batch (the BatchInbox dropped the old locks).
///      Limitation: a batch removed and re-appended with an identical header in the same L1 second is not told
///      apart from the original.
///      Because challenges open only during the challenge window, a batch is final at the latest
///      `challengeWindow + responseWindow` seconds after it was appended (unless removed). The BondManager's
///      `unbondingDelay` should be at least that long, or a proposer could move its bond out of reach.
contract DaChallenge is IDaChallenge, ReentrancyGuard {
    using Address for address payable;

    /// @notice ChainConfig.daKind of the chains this contract serves.
    uint8 public constant DA_KIND_IPFS = 2;
    /// @notice First byte of a version-2 commitment.
    uint8 public constant COMMITMENT_VERSION = 0x02;
    /// @notice Bytes of a commitment before the root CID (version, chunkRoot, chunkCount, chunkSize).
    uint256 public constant COMMITMENT_PREFIX_LENGTH = 41;
    /// @notice The challenger's reward is `slashed / REWARD_DIVISOR` (half); the rest goes to the treasury.
    uint256 public constant REWARD_DIVISOR = 2;

    IChallengeableInbox public immutable inbox;
    IChainRegistry public immutable registry;
    ISlashableBonds public immutable bonds;
    /// @notice Seconds a challenged chunk may be answered for, from the moment the challenge opens.
    uint64 public immutable responseWindow;
    /// @notice Least wei a challenger posts. It should cover the proposer's cost of answering (L1 gas of a chunk).
    uint256 public immutable minChallengeBond;

    mapping(uint256 chainId => mapping(uint64 batchIndex => mapping(uint32 chunkIndex => Challenge))) private _challenges;
    mapping(bytes32 headerHash => mapping(uint32 chunkIndex => bool)) private _revealed;
    mapping(address account => uint256) private _balances;

    /// @param inbox_ the BatchInbox; the registry and the BondManager are the ones it is wired to
    /// @param responseWindow_ seconds to answer a challenge (non-zero)
    /// @param minChallengeBond_ least wei a challenge posts
    constructor(IChallengeableInbox inbox_, uint64 responseWindow_, uint256 minChallengeBond_) {
        if (address(inbox_) == address(0)) revert ZeroAddress("inbox");
        if (responseWindow_ == 0) revert ZeroResponseWindow();
        IChainRegistry registry_ = inbox_.registry();
        ISlashableBonds bonds_ = ISlashableBonds(address(inbox_.bonds()));
        if (bonds_.registry() != address(registry_)) revert InconsistentWiring();
        inbox = inbox_;
        registry = registry_;
        bonds = bonds_;
        responseWindow = responseWindow_;
        minChallengeBond = minChallengeBond_;
    }

    /// @notice Only the BondManager sends ETH here directly: the challenger's share of a slash.
    receive() external payable {
        if (msg.sender != address(bonds)) revert UnexpectedEther(msg.sender);
    }

    /// @notice Challenges the availability of chunk `chunkIndex` of the batch with header `h` (as appended), posting
    ///         msg.value (at least `minChallengeBond`) as bond. Locks the batch until the challenge ends.
    /// @dev Reverts BondTooSmall, BatchNotFound, WrongHeader (not the stored header), ChallengeWindowClosed (the
    ///      batch's challenge window is over, so also for final batches), NotIpfsChain, InvalidCommitment,
    ///      NothingToChallenge (zero chunks), ChunkIndexOutOfRange, ChunkAlreadyRevealed, ChallengeAlreadyOpen.
    ///      A stale challenge left in the same slot (its batch was removed) is refunded first.
    function challenge(BatchHeader calldata h, uint32 chunkIndex) external payable nonReentrant {
        if (msg.value < minChallengeBond) revert BondTooSmall(minChallengeBond, msg.value);
        if (msg.value > type(uint128).max) revert BondTooLarge(msg.value);
        uint256 chainId = h.chainId;
        uint64 batchIndex = h.batchIndex;
        if (batchIndex >= inbox.nextBatchIndex(chainId)) revert BatchNotFound(chainId, batchIndex);
        StoredBatch memory stored = inbox.getBatch(chainId, batchIndex);
        bytes32 hash = keccak256(abi.encode(h));
        if (hash != stored.headerHash) revert WrongHeader(chainId, batchIndex, stored.headerHash, hash);

        ChainConfig memory cfg = registry.getChain(chainId);
        uint256 closesAt = uint256(stored.appendedAt) + cfg.challengeWindow;
        if (block.timestamp >= closesAt) revert ChallengeWindowClosed(chainId, batchIndex, closesAt);
        if (cfg.daKind != DA_KIND_IPFS) revert NotIpfsChain(chainId, cfg.daKind);

        (bool valid, bytes32 chunkRoot, uint32 chunkCount, uint32 chunkSize) = _parse(h.daCommitment);
        if (!valid) revert InvalidCommitment(chainId, batchIndex);
        if (chunkCount == 0) revert NothingToChallenge(chainId, batchIndex);
        if (chunkIndex >= chunkCount) revert ChunkIndexOutOfRange(chainId, batchIndex, chunkIndex, chunkCount);
        if (_revealed[hash][chunkIndex]) revert ChunkAlreadyRevealed(chainId, batchIndex, chunkIndex);

        Challenge storage slot = _challenges[chainId][batchIndex][chunkIndex];
        if (slot.challenger != address(0)) {
            if (slot.headerHash == hash && slot.appendedAt == stored.appendedAt) {
                revert ChallengeAlreadyOpen(chainId, batchIndex, chunkIndex, slot.deadline);
            }
            _refund(chainId, batchIndex, chunkIndex, slot);
        }

        uint64 deadline = uint64(block.timestamp) + responseWindow;
        _challenges[chainId][batchIndex][chunkIndex] = Challenge({
            challenger: msg.sender,
            deadline: deadline,
            chunkCount: chunkCount,
            headerHash: hash,
            chunkRoot: chunkRoot,
            bond: uint128(msg.value),
            appendedAt: stored.appendedAt,
            chunkSize: chunkSize
        });
        emit ChallengeOpened(chainId, batchIndex, chunkIndex, msg.sender, hash, msg.value, deadline);
        inbox.lock(chainId, batchIndex);
    }

    /// @notice Answers the open challenge of (chainId, batchIndex, chunkIndex) with the chunk and its Merkle proof
    ///         (`StandardMerkleTree.getProof` of the value [chunkIndex, keccak256(chunk)]). Anyone, until the deadline.
    ///         The chunk stays readable in this transaction's calldata; the batch is unlocked and the challenger's bond
    ///         credited to the batch's proposer.
    /// @dev Reverts NoOpenChallenge, ResponseWindowClosed (after the deadline), ChallengeStale (the batch was removed
    ///      or replaced), WrongChunkLength (chunks before the last are exactly chunkSize bytes, the last 1..chunkSize),
    ///      InvalidChunkProof.
    function respond(uint256 chainId, uint64 batchIndex, uint32 chunkIndex, bytes calldata chunk, bytes32[] calldata proof)
        external
        nonReentrant
    {
        Challenge memory c = _challenges[chainId][batchIndex][chunkIndex];
        if (c.challenger == address(0)) revert NoOpenChallenge(chainId, batchIndex, chunkIndex);
        if (block.timestamp > c.deadline) revert ResponseWindowClosed(chainId, batchIndex, chunkIndex, c.deadline);
        (bool current, address proposer) = _current(chainId, batchIndex, c);
        if (!current) revert ChallengeStale(chainId, batchIndex, chunkIndex);

        uint256 maxLength = c.chunkSize;
        uint256 minLength = chunkIndex + 1 == c.chunkCount ? 1 : maxLength;
        if (chunk.length < minLength || chunk.length > maxLength) {
            revert WrongChunkLength(chunkIndex, chunk.length, minLength, maxLength);
        }
        bytes32 chunkHash = keccak256(chunk);
        if (!MerkleProof.verifyCalldata(proof, c.chunkRoot, _leaf(chunkIndex, chunkHash))) {
            revert InvalidChunkProof(chunkIndex, chunkHash);
        }

        delete _challenges[chainId][batchIndex][chunkIndex];
        _revealed[c.headerHash][chunkIndex] = true;
        emit ChallengeAnswered(chainId, batchIndex, chunkIndex, c.headerHash, chunkHash, msg.sender, proposer, c.bond);
        _credit(proposer, c.bond);
        inbox.unlock(chainId, batchIndex);
    }

    /// @notice Ends an unanswered challenge after its deadline (anyone): removes the batch and all later batches of
    ///         the chain from the BatchInbox and slashes the batch's proposer by min(its bond, the chain's minBond),
    ///         active bond first, then unbonding. The challenger is credited its bond plus half of the slashed amount
    ///         (rounded down); the BondManager sends the rest to its treasury. With nothing left to slash, the
    ///         challenger still gets its bond back.
    /// @dev Reverts NoOpenChallenge, ResponseWindowOpen (until the deadline has passed), ChallengeStale.
    function resolve(uint256 chainId, uint64 batchIndex, uint32 chunkIndex) external nonReentrant {
        Challenge memory c = _challenges[chainId][batchIndex][chunkIndex];
        if (c.challenger == address(0)) revert NoOpenChallenge(chainId, batchIndex, chunkIndex);
        if (block.timestamp <= c.deadline) revert ResponseWindowOpen(chainId, batchIndex, chunkIndex, c.deadline);
        (bool current, address proposer) = _current(chainId, batchIndex, c);
        if (!current) revert ChallengeStale(chainId, batchIndex, chunkIndex);

        (uint256 unbonding,) = bonds.unbondingOf(chainId, proposer);
        uint256 slashable = bonds.bondOf(chainId, proposer) + unbonding;
        uint256 cap = registry.getChain(chainId).minBond;
        uint256 slashed = slashable < cap ? slashable : cap;
        uint256 reward = slashed / REWARD_DIVISOR;

        delete _challenges[chainId][batchIndex][chunkIndex];
        emit ChallengeResolved(chainId, batchIndex, chunkIndex, c.challenger, proposer, slashed, reward);
        // The reward is credited before the BondManager pays it here (the slash reverts as a whole otherwise).
        _credit(c.challenger, uint256(c.bond) + reward);
        inbox.removeBatchesFrom(chainId, batchIndex);
        if (slashed > 0) bonds.slash(chainId, proposer, slashed, address(this), reward);
    }

    /// @notice Credits the bond of a challenge back to its challenger when the challenged batch was removed or
    ///         replaced (anyone may call it; nobody is slashed). Reverts NoOpenChallenge, ChallengeNotStale.
    function refund(uint256 chainId, uint64 batchIndex, uint32 chunkIndex) external nonReentrant {
        Challenge storage c = _challenges[chainId][batchIndex][chunkIndex];
        if (c.challenger == address(0)) revert NoOpenChallenge(chainId, batchIndex, chunkIndex);
        (bool current,) = _current(chainId, batchIndex, c);
        if (current) revert ChallengeNotStale(chainId, batchIndex, chunkIndex);
        _refund(chainId, batchIndex, chunkIndex, c);
    }

    /// @notice Pays the caller's whole balance to the caller. Reverts NoBalance.
    function withdraw() external nonReentrant {
        _withdraw(payable(msg.sender));
    }

    /// @notice Pays the caller's whole balance to `to` (e.g. when the caller cannot receive ETH). Reverts NoBalance.
    function withdrawTo(address payable to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress("to");
        _withdraw(to);
    }

    /// @notice The challenge in the slot of (chainId, batchIndex, chunkIndex); `challenger` is zero if there is
    ///         none. See `challengeStatus` for whether it is still about the current batch.
    function getChallenge(uint256 chainId, uint64 batchIndex, uint32 chunkIndex) external view returns (Challenge memory) {
        return _challenges[chainId][batchIndex][chunkIndex];
    }

    /// @notice What can be done with the challenge of (chainId, batchIndex, chunkIndex), and its deadline (the last
    ///         L1 timestamp at which `respond` is accepted; 0 for None).
    function challengeStatus(uint256 chainId, uint64 batchIndex, uint32 chunkIndex)
        external
        view
        returns (ChallengeStatus status, uint64 deadline)
    {
        Challenge memory c = _challenges[chainId][batchIndex][chunkIndex];
        if (c.challenger == address(0)) return (ChallengeStatus.None, 0);
        (bool current,) = _current(chainId, batchIndex, c);
        if (!current) return (ChallengeStatus.Stale, c.deadline);
        return (block.timestamp > c.deadline ? ChallengeStatus.Expired : ChallengeStatus.Open, c.deadline);
    }

    /// @notice Whether chunk `chunkIndex` of the batch with header hash `headerHash` was revealed by `respond`
    ///         (it then cannot be challenged again).
    function isRevealed(bytes32 headerHash, uint32 chunkIndex) external view returns (bool) {
        return _revealed[headerHash][chunkIndex];
    }

    /// @notice Wei `account` can withdraw.
    function balanceOf(address account) external view returns (uint256) {
        return _balances[account];
    }

    /// @notice Splits a daCommitment; `valid` is false when it is not version 0x02 or shorter than 41 bytes.
    function decodeCommitment(bytes calldata commitment)
        external
        pure
        returns (bool valid, bytes32 chunkRoot, uint32 chunkCount, uint32 chunkSize, bytes memory rootCid)
    {
        (valid, chunkRoot, chunkCount, chunkSize) = _parse(commitment);
        if (valid) rootCid = commitment[COMMITMENT_PREFIX_LENGTH:];
    }

    /// @notice The Merkle leaf of a chunk: keccak256(bytes.concat(keccak256(abi.encode(chunkIndex, keccak256(chunk))))).
    function chunkLeaf(uint32 chunkIndex, bytes calldata chunk) external pure returns (bytes32) {
        return _leaf(chunkIndex, keccak256(chunk));
    }

    function _parse(bytes calldata commitment)
        private
        pure
        returns (bool valid, bytes32 chunkRoot, uint32 chunkCount, uint32 chunkSize)
    {
        if (commitment.length < COMMITMENT_PREFIX_LENGTH || uint8(commitment[0]) != COMMITMENT_VERSION) {
            return (false, 0, 0, 0);
        }
        chunkRoot = bytes32(commitment[1:33]);
        chunkCount = uint32(bytes4(commitment[33:37]));
        chunkSize = uint32(bytes4(commitment[37:41]));
        valid = true;
    }

    function _leaf(uint32 chunkIndex, bytes32 chunkHash) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(uint256(chunkIndex), chunkHash))));
    }

    /// @dev Whether the challenged batch is still in the inbox (same index, header hash and appendedAt), and its
    ///      proposer.
    function _current(uint256 chainId, uint64 batchIndex, Challenge memory c)
        private
        view
        returns (bool current, address proposer)
    {
        if (batchIndex >= inbox.nextBatchIndex(chainId)) return (false, address(0));
        StoredBatch memory stored = inbox.getBatch(chainId, batchIndex);
        current = stored.headerHash == c.headerHash && stored.appendedAt == c.appendedAt;
        proposer = stored.proposer;
    }

    function _refund(uint256 chainId, uint64 batchIndex, uint32 chunkIndex, Challenge storage c) private {
        address challenger = c.challenger;
        uint256 bond = c.bond;
        delete _challenges[chainId][batchIndex][chunkIndex];
        emit ChallengeRefunded(chainId, batchIndex, chunkIndex, challenger, bond);
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
}
