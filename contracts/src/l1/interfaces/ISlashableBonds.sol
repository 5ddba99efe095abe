// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What a challenge contract (holding SLASHER_ROLE) uses of the BondManager.
interface ISlashableBonds {
    function registry() external view returns (address);
    function treasury() external view returns (address);
    function bondOf(uint256 chainId, address account) external view returns (uint256);
    function unbondingOf(uint256 chainId, address account) external view returns (uint256 amount, uint64 availableAt);
    function slash(uint256 chainId, address account, uint256 amount, address rewardTo, uint256 rewardAmount) external;
}
