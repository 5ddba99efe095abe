// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ChainConfig} from "../L1Types.sol";

/// @notice What the other L1 contracts read from the ChainRegistry.
interface IChainRegistry {
    function getChain(uint256 chainId) external view returns (ChainConfig memory);
    function isRegistered(uint256 chainId) external view returns (bool);
}
