// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StoredBatch} from "../L1Types.sol";
import {IBondManager} from "./IBondManager.sol";
import {IChainRegistry} from "./IChainRegistry.sol";

/// @notice What a challenge contract (holding CHALLENGER_ROLE) uses of the BatchInbox.
interface IChallengeableInbox {
    function registry() external view returns (IChainRegistry);
    function bonds() external view returns (IBondManager);
    function nextBatchIndex(uint256 chainId) external view returns (uint64);
    function getBatch(uint256 chainId, uint64 batchIndex) external view returns (StoredBatch memory);
    function isFinalized(uint256 chainId, uint64 batchIndex) external view returns (bool);
    function lock(uint256 chainId, uint64 batchIndex) external;
    function unlock(uint256 chainId, uint64 batchIndex) external;
    function removeBatchesFrom(uint256 chainId, uint64 fromIndex) external;
}
