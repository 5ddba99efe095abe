// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What the L1 Bridge reads from the BatchInbox.
interface IBatchInbox {
    function bridge() external view returns (address);
    function isFinalized(uint256 chainId, uint64 batchIndex) external view returns (bool);
    function withdrawalRoot(uint256 chainId, uint64 batchIndex) external view returns (bytes32);
}
