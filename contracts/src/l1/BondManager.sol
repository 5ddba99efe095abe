// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";
import {IBondManager} from "./interfaces/IBondManager.sol";

/// @title BondManager
/// @notice Holds ETH bonds per (L2 chain, account). An active bond counts towards `isBonded`; a withdrawal
///         first moves an amount into an unbonding entry that can be withdrawn `unbondingDelay` seconds later
///         and can still be slashed until then. Accounts with SLASHER_ROLE (future challenge contracts) slash
///         bonds or move them to another account.
/// @dev `unbondingDelay` must be at least the longest challenge window of any chain served (plus the time a
///      challenge needs to resolve): otherwise a proposer could pull its bond out before a fraud in its last
///      batch is proven. Each account has one unbonding entry per chain: a new request adds to it and restarts
///      its delay for the whole amount.
contract BondManager is IBondManager, AccessControl, ReentrancyGuard {
    using Address for address payable;

    /// @notice Role of the contracts allowed to slash and move bonds.
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    struct Unbonding {
        uint256 amount;
        uint64 availableAt;
    }

    error ZeroAddress(string field);
    error ZeroAmount();
    error UnknownChain(uint256 chainId);
    /// @param available the bond that could be used (active, or active plus unbonding for slash and payTo)
    error InsufficientBond(uint256 chainId, address account, uint256 available, uint256 requested);
    error NothingToWithdraw(uint256 chainId, address account);
    error WithdrawalNotReady(uint256 chainId, address account, uint64 availableAt);
    error RewardExceedsAmount(uint256 amount, uint256 rewardAmount);

    event BondDeposited(uint256 indexed chainId, address indexed account, uint256 amount, uint256 bond);
    event WithdrawalRequested(uint256 indexed chainId, address indexed account, uint256 amount, uint256 unbonding, uint64 availableAt);
    event BondWithdrawn(uint256 indexed chainId, address indexed account, uint256 amount);
    event Slashed(
        uint256 indexed chainId,
        address indexed account,
        uint256 amount,
        address indexed rewardTo,
        uint256 rewardAmount,
        uint256 treasuryAmount
    );
    event BondTransferred(uint256 indexed chainId, address indexed from, address indexed to, uint256 amount);

    IChainRegistry public immutable registry;
    /// @notice Seconds between requestWithdrawal and the moment the amount can be withdrawn.
    uint64 public immutable unbondingDelay;
    /// @notice Receives the slashed amounts that are not rewards.
    address public immutable treasury;

    mapping(uint256 chainId => mapping(address account => uint256)) private _bonds;
    mapping(uint256 chainId => mapping(address account => Unbonding)) private _unbonding;

    /// @param registry_ the ChainRegistry (chains must be registered to accept bonds; minBond comes from it)
    /// @param unbondingDelay_ seconds; must be >= every served chain's challenge window
    /// @param treasury_ receives slashed ETH minus rewards; the admin (DEFAULT_ADMIN_ROLE) is the deployer
    constructor(IChainRegistry registry_, uint64 unbondingDelay_, address treasury_) {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (treasury_ == address(0)) revert ZeroAddress("treasury");
        registry = registry_;
        unbondingDelay = unbondingDelay_;
        treasury = treasury_;
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
    }

    /// @notice Adds msg.value to the caller's active bond for `chainId` (a registered chain).
    function deposit(uint256 chainId) external payable {
        if (msg.value == 0) revert ZeroAmount();
        if (!registry.isRegistered(chainId)) revert UnknownChain(chainId);
        uint256 bond = _bonds[chainId][msg.sender] + msg.value;
        _bonds[chainId][msg.sender] = bond;
        emit BondDeposited(chainId, msg.sender, msg.value, bond);
    }

    /// @notice Moves `amount` of the caller's active bond into unbonding; withdrawable after `unbondingDelay`.
    function requestWithdrawal(uint256 chainId, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 bond = _bonds[chainId][msg.sender];
        if (amount > bond) revert InsufficientBond(chainId, msg.sender, bond, amount);
        _bonds[chainId][msg.sender] = bond - amount;
        Unbonding storage entry = _unbonding[chainId][msg.sender];
        uint256 total = entry.amount + amount;
        uint64 availableAt = uint64(block.timestamp) + unbondingDelay;
        entry.amount = total;
        entry.availableAt = availableAt;
        emit WithdrawalRequested(chainId, msg.sender, amount, total, availableAt);
    }

    /// @notice Pays the caller's unbonding amount for `chainId` once its delay has passed.
    function withdraw(uint256 chainId) external nonReentrant {
        Unbonding memory entry = _unbonding[chainId][msg.sender];
        if (entry.amount == 0) revert NothingToWithdraw(chainId, msg.sender);
        if (block.timestamp < entry.availableAt) revert WithdrawalNotReady(chainId, msg.sender, entry.availableAt);
        delete _unbonding[chainId][msg.sender];
        emit BondWithdrawn(chainId, msg.sender, entry.amount);
        payable(msg.sender).sendValue(entry.amount);
    }

    /// @notice Takes `amount` from `account` (active bond first, then unbonding), pays `rewardAmount` of it to
    ///         `rewardTo` and the rest to the treasury. SLASHER_ROLE only.
    function slash(uint256 chainId, address account, uint256 amount, address rewardTo, uint256 rewardAmount)
        external
        onlyRole(SLASHER_ROLE)
        nonReentrant
    {
        if (amount == 0) revert ZeroAmount();
        if (rewardAmount > amount) revert RewardExceedsAmount(amount, rewardAmount);
        if (rewardAmount > 0 && rewardTo == address(0)) revert ZeroAddress("rewardTo");
        _take(chainId, account, amount);
        uint256 toTreasury = amount - rewardAmount;
        emit Slashed(chainId, account, amount, rewardTo, rewardAmount, toTreasury);
        if (rewardAmount > 0) payable(rewardTo).sendValue(rewardAmount);
        if (toTreasury > 0) payable(treasury).sendValue(toTreasury);
    }

    /// @notice Moves `amount` from `from`'s bond (active first, then unbonding) to `to`'s active bond, e.g. when a
    ///         challenger loses. SLASHER_ROLE only.
    function payTo(uint256 chainId, address from, address to, uint256 amount) external onlyRole(SLASHER_ROLE) {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress("to");
        _take(chainId, from, amount);
        _bonds[chainId][to] += amount;
        emit BondTransferred(chainId, from, to, amount);
    }

    /// @notice The active bond of `account` for `chainId` (unbonding amounts excluded).
    function bondOf(uint256 chainId, address account) external view returns (uint256) {
        return _bonds[chainId][account];
    }

    /// @notice The unbonding amount of `account` for `chainId` and when it can be withdrawn.
    function unbondingOf(uint256 chainId, address account) external view returns (uint256 amount, uint64 availableAt) {
        Unbonding memory entry = _unbonding[chainId][account];
        return (entry.amount, entry.availableAt);
    }

    /// @notice Whether the active bond of `account` reaches the chain's minBond. Reverts UnknownChain.
    function isBonded(uint256 chainId, address account) external view returns (bool) {
        return _bonds[chainId][account] >= registry.getChain(chainId).minBond;
    }

    function _take(uint256 chainId, address account, uint256 amount) private {
        uint256 bond = _bonds[chainId][account];
        if (amount <= bond) {
            _bonds[chainId][account] = bond - amount;
            return;
        }
        Unbonding storage entry = _unbonding[chainId][account];
        uint256 rest = amount - bond;
        if (rest > entry.amount) revert InsufficientBond(chainId, account, bond + entry.amount, amount);
        _bonds[chainId][account] = 0;
        entry.amount -= rest;
    }
}
