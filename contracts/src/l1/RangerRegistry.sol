// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {Attestation} from "./L1Types.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IRangerRegistry} from "./interfaces/IRangerRegistry.sol";
import {RangerAttestations} from "./lib/RangerAttestations.sol";

/// @title RangerRegistry
/// @notice The staked rangers of every L2 chain, and the EIP-712 verifyingContract of their attestations.
///         A chain's owner (in the ChainRegistry) configures it once: the stake token (ETH or an ERC-20), the
///         minimum stake and the unbonding delay. An operator then registers once per chain with a signing key
///         (unique on the chain, forever), a libp2p peer id and a stake. Unstaking moves stake into an unbonding
///         entry withdrawable after the delay and slashable until then. Accounts with SLASHER_ROLE (the
///         RangerDisputes) slash stakes.
/// @dev Quorums are taken on snapshots: per operator, its effective stake (active stake if >= minStake, else 0),
///      and per chain the sum, as OpenZeppelin Checkpoints keyed by block timestamp. The verifiers read the stake
///      as it was at `appendedAt - 1` of a batch, so stake moved in or after the batch's block never counts for it.
///      Only an operator's current signing key counts for quorums; a key replaced by setSigner stays mapped to its
///      operator so that its old signatures remain evidence of equivocation.
contract RangerRegistry is IRangerRegistry, AccessControl, ReentrancyGuard, EIP712 {
    using Address for address payable;
    using Checkpoints for Checkpoints.Trace208;
    using EnumerableSet for EnumerableSet.AddressSet;
    using SafeERC20 for IERC20;

    /// @notice Role of the contracts allowed to slash stakes.
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @notice Longest libp2p peer id accepted, in bytes.
    uint256 public constant MAX_PEER_ID_LENGTH = 128;

    struct Ranger {
        address signer;
        uint64 availableAt;
        uint256 stake;
        uint256 unbonding;
        string peerId;
    }

    /// @dev One slot per signing key: its operator, and whether it was replaced (no longer counts for quorums).
    struct SignerKey {
        address operator;
        bool retired;
    }

    IChainRegistry public immutable chainRegistry;
    /// @notice Receives the slashed stakes minus rewards.
    address public immutable treasury;

    mapping(uint256 chainId => StakeConfig) private _configs;
    mapping(uint256 chainId => mapping(address operator => Ranger)) private _rangers;
    mapping(uint256 chainId => mapping(address signer => SignerKey)) private _keys;
    mapping(uint256 chainId => EnumerableSet.AddressSet) private _operators;
    mapping(uint256 chainId => mapping(address operator => Checkpoints.Trace208)) private _stakes;
    mapping(uint256 chainId => Checkpoints.Trace208) private _totals;

    /// @param chainRegistry_ where chain owners are looked up; @param treasury_ receives slashed stake
    ///        minus rewards. The deployer gets DEFAULT_ADMIN_ROLE (grants SLASHER_ROLE).
    constructor(IChainRegistry chainRegistry_, address treasury_) EIP712(RangerAttestations.NAME, RangerAttestations.VERSION) {
        if (address(chainRegistry_) == address(0)) revert ZeroAddress("chainRegistry");
        if (treasury_ == address(0)) revert ZeroAddress("treasury");
        chainRegistry = chainRegistry_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
    }

    /// @notice Sets the ranger settings of `chainId`, once. Only the chain's owner in the ChainRegistry.
    /// @param stakeToken the ERC-20 staked, or address(0) for ETH
    /// @dev Reverts NotChainOwner (or the ChainRegistry's UnknownChain), AlreadyConfigured, ZeroMinStake,
    ///      ZeroUnbondingDelay. The delay should be longer than the chain's challenge window plus the disputes'
    ///      vote window, or a ranger could leave before its attestations can be held against it.
    function configureChain(uint256 chainId, address stakeToken, uint256 minStake, uint64 unbondingDelay) external {
        address owner = chainRegistry.getChain(chainId).owner;
        if (msg.sender != owner) revert NotChainOwner(chainId, msg.sender);
        if (_configs[chainId].unbondingDelay != 0) revert AlreadyConfigured(chainId);
        if (minStake == 0) revert ZeroMinStake();
        if (unbondingDelay == 0) revert ZeroUnbondingDelay();
        _configs[chainId] = StakeConfig({stakeToken: stakeToken, minStake: minStake, unbondingDelay: unbondingDelay});
        emit ChainConfigured(chainId, stakeToken, minStake, unbondingDelay);
    }

    /// @notice Makes the caller (the operator) a ranger of `chainId` with signing key `signer`, libp2p `peerId`
    ///         and a stake of `amount` (ETH: msg.value == amount; ERC-20: pulled from the caller, msg.value 0;
    ///         the amount received counts). Once per operator per chain.
    /// @dev Reverts ChainNotConfigured, AlreadyRegistered, ZeroAddress("signer"), SignerTaken, InvalidPeerId,
    ///      ZeroAmount, WrongValue, BelowMinStake.
    function register(uint256 chainId, address signer, string calldata peerId, uint256 amount) external payable nonReentrant {
        StakeConfig memory cfg = _config(chainId);
        Ranger storage r = _rangers[chainId][msg.sender];
        if (r.signer != address(0)) revert AlreadyRegistered(chainId, msg.sender);
        _claimSigner(chainId, signer, msg.sender);
        _checkPeerId(peerId);
        uint256 received = _pull(cfg.stakeToken, amount);
        if (received < cfg.minStake) revert BelowMinStake(chainId, received, cfg.minStake);
        r.signer = signer;
        r.peerId = peerId;
        r.stake = received;
        _operators[chainId].add(msg.sender);
        emit RangerRegistered(chainId, msg.sender, signer, peerId, received);
        _sync(chainId, msg.sender, received, cfg.minStake);
    }

    /// @notice Adds `amount` to the caller's active stake on `chainId` (same payment rules as register).
    /// @dev Reverts ChainNotConfigured, NotRegistered, ZeroAmount, WrongValue. A stake left below minStake (after
    ///      a slash) counts again once topped up to minStake.
    function addStake(uint256 chainId, uint256 amount) external payable nonReentrant {
        StakeConfig memory cfg = _config(chainId);
        Ranger storage r = _registered(chainId, msg.sender);
        uint256 added = _pull(cfg.stakeToken, amount);
        uint256 stake = r.stake + added;
        r.stake = stake;
        emit StakeAdded(chainId, msg.sender, added, stake);
        _sync(chainId, msg.sender, stake, cfg.minStake);
    }

    /// @notice Replaces the caller's libp2p peer id on `chainId`. Reverts NotRegistered, InvalidPeerId.
    function setPeerId(uint256 chainId, string calldata peerId) external {
        Ranger storage r = _registered(chainId, msg.sender);
        _checkPeerId(peerId);
        r.peerId = peerId;
        emit PeerIdChanged(chainId, msg.sender, peerId);
    }

    /// @notice Replaces the caller's signing key on `chainId` with `signer` (never used on the chain before).
    ///         The old key no longer counts for quorums but stays mapped to the caller (equivocation evidence).
    /// @dev Reverts NotRegistered, ZeroAddress("signer"), SignerTaken.
    function setSigner(uint256 chainId, address signer) external {
        Ranger storage r = _registered(chainId, msg.sender);
        _claimSigner(chainId, signer, msg.sender);
        address previous = r.signer;
        r.signer = signer;
        _keys[chainId][previous].retired = true;
        emit SignerChanged(chainId, msg.sender, previous, signer);
    }

    /// @notice Moves `amount` of the caller's active stake on `chainId` into its unbonding entry; the whole entry
    ///         becomes withdrawable `unbondingDelay` seconds from now (a new request restarts the delay).
    /// @dev Reverts NotRegistered, ZeroAmount, InsufficientStake, BelowMinStake (what remains must be 0 or at
    ///      least minStake).
    function requestUnstake(uint256 chainId, uint256 amount) external {
        StakeConfig memory cfg = _config(chainId);
        Ranger storage r = _registered(chainId, msg.sender);
        if (amount == 0) revert ZeroAmount();
        uint256 stake = r.stake;
        if (amount > stake) revert InsufficientStake(chainId, msg.sender, stake, amount);
        uint256 remaining = stake - amount;
        if (remaining != 0 && remaining < cfg.minStake) revert BelowMinStake(chainId, remaining, cfg.minStake);
        uint256 unbonding = r.unbonding + amount;
        uint64 availableAt = uint64(block.timestamp) + cfg.unbondingDelay;
        r.stake = remaining;
        r.unbonding = unbonding;
        r.availableAt = availableAt;
        emit UnstakeRequested(chainId, msg.sender, amount, remaining, unbonding, availableAt);
        _sync(chainId, msg.sender, remaining, cfg.minStake);
    }

    /// @notice Pays the caller's unbonding entry on `chainId` once its delay has passed.
    /// @dev Reverts NothingToWithdraw, WithdrawalNotReady.
    function withdrawUnstaked(uint256 chainId) external nonReentrant {
        Ranger storage r = _rangers[chainId][msg.sender];
        uint256 amount = r.unbonding;
        if (amount == 0) revert NothingToWithdraw(chainId, msg.sender);
        if (block.timestamp < r.availableAt) revert WithdrawalNotReady(chainId, msg.sender, r.availableAt);
        r.unbonding = 0;
        emit StakeWithdrawn(chainId, msg.sender, amount);
        _pay(_configs[chainId].stakeToken, msg.sender, amount);
    }

    /// @notice Takes up to `amount` from `operator`'s stake on `chainId` (active first, then unbonding), pays
    ///         min(`rewardAmount`, taken) to `rewardTo` and the rest to the treasury. SLASHER_ROLE only.
    /// @return taken what was taken: `amount`, or less when the operator holds less
    /// @dev Reverts ZeroAmount, ZeroAddress("rewardTo") when a reward is due to nobody.
    function slash(uint256 chainId, address operator, uint256 amount, address rewardTo, uint256 rewardAmount)
        external
        onlyRole(SLASHER_ROLE)
        nonReentrant
        returns (uint256 taken)
    {
        if (amount == 0) revert ZeroAmount();
        taken = _take(chainId, operator, amount);
        uint256 reward = rewardAmount < taken ? rewardAmount : taken;
        if (reward > 0 && rewardTo == address(0)) revert ZeroAddress("rewardTo");
        emit RangerSlashed(chainId, operator, taken, rewardTo, reward, taken - reward);
        address token = _configs[chainId].stakeToken;
        _pay(token, rewardTo, reward);
        _pay(token, treasury, taken - reward);
    }

    /// @notice The ranger settings of `chainId` (all zero while not configured).
    function chainConfig(uint256 chainId) external view returns (StakeConfig memory) {
        return _configs[chainId];
    }

    /// @notice Whether the owner of `chainId` configured its rangers.
    function isConfigured(uint256 chainId) external view returns (bool) {
        return _configs[chainId].unbondingDelay != 0;
    }

    /// @notice What is known of `operator` on `chainId` (all zero if it never registered).
    function getRanger(uint256 chainId, address operator) external view returns (RangerInfo memory) {
        Ranger storage r = _rangers[chainId][operator];
        return RangerInfo({signer: r.signer, peerId: r.peerId, stake: r.stake, unbonding: r.unbonding, availableAt: r.availableAt});
    }

    /// @notice The operator `signer` is (or was) the key of on `chainId`, or address(0).
    function operatorOfSigner(uint256 chainId, address signer) external view returns (address) {
        return _keys[chainId][signer].operator;
    }

    /// @notice Every operator that ever registered on `chainId`, in registration order.
    function rangers(uint256 chainId) external view returns (address[] memory) {
        return _operators[chainId].values();
    }

    /// @notice The effective stake of `operator` on `chainId` at the end of L1 second `timestamp`.
    function stakeAt(uint256 chainId, address operator, uint48 timestamp) external view returns (uint256) {
        return _stakes[chainId][operator].upperLookupRecent(timestamp);
    }

    /// @notice The total effective stake of `chainId` at the end of L1 second `timestamp`.
    function totalStakeAt(uint256 chainId, uint48 timestamp) external view returns (uint256) {
        return _totals[chainId].upperLookupRecent(timestamp);
    }

    /// @notice For each of `signers`: its operator (zero if unknown) and that operator's effective stake at
    ///         `timestamp` (zero unless `signer` is the operator's current key); and the chain's total then.
    function quorumAt(uint256 chainId, address[] calldata signers, uint48 timestamp)
        external
        view
        returns (address[] memory operators, uint256[] memory stakes, uint256 total)
    {
        uint256 n = signers.length;
        operators = new address[](n);
        stakes = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            SignerKey memory key = _keys[chainId][signers[i]];
            operators[i] = key.operator;
            if (key.operator != address(0) && !key.retired) {
                stakes[i] = _stakes[chainId][key.operator].upperLookupRecent(timestamp);
            }
        }
        total = _totals[chainId].upperLookupRecent(timestamp);
    }

    /// @notice The EIP-712 digest a ranger signs for `a` (domain "Metis Rangers", "1", this L1, this contract).
    function attestationDigest(Attestation calldata a) external view returns (bytes32) {
        return _hashTypedDataV4(RangerAttestations.structHash(a));
    }

    function _config(uint256 chainId) private view returns (StakeConfig memory cfg) {
        cfg = _configs[chainId];
        if (cfg.unbondingDelay == 0) revert ChainNotConfigured(chainId);
    }

    function _registered(uint256 chainId, address operator) private view returns (Ranger storage r) {
        r = _rangers[chainId][operator];
        if (r.signer == address(0)) revert NotRegistered(chainId, operator);
    }

    function _claimSigner(uint256 chainId, address signer, address operator) private {
        if (signer == address(0)) revert ZeroAddress("signer");
        if (_keys[chainId][signer].operator != address(0)) revert SignerTaken(chainId, signer);
        _keys[chainId][signer] = SignerKey({operator: operator, retired: false});
    }

    /// @dev Takes up to `amount` from the operator's active stake, then from its unbonding entry.
    function _take(uint256 chainId, address operator, uint256 amount) private returns (uint256 taken) {
        Ranger storage r = _rangers[chainId][operator];
        uint256 stake = r.stake;
        if (amount <= stake) {
            taken = amount;
        } else {
            uint256 unbonding = r.unbonding;
            uint256 rest = amount - stake < unbonding ? amount - stake : unbonding;
            r.unbonding = unbonding - rest;
            taken = stake + rest;
        }
        uint256 fromStake = taken < stake ? taken : stake;
        if (fromStake > 0) {
            r.stake = stake - fromStake;
            _sync(chainId, operator, stake - fromStake, _configs[chainId].minStake);
        }
    }

    function _checkPeerId(string calldata peerId) private pure {
        uint256 length = bytes(peerId).length;
        if (length == 0 || length > MAX_PEER_ID_LENGTH) revert InvalidPeerId(length);
    }

    /// @dev Takes `amount` of `token` (ETH when zero) from the caller; returns what arrived.
    function _pull(address token, uint256 amount) private returns (uint256) {
        if (amount == 0) revert ZeroAmount();
        if (token == address(0)) {
            if (msg.value != amount) revert WrongValue(amount, msg.value);
            return amount;
        }
        if (msg.value != 0) revert WrongValue(0, msg.value);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        return IERC20(token).balanceOf(address(this)) - before;
    }

    function _pay(address token, address to, uint256 amount) private {
        if (amount == 0) return;
        if (token == address(0)) payable(to).sendValue(amount);
        else IERC20(token).safeTransfer(to, amount);
    }

    /// @dev Records the operator's effective stake for an active stake of `stake`, and the chain's total.
    function _sync(uint256 chainId, address operator, uint256 stake, uint256 minStake) private {
        Checkpoints.Trace208 storage own = _stakes[chainId][operator];
        uint256 previous = own.latest();
        uint256 effective = stake >= minStake ? stake : 0;
        if (effective == previous) return;
        Checkpoints.Trace208 storage totals = _totals[chainId];
        uint256 total = totals.latest() + effective - previous;
        uint48 now_ = Time.timestamp();
        own.push(now_, SafeCast.toUint208(effective));
        totals.push(now_, SafeCast.toUint208(total));
        emit EffectiveStakeChanged(chainId, operator, effective, total, now_);
    }
}
