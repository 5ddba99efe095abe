// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Predeploys} from "../Predeploys.sol";
import {DacRegistry} from "./DacRegistry.sol";

/// @title DacReputation
/// @notice L2 predeploy (Predeploys.DAC_REPUTATION): non-transferable reputation per (DAC, member), checkpointed by
///         block number; it is the member's vote weight (read at a vote's snapshot block). Seeded and cleared by
///         DacRegistry, raised and lowered only by DacCommitments and DacProposals.
contract DacReputation {
    using Checkpoints for Checkpoints.Trace208;

    mapping(uint256 => mapping(address => Checkpoints.Trace208)) private _power;
    mapping(uint256 => Checkpoints.Trace208) private _total;

    event ReputationChanged(uint256 indexed dacId, address indexed account, uint256 previous, uint256 current);

    error NonTransferable();
    error Unauthorized(address caller);
    error FutureBlock(uint256 blockNumber);

    /// @notice Reputation cannot be transferred: always reverts with NonTransferable.
    function transfer(uint256, address, uint256) external pure returns (bool) {
        revert NonTransferable();
    }

    /// @notice Reputation cannot be transferred: always reverts with NonTransferable.
    function transferFrom(uint256, address, address, uint256) external pure returns (bool) {
        revert NonTransferable();
    }

    /// @notice Reputation cannot be delegated or approved: always reverts with NonTransferable.
    function approve(uint256, address, uint256) external pure returns (bool) {
        revert NonTransferable();
    }

    /// @notice Sets a new member's reputation (DacRegistry only, at creation or admission).
    function seed(uint256 dacId, address account, uint256 amount) external {
        if (msg.sender != Predeploys.DAC_REGISTRY) revert Unauthorized(msg.sender);
        _set(dacId, account, amount);
    }

    /// @notice Drops a leaving member's reputation to zero (DacRegistry only).
    function clear(uint256 dacId, address account) external {
        if (msg.sender != Predeploys.DAC_REGISTRY) revert Unauthorized(msg.sender);
        _set(dacId, account, 0);
    }

    /// @notice Raises `account`'s reputation in DAC `dacId` by `amount` (DacCommitments, DacProposals only); a
    ///         no-op for a non-member (e.g. one who left before their commitment was resolved).
    function increase(uint256 dacId, address account, uint256 amount) external {
        _onlyGovernance();
        if (!DacRegistry(Predeploys.DAC_REGISTRY).isMember(dacId, account)) return;
        _set(dacId, account, _power[dacId][account].latest() + amount);
    }

    /// @notice Lowers `account`'s reputation in DAC `dacId` by `amount`, down to zero (DacCommitments, DacProposals only).
    function decrease(uint256 dacId, address account, uint256 amount) external {
        _onlyGovernance();
        uint256 current = _power[dacId][account].latest();
        _set(dacId, account, current > amount ? current - amount : 0);
    }

    /// @notice `account`'s current reputation in DAC `dacId`.
    function reputationOf(uint256 dacId, address account) external view returns (uint256) {
        return _power[dacId][account].latest();
    }

    /// @notice `account`'s reputation in DAC `dacId` at the end of block `blockNumber` (a past block).
    function reputationAt(uint256 dacId, address account, uint256 blockNumber) external view returns (uint256) {
        if (blockNumber >= block.number) revert FutureBlock(blockNumber);
        return _power[dacId][account].upperLookupRecent(SafeCast.toUint48(blockNumber));
    }

    /// @notice The total reputation of DAC `dacId`'s members.
    function totalReputation(uint256 dacId) external view returns (uint256) {
        return _total[dacId].latest();
    }

    /// @notice The total reputation of DAC `dacId` at the end of block `blockNumber` (a past block).
    function totalReputationAt(uint256 dacId, uint256 blockNumber) external view returns (uint256) {
        if (blockNumber >= block.number) revert FutureBlock(blockNumber);
        return _total[dacId].upperLookupRecent(SafeCast.toUint48(blockNumber));
    }

    function _onlyGovernance() private view {
        if (msg.sender != Predeploys.DAC_COMMITMENTS && msg.sender != Predeploys.DAC_PROPOSALS) revert Unauthorized(msg.sender);
    }

    function _set(uint256 dacId, address account, uint256 amount) private {
        uint48 key = SafeCast.toUint48(block.number);
        (uint256 previous,) = _power[dacId][account].push(key, SafeCast.toUint208(amount));
        uint256 total = _total[dacId].latest() + amount - previous;
        _total[dacId].push(key, SafeCast.toUint208(total));
        if (previous != amount) emit ReputationChanged(dacId, account, previous, amount);
    }
}
