// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice One L2 -> L1 withdrawal, as recorded by the L2 MessagePasser and proven on the L1 Bridge.
/// @dev `l1Token` is address(0) for ETH. `sender` is the L2 account that withdrew.
struct Withdrawal {
    uint256 nonce;
    address sender;
    address to;
    address l1Token;
    uint256 amount;
}

/// @title Withdrawals
/// @notice The two hashes both sides agree on.
/// @dev hash = keccak256(abi.encode(w)) identifies a withdrawal (MessagePasser.sentMessages, Bridge replay
///      protection). leaf = keccak256(bytes.concat(hash)) is the leaf of OpenZeppelin's StandardMerkleTree
///      built over the tuple type (uint256,address,address,address,uint256), so
///      `StandardMerkleTree.of(values, ['uint256','address','address','address','uint256'])` off-chain
///      produces roots and proofs that `MerkleProof.verify` accepts here.
library Withdrawals {
    function hash(Withdrawal memory w) internal pure returns (bytes32) {
        return keccak256(abi.encode(w));
    }

    function leaf(bytes32 withdrawalHash) internal pure returns (bytes32) {
        return keccak256(bytes.concat(withdrawalHash));
    }
}
