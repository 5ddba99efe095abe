// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What the BatchInbox reads from the BondManager.
interface IBondManager {
    function isBonded(uint256 chainId, address account) external view returns (bool);
}
