// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DataInbox
/// @notice Data availability on L1 calldata (daKind 1). `publish` stores nothing: the data stays in the
///         transaction's calldata, and off-chain readers find the transaction by the DataPublished event
///         (indexed by chain and data hash) and decode `data` from its input.
contract DataInbox {
    error EmptyData();

    event DataPublished(uint256 indexed chainId, bytes32 indexed dataHash, uint256 dataLength, address indexed publisher);

    /// @notice Publishes `data` for L2 chain `chainId`; emits its keccak256 hash and length.
    function publish(uint256 chainId, bytes calldata data) external {
        if (data.length == 0) revert EmptyData();
        emit DataPublished(chainId, keccak256(data), data.length, msg.sender);
    }
}
