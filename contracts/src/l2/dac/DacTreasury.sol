// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Predeploys} from "../Predeploys.sol";
import {DacRegistry} from "./DacRegistry.sol";

/// @title DacTreasury
/// @notice L2 predeploy (Predeploys.DAC_TREASURY): per-DAC balances of ETH (token address(0)) and ERC-20s. Anyone
///         funds a DAC; only DacCommitments (rewards) and DacProposals (spending) move funds out. Spending is a pull
///         payment: the recipient's credit is withdrawn with `withdraw`.
contract DacTreasury is ReentrancyGuard {
    using SafeERC20 for IERC20;

    mapping(uint256 => mapping(address => uint256)) private _balance;
    mapping(address => mapping(address => uint256)) private _owed;

    event Funded(uint256 indexed dacId, address indexed from, address indexed token, uint256 amount);
    event Released(uint256 indexed dacId, address indexed token, uint256 amount);
    event Spent(uint256 indexed dacId, address indexed token, address indexed to, uint256 amount);
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

    error UnknownDac(uint256 dacId);
    error ZeroAmount();
    error Unauthorized(address caller);
    error InsufficientTreasury(uint256 dacId, address token, uint256 balance, uint256 needed);
    error NothingOwed(address account, address token);
    error EthTransferFailed(address to);

    /// @notice Adds msg.value ETH to DAC `dacId`'s treasury (anyone).
    function fund(uint256 dacId) external payable {
        _checkDac(dacId);
        if (msg.value == 0) revert ZeroAmount();
        _balance[dacId][address(0)] += msg.value;
        emit Funded(dacId, msg.sender, address(0), msg.value);
    }

    /// @notice Pulls `amount` of `token` from the caller (approved first) into DAC `dacId`'s treasury; the amount
    ///         actually received is credited.
    function fundToken(uint256 dacId, address token, uint256 amount) external nonReentrant {
        _checkDac(dacId);
        if (amount == 0 || token == address(0)) revert ZeroAmount();
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        _balance[dacId][token] += received;
        emit Funded(dacId, msg.sender, token, received);
    }

    /// @notice Sends up to `amount` of `token` (address(0) = ETH) from DAC `dacId`'s treasury to DacCommitments
    ///         (a commitment's reward), capped by the balance (DacCommitments only).
    /// @return paid The amount sent.
    function release(uint256 dacId, address token, uint256 amount) external nonReentrant returns (uint256 paid) {
        if (msg.sender != Predeploys.DAC_COMMITMENTS) revert Unauthorized(msg.sender);
        uint256 balance = _balance[dacId][token];
        paid = amount < balance ? amount : balance;
        if (paid == 0) return 0;
        _balance[dacId][token] = balance - paid;
        emit Released(dacId, token, paid);
        if (token == address(0)) {
            (bool ok,) = msg.sender.call{value: paid}("");
            if (!ok) revert EthTransferFailed(msg.sender);
        } else {
            IERC20(token).safeTransfer(msg.sender, paid);
        }
    }

    /// @notice Credits `to` with `amount` of `token` from DAC `dacId`'s treasury, withdrawn with `withdraw`
    ///         (DacProposals only).
    function spend(uint256 dacId, address token, address to, uint256 amount) external {
        if (msg.sender != Predeploys.DAC_PROPOSALS) revert Unauthorized(msg.sender);
        uint256 balance = _balance[dacId][token];
        if (amount > balance) revert InsufficientTreasury(dacId, token, balance, amount);
        _balance[dacId][token] = balance - amount;
        _owed[to][token] += amount;
        emit Spent(dacId, token, to, amount);
    }

    /// @notice Withdraws the caller's whole credit of `token` (address(0) = ETH).
    function withdraw(address token) external nonReentrant {
        uint256 amount = _owed[msg.sender][token];
        if (amount == 0) revert NothingOwed(msg.sender, token);
        delete _owed[msg.sender][token];
        emit Withdrawn(msg.sender, token, amount);
        if (token == address(0)) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert EthTransferFailed(msg.sender);
        } else {
            IERC20(token).safeTransfer(msg.sender, amount);
        }
    }

    /// @notice DAC `dacId`'s treasury balance of `token` (address(0) = ETH).
    function balanceOf(uint256 dacId, address token) external view returns (uint256) {
        return _balance[dacId][token];
    }

    /// @notice What `account` can withdraw of `token`.
    function owed(address account, address token) external view returns (uint256) {
        return _owed[account][token];
    }

    function _checkDac(uint256 dacId) private view {
        if (!DacRegistry(Predeploys.DAC_REGISTRY).dacExists(dacId)) revert UnknownDac(dacId);
    }
}
