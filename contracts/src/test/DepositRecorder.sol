// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DepositRecorder
/// @notice A stand-in for the L2 bridge in the evm plugin's tests: the same `finalizeDeposit` entry point,
///         which records every call (caller, index, value), forwards the ETH it gets to `to`, and fails on
///         demand: tokenMeta "revert" (or `setFailAll(true)`) reverts, tokenMeta "burn" runs out of gas, and
///         a recipient refusing the ETH reverts the call too.
contract DepositRecorder {
    error Refused(uint64 index);

    event Recorded(
        uint64 indexed index, address indexed caller, address indexed to, address from, address l1Token, uint256 amount, uint256 value
    );

    bytes32 private constant REVERT = keccak256("revert");
    bytes32 private constant BURN = keccak256("burn");

    /// @notice Successful calls so far.
    uint64 public calls;
    /// @notice Index, caller and value of the last successful call.
    uint64 public lastIndex;
    address public lastCaller;
    uint256 public lastValue;
    /// @notice Every index that was recorded, with its amount.
    mapping(uint64 index => uint256) public amountOf;
    bool public failAll;

    function setFailAll(bool fail) external {
        failAll = fail;
    }

    function finalizeDeposit(
        uint64 index,
        address from,
        address to,
        address l1Token,
        uint256 amount,
        bytes calldata tokenMeta
    ) external payable {
        bytes32 mode = keccak256(tokenMeta);
        if (failAll || mode == REVERT) revert Refused(index);
        if (mode == BURN) {
            uint256 i;
            while (true) {
                ++i;
            }
        }
        calls += 1;
        lastIndex = index;
        lastCaller = msg.sender;
        lastValue = msg.value;
        amountOf[index] = amount;
        emit Recorded(index, msg.sender, to, from, l1Token, amount, msg.value);
        if (msg.value > 0) {
            (bool ok,) = to.call{value: msg.value}("");
            if (!ok) revert Refused(index);
        }
    }
}
