// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Withdrawal, Withdrawals} from "../common/Withdrawals.sol";
import {Predeploys} from "./Predeploys.sol";

/// @title MessagePasser
/// @notice L2 predeploy at Predeploys.MESSAGE_PASSER that records every withdrawal to L1 with a unique nonce.
///         The node builds each batch's withdrawal root (OpenZeppelin StandardMerkleTree over
///         (uint256 nonce, address sender, address to, address l1Token, uint256 amount)) from the
///         WithdrawalInitiated events of the batch's blocks; the L1 Bridge pays against that root.
/// @dev Genesis storage: empty (messageNonce starts at 0). No constructor logic.
contract MessagePasser {
    error OnlyL2Bridge(address caller);

    event WithdrawalInitiated(
        uint256 indexed nonce,
        address indexed sender,
        address indexed to,
        address l1Token,
        uint256 amount,
        bytes32 withdrawalHash
    );

    /// @notice The nonce of the next withdrawal.
    uint256 public messageNonce;
    /// @notice Withdrawal hashes (keccak256(abi.encode(Withdrawal))) recorded so far.
    mapping(bytes32 withdrawalHash => bool) public sentMessages;

    /// @notice Records a withdrawal of `amount` of `l1Token` (address(0): ETH) from L2 account `sender` to L1
    ///         address `to`. Only the L2Bridge, which has already burned or locked the funds.
    function initiateWithdrawal(address sender, address to, address l1Token, uint256 amount)
        external
        returns (uint256 nonce, bytes32 withdrawalHash)
    {
        if (msg.sender != Predeploys.L2_BRIDGE) revert OnlyL2Bridge(msg.sender);
        nonce = messageNonce++;
        withdrawalHash = Withdrawals.hash(Withdrawal({nonce: nonce, sender: sender, to: to, l1Token: l1Token, amount: amount}));
        sentMessages[withdrawalHash] = true;
        emit WithdrawalInitiated(nonce, sender, to, l1Token, amount, withdrawalHash);
    }
}
