// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BridgedToken
/// @notice The L2 representation of an L1 ERC-20, created by the L2Bridge (CREATE2, salt = the L1 token) on the
///         first deposit of that token. Only the bridge mints (deposits) and burns (withdrawals).
/// @dev Deployed at run time by the L2Bridge, so its constructor runs and immutables are fine here.
contract BridgedToken is ERC20 {
    error OnlyBridge(address caller);

    /// @notice The L2Bridge that created this token.
    address public immutable bridge;
    /// @notice The L1 token this one represents.
    address public immutable l1Token;
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address l1Token_) ERC20(name_, symbol_) {
        bridge = msg.sender;
        l1Token = l1Token_;
        _decimals = decimals_;
    }

    modifier onlyBridge() {
        if (msg.sender != bridge) revert OnlyBridge(msg.sender);
        _;
    }

    /// @notice The L1 token's decimals.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Creates `amount` tokens for `to` (bridge only: a deposit).
    function mint(address to, uint256 amount) external onlyBridge {
        _mint(to, amount);
    }

    /// @notice Destroys `amount` tokens of `from` (bridge only: a withdrawal `from` asked for).
    function burn(address from, uint256 amount) external onlyBridge {
        _burn(from, amount);
    }
}
