// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

interface IWithdrawERC20 {
    function withdrawERC20(address l2Token, address to, uint256 amount) external returns (uint256);
}

/// @title ReentrantToken
/// @notice ERC-20 for the bridge tests: while armed, a `transferFrom` to the L2Bridge first re-enters
///         `withdrawERC20` with tokens this contract holds itself (approved to the bridge), which, counted by balance
///         deltas, would credit the outer withdrawal twice. Reverts of the inner call bubble up. Decimals: 18.
contract ReentrantToken is ERC20 {
    address public immutable bridge;
    bool public armed;

    constructor(address bridge_, uint256 initialSupply) ERC20("Reentrant Token", "REE") {
        bridge = bridge_;
        _mint(msg.sender, initialSupply);
        _mint(address(this), initialSupply);
        _approve(address(this), bridge_, type(uint256).max);
    }

    function arm(bool on) external {
        armed = on;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (armed && msg.sender == bridge && from != address(this)) {
            armed = false;
            IWithdrawERC20(bridge).withdrawERC20(address(this), from, value);
        }
        return super.transferFrom(from, to, value);
    }
}
