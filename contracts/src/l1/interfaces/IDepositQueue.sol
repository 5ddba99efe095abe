// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The deposit queue of the L1 Bridge, as the BatchInbox reads it.
interface IDepositQueue {
    function depositCount(uint256 chainId) external view returns (uint64);
    function depositsDue(uint256 chainId, uint256 l1Block) external view returns (uint64);
}
