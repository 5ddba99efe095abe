// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Reverter
/// @notice Every way a call can fail, plus one that succeeds, for the revert decoding of the JSON-RPC.
contract Reverter {
    /// @notice A custom error with arguments (selector + ABI-encoded arguments in the revert data).
    error CustomFailure(address caller, uint256 code, string reason);

    event Succeeded(address indexed caller, uint256 value, uint256 total);

    uint256 public total;

    /// @notice Reverts with Error(string) "Reverter: always".
    function revertWithReason() external pure {
        require(false, "Reverter: always");
    }

    /// @notice Reverts with empty revert data.
    function revertWithoutReason() external pure {
        revert();
    }

    /// @notice Reverts with CustomFailure(msg.sender, code, "custom").
    function revertWithCustomError(uint256 code) external view {
        revert CustomFailure(msg.sender, code, "custom");
    }

    /// @notice Panics with code 0x12 (division by zero) when `b` is zero.
    function divide(uint256 a, uint256 b) public pure returns (uint256) {
        return a / b;
    }

    /// @notice Always panics with code 0x12 (division by zero).
    function panicDivisionByZero() external pure returns (uint256) {
        return divide(1, 0);
    }

    /// @notice Always panics with code 0x01 (assert).
    function panicAssert() external pure {
        assert(false);
    }

    /// @notice Succeeds: adds `value` to `total` and emits Succeeded.
    function succeed(uint256 value) external returns (uint256) {
        total += value;
        emit Succeeded(msg.sender, value, total);
        return total;
    }

    /// @notice A view that returns a value: 42.
    function answer() external pure returns (uint256) {
        return 42;
    }

    /// @notice A view that reverts with Error(string) "Reverter: view".
    function viewRevert() external pure returns (uint256) {
        revert("Reverter: view");
    }
}
