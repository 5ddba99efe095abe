// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Deposit} from "./L1Types.sol";
import {Withdrawal, Withdrawals} from "../common/Withdrawals.sol";
import {IBatchInbox} from "./interfaces/IBatchInbox.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IDepositQueue} from "./interfaces/IDepositQueue.sol";
import {TokenMetadata} from "./lib/TokenMetadata.sol";

/// @title Bridge
/// @notice The L1 side of the bridge of every registered L2 chain. Deposits (ETH or ERC-20) are locked here
///         and appended to the chain's ordered deposit queue, which the L2 node replays into its L2Bridge and
///         batches must consume (BatchInbox). Withdrawals are paid against a finalized batch's withdrawal
///         root with a Merkle proof, at most once each, and never beyond what was deposited into that chain.
/// @dev Wiring: the BatchInbox takes this bridge's address in its constructor; this bridge learns the inbox
///      through `initialize`, once, called by its deployer, which checks that the inbox points back here.
///      Deposits work before that; withdrawals revert NotInitialized.
contract Bridge is IDepositQueue, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using Address for address payable;

    /// @dev Per chain: hashes and L1 block numbers of the queued deposits, by index.
    struct Queue {
        bytes32[] hashes;
        uint64[] blocks;
    }

    error ZeroAddress(string field);
    error ZeroAmount();
    error UnknownChain(uint256 chainId);
    error NotDeployer(address caller);
    error AlreadyInitialized();
    error NotInitialized();
    error InboxMismatch(address inbox, address inboxBridge);
    error NotAContract(address l1Token);
    error NothingReceived(address l1Token);
    error DepositNotFound(uint256 chainId, uint64 index);
    error BatchNotFinalized(uint256 chainId, uint64 batchIndex);
    error NoWithdrawalRoot(uint256 chainId, uint64 batchIndex);
    error InvalidProof(uint256 chainId, uint64 batchIndex, bytes32 withdrawalHash);
    error WithdrawalAlreadyFinalized(uint256 chainId, bytes32 withdrawalHash);
    error InsufficientLocked(uint256 chainId, address l1Token, uint256 locked, uint256 amount);

    event Initialized(address indexed batchInbox);
    event DepositQueued(uint256 indexed chainId, uint64 indexed index, Deposit deposit);
    event WithdrawalFinalized(
        uint256 indexed chainId,
        bytes32 indexed withdrawalHash,
        uint64 indexed batchIndex,
        uint256 nonce,
        address to,
        address l1Token,
        uint256 amount
    );

    IChainRegistry public immutable registry;
    address private immutable _deployer;
    /// @notice The BatchInbox whose finalized withdrawal roots this bridge pays against (zero until initialize).
    IBatchInbox public batchInbox;

    mapping(uint256 chainId => Queue) private _queues;
    mapping(uint256 chainId => mapping(address l1Token => uint256)) private _locked;
    mapping(uint256 chainId => mapping(bytes32 withdrawalHash => bool)) private _finalized;

    constructor(IChainRegistry registry_) {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        registry = registry_;
        _deployer = msg.sender;
    }

    /// @notice Sets the BatchInbox, once, by the deployer; `inbox.bridge()` must be this contract.
    function initialize(IBatchInbox inbox) external {
        if (msg.sender != _deployer) revert NotDeployer(msg.sender);
        if (address(batchInbox) != address(0)) revert AlreadyInitialized();
        if (address(inbox) == address(0)) revert ZeroAddress("inbox");
        address back = inbox.bridge();
        if (back != address(this)) revert InboxMismatch(address(inbox), back);
        batchInbox = inbox;
        emit Initialized(address(inbox));
    }

    /// @notice Deposits msg.value wei for `to` on L2 chain `chainId`.
    function depositETH(uint256 chainId, address to) external payable {
        if (msg.value == 0) revert ZeroAmount();
        _checkDeposit(chainId, to);
        _locked[chainId][address(0)] += msg.value;
        _enqueue(chainId, to, address(0), msg.value, "");
    }

    /// @notice Deposits `amount` of `l1Token` (pulled with transferFrom: approve first) for `to` on chain
    ///         `chainId`. The amount credited is what the bridge actually received (fee-on-transfer tokens).
    /// @dev The token's name, symbol and decimals (with fallbacks, see TokenMetadata) travel with every deposit
    ///      so that the L2 bridge can create the L2 token on first use.
    function depositERC20(uint256 chainId, address l1Token, address to, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (l1Token == address(0)) revert ZeroAddress("l1Token");
        if (l1Token.code.length == 0) revert NotAContract(l1Token);
        _checkDeposit(chainId, to);
        IERC20 token = IERC20(l1Token);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert NothingReceived(l1Token);
        _locked[chainId][l1Token] += received;
        _enqueue(chainId, to, l1Token, received, TokenMetadata.encode(l1Token));
    }

    /// @notice Pays withdrawal `w` of chain `chainId`, proven against the withdrawal root of finalized batch
    ///         `batchIndex`. Anyone may submit it; the funds go to `w.to`.
    /// @dev The leaf is keccak256(bytes.concat(keccak256(abi.encode(w)))) (StandardMerkleTree). A tree of a
    ///      single withdrawal has root == leaf and an empty proof.
    function finalizeWithdrawal(uint256 chainId, uint64 batchIndex, Withdrawal calldata w, bytes32[] calldata proof)
        external
        nonReentrant
    {
        IBatchInbox inbox = batchInbox;
        if (address(inbox) == address(0)) revert NotInitialized();
        if (!inbox.isFinalized(chainId, batchIndex)) revert BatchNotFinalized(chainId, batchIndex);
        bytes32 root = inbox.withdrawalRoot(chainId, batchIndex);
        if (root == bytes32(0)) revert NoWithdrawalRoot(chainId, batchIndex);

        bytes32 hash = Withdrawals.hash(w);
        if (_finalized[chainId][hash]) revert WithdrawalAlreadyFinalized(chainId, hash);
        if (!MerkleProof.verifyCalldata(proof, root, Withdrawals.leaf(hash))) {
            revert InvalidProof(chainId, batchIndex, hash);
        }
        uint256 locked = _locked[chainId][w.l1Token];
        if (w.amount > locked) revert InsufficientLocked(chainId, w.l1Token, locked, w.amount);

        _finalized[chainId][hash] = true;
        _locked[chainId][w.l1Token] = locked - w.amount;
        emit WithdrawalFinalized(chainId, hash, batchIndex, w.nonce, w.to, w.l1Token, w.amount);
        if (w.l1Token == address(0)) payable(w.to).sendValue(w.amount);
        else IERC20(w.l1Token).safeTransfer(w.to, w.amount);
    }

    /// @notice The number of deposits queued for `chainId` (the next deposit's index).
    function depositCount(uint256 chainId) external view returns (uint64) {
        return uint64(_queues[chainId].hashes.length);
    }

    /// @notice keccak256(abi.encode(deposit)) of deposit `index` of `chainId`; reverts DepositNotFound.
    function depositHash(uint256 chainId, uint64 index) external view returns (bytes32) {
        Queue storage q = _queues[chainId];
        if (index >= q.hashes.length) revert DepositNotFound(chainId, index);
        return q.hashes[index];
    }

    /// @notice The L1 block in which deposit `index` of `chainId` was queued; reverts DepositNotFound.
    function depositBlock(uint256 chainId, uint64 index) external view returns (uint64) {
        Queue storage q = _queues[chainId];
        if (index >= q.blocks.length) revert DepositNotFound(chainId, index);
        return q.blocks[index];
    }

    /// @notice The number of deposits of `chainId` queued at or before L1 block `l1Block` (binary search).
    function depositsDue(uint256 chainId, uint256 l1Block) external view returns (uint64) {
        uint64[] storage blocks = _queues[chainId].blocks;
        uint256 lo = 0;
        uint256 hi = blocks.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (blocks[mid] <= l1Block) lo = mid + 1;
            else hi = mid;
        }
        return uint64(lo);
    }

    /// @notice How much of `l1Token` (address(0): ETH) chain `chainId` holds here: deposited minus withdrawn.
    function lockedOf(uint256 chainId, address l1Token) external view returns (uint256) {
        return _locked[chainId][l1Token];
    }

    /// @notice Whether the withdrawal with hash `hash` (see withdrawalHash) of `chainId` has been paid.
    function isWithdrawalFinalized(uint256 chainId, bytes32 hash) external view returns (bool) {
        return _finalized[chainId][hash];
    }

    /// @notice keccak256(abi.encode(w)): the withdrawal's identity (MessagePasser.sentMessages key).
    function withdrawalHash(Withdrawal calldata w) external pure returns (bytes32) {
        return Withdrawals.hash(w);
    }

    /// @notice The StandardMerkleTree leaf of `w`: keccak256(bytes.concat(keccak256(abi.encode(w)))).
    function withdrawalLeaf(Withdrawal calldata w) external pure returns (bytes32) {
        return Withdrawals.leaf(Withdrawals.hash(w));
    }

    function _checkDeposit(uint256 chainId, address to) private view {
        if (to == address(0)) revert ZeroAddress("to");
        if (!registry.isRegistered(chainId)) revert UnknownChain(chainId);
    }

    function _enqueue(uint256 chainId, address to, address l1Token, uint256 amount, bytes memory tokenMeta) private {
        Queue storage q = _queues[chainId];
        Deposit memory d = Deposit({
            index: uint64(q.hashes.length),
            from: msg.sender,
            to: to,
            l1Token: l1Token,
            amount: amount,
            tokenMeta: tokenMeta,
            l1Block: uint64(block.number)
        });
        q.hashes.push(keccak256(abi.encode(d)));
        q.blocks.push(d.l1Block);
        emit DepositQueued(chainId, d.index, d);
    }
}
