// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";
import {Deposit} from "./L1Types.sol";
import {Withdrawal, Withdrawals} from "../common/Withdrawals.sol";
import {IBatchInbox} from "./interfaces/IBatchInbox.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IDepositQueue} from "./interfaces/IDepositQueue.sol";
import {TokenMetadata} from "./lib/TokenMetadata.sol";
import {L1MirrorToken} from "./L1MirrorToken.sol";

/// @title Bridge
/// @notice The L1 side of the bridge of every registered L2 chain. Deposits (ETH or ERC-20) are locked here
///         and appended to the chain's ordered deposit queue, which the L2 node replays into its L2Bridge and
///         batches must consume (BatchInbox). Withdrawals are paid against a finalized batch's withdrawal
///         root with a Merkle proof, at most once each, and never beyond what was deposited into that chain.
///         L2-native tokens (e.g. a DAC's token) travel the other way round: `registerL2Token` creates their L1
///         mirror (an L1MirrorToken this bridge alone mints and burns) and queues a registration message (a
///         deposit of amount 0, which no ordinary deposit can be); the L2Bridge checks the token's metadata and,
///         if they match, escrows the token on withdrawals. A proven withdrawal of a mirror of that very chain
///         mints the mirror; depositing the mirror back into its chain burns it.
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

    /// @dev What a mirror token stands for: native token `l2Token` of L2 chain `chainId` (zero: not a mirror).
    struct Mirror {
        uint256 chainId;
        address l2Token;
    }

    /// @notice Longest name or symbol (in bytes) `registerL2Token` accepts.
    uint256 public constant MAX_METADATA_LENGTH = 128;

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
    error MetadataTooLong(string field, uint256 length, uint256 max);
    error AlreadyRegistered(uint256 chainId, address l2Token, address mirror);

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
    /// @notice `registerL2Token` created `mirror` for native token `l2Token` of `chainId` and queued the
    ///         registration message as deposit `depositIndex`.
    event L2TokenRegistered(
        uint256 indexed chainId,
        address indexed l2Token,
        address indexed mirror,
        uint64 depositIndex,
        string name,
        string symbol,
        uint8 decimals
    );
    /// @notice The first withdrawal of `mirror` was finalized: the L2Bridge of `chainId` accepted its
    ///         registration, so it is the mirror of `l2Token` (`mirrorOf` returns it from now on).
    event MirrorConfirmed(uint256 indexed chainId, address indexed l2Token, address indexed mirror);

    IChainRegistry public immutable registry;
    address private immutable _deployer;
    /// @notice The BatchInbox whose finalized withdrawal roots this bridge pays against (zero until initialize).
    IBatchInbox public batchInbox;

    mapping(uint256 chainId => Queue) private _queues;
    mapping(uint256 chainId => mapping(address l1Token => uint256)) private _locked;
    mapping(uint256 chainId => mapping(bytes32 withdrawalHash => bool)) private _finalized;
    mapping(address mirror => Mirror) private _mirrors;
    /// @dev The last mirror registered for a native token (registrations with other metadata give other mirrors).
    mapping(uint256 chainId => mapping(address l2Token => address)) private _latestMirror;
    /// @dev The mirror a finalized withdrawal proved the L2Bridge accepted (at most one per native token).
    mapping(uint256 chainId => mapping(address l2Token => address)) private _confirmedMirror;

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
    ///         A mirror of a native token of `chainId` itself is burned from the caller instead (no approval
    ///         needed): the L2Bridge releases `amount` of the escrowed native token to `to`.
    /// @dev The token's name, symbol and decimals (with fallbacks, see TokenMetadata) travel with every deposit
    ///      so that the L2 bridge can create the L2 token on first use (the L2Bridge ignores them for mirrors).
    function depositERC20(uint256 chainId, address l1Token, address to, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (l1Token == address(0)) revert ZeroAddress("l1Token");
        if (l1Token.code.length == 0) revert NotAContract(l1Token);
        _checkDeposit(chainId, to);
        if (_isMirrorOf(l1Token, chainId)) {
            L1MirrorToken(l1Token).burn(msg.sender, amount);
            _enqueue(chainId, to, l1Token, amount, TokenMetadata.encode(l1Token));
            return;
        }
        IERC20 token = IERC20(l1Token);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert NothingReceived(l1Token);
        _locked[chainId][l1Token] += received;
        _enqueue(chainId, to, l1Token, received, TokenMetadata.encode(l1Token));
    }

    /// @notice Makes L2-native token `l2Token` of chain `chainId` bridgeable: creates its L1 mirror (CREATE2,
    ///         salt = keccak256(abi.encode(chainId, l2Token, name, symbol, decimals))) and queues the registration
    ///         message, a deposit {from: caller, to: l2Token, l1Token: mirror, amount: 0, tokenMeta:
    ///         abi.encode(name, symbol, decimals)}. Anyone may register any token.
    /// @dev The L2Bridge accepts the registration only if `l2Token` is a contract there, not one of its bridged
    ///      tokens, not registered yet, and its name(), symbol() and decimals() return exactly these values;
    ///      otherwise the mirror stays unusable (nothing can ever mint it) and a registration with the right
    ///      metadata gives another mirror. A refused registration can be retried on L2
    ///      (`L2Bridge.retryNativeRegistration`), e.g. when it arrived before the token was deployed there.
    ///      Until a withdrawal confirms one, `mirrorOf` returns the latest registration.
    /// @return mirror the new L1MirrorToken
    function registerL2Token(uint256 chainId, address l2Token, string calldata name, string calldata symbol, uint8 decimals)
        external
        nonReentrant
        returns (address mirror)
    {
        if (l2Token == address(0)) revert ZeroAddress("l2Token");
        if (!registry.isRegistered(chainId)) revert UnknownChain(chainId);
        if (bytes(name).length > MAX_METADATA_LENGTH) revert MetadataTooLong("name", bytes(name).length, MAX_METADATA_LENGTH);
        if (bytes(symbol).length > MAX_METADATA_LENGTH) {
            revert MetadataTooLong("symbol", bytes(symbol).length, MAX_METADATA_LENGTH);
        }
        mirror = mirrorAddress(chainId, l2Token, name, symbol, decimals);
        if (_mirrors[mirror].l2Token != address(0)) revert AlreadyRegistered(chainId, l2Token, mirror);
        new L1MirrorToken{salt: _mirrorSalt(chainId, l2Token, name, symbol, decimals)}(name, symbol, decimals, chainId, l2Token);
        _mirrors[mirror] = Mirror({chainId: chainId, l2Token: l2Token});
        _latestMirror[chainId][l2Token] = mirror;
        uint64 index = _enqueue(chainId, l2Token, mirror, 0, abi.encode(name, symbol, decimals));
        emit L2TokenRegistered(chainId, l2Token, mirror, index, name, symbol, decimals);
    }

    /// @notice Pays withdrawal `w` of chain `chainId`, proven against the withdrawal root of finalized batch
    ///         `batchIndex`. Anyone may submit it; the funds go to `w.to`. A withdrawal of a mirror of that very
    ///         chain mints the mirror (its native tokens are escrowed in the L2Bridge); any other token is paid
    ///         from what the chain locked here.
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
        if (_isMirrorOf(w.l1Token, chainId)) {
            _finalized[chainId][hash] = true;
            address l2Token = _mirrors[w.l1Token].l2Token;
            if (_confirmedMirror[chainId][l2Token] == address(0)) {
                _confirmedMirror[chainId][l2Token] = w.l1Token;
                emit MirrorConfirmed(chainId, l2Token, w.l1Token);
            }
            emit WithdrawalFinalized(chainId, hash, batchIndex, w.nonce, w.to, w.l1Token, w.amount);
            L1MirrorToken(w.l1Token).mint(w.to, w.amount);
            return;
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

    /// @notice The L1 mirror of native token `l2Token` of `chainId`: the one a finalized withdrawal confirmed,
    ///         else the latest registered (not yet known to be accepted on L2), else address(0).
    function mirrorOf(uint256 chainId, address l2Token) external view returns (address) {
        address confirmed = _confirmedMirror[chainId][l2Token];
        return confirmed != address(0) ? confirmed : _latestMirror[chainId][l2Token];
    }

    /// @notice The mirror of native token `l2Token` of `chainId` confirmed by a finalized withdrawal, or address(0).
    function confirmedMirrorOf(uint256 chainId, address l2Token) external view returns (address) {
        return _confirmedMirror[chainId][l2Token];
    }

    /// @notice The chain and native token `mirror` stands for; (0, address(0)) if it is not a mirror.
    function mirrorInfo(address mirror) external view returns (uint256 chainId, address l2Token) {
        Mirror storage m = _mirrors[mirror];
        return (m.chainId, m.l2Token);
    }

    /// @notice The address `registerL2Token` gives (or gave) the mirror of these arguments.
    function mirrorAddress(uint256 chainId, address l2Token, string calldata name, string calldata symbol, uint8 decimals)
        public
        view
        returns (address)
    {
        bytes memory initCode = abi.encodePacked(
            type(L1MirrorToken).creationCode, abi.encode(name, symbol, decimals, chainId, l2Token)
        );
        return Create2.computeAddress(_mirrorSalt(chainId, l2Token, name, symbol, decimals), keccak256(initCode));
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

    function _isMirrorOf(address token, uint256 chainId) private view returns (bool) {
        Mirror storage m = _mirrors[token];
        return m.l2Token != address(0) && m.chainId == chainId;
    }

    function _mirrorSalt(uint256 chainId, address l2Token, string calldata name, string calldata symbol, uint8 decimals)
        private
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(chainId, l2Token, name, symbol, decimals));
    }

    function _enqueue(uint256 chainId, address to, address l1Token, uint256 amount, bytes memory tokenMeta)
        private
        returns (uint64)
    {
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
        return d.index;
    }
}
