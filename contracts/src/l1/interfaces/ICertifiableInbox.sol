// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StoredBatch} from "../L1Types.sol";
import {IChainRegistry} from "./IChainRegistry.sol";

/// @notice What the RangerCertifier (holding FINALIZER_ROLE) uses of the BatchInbox.
interface ICertifiableInbox {
    function registry() external view returns (IChainRegistry);
    function getBatch(uint256 chainId, uint64 batchIndex) external view returns (StoredBatch memory);
    function isFinalized(uint256 chainId, uint64 batchIndex) external view returns (bool);
    function finalizedEarly(uint256 chainId) external view returns (uint64);
    function finalizeEarly(uint256 chainId, uint64 batchIndex) external;
}
