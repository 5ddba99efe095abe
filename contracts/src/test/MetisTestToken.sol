// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title MetisTestToken
/// @notice A plain ERC-20 for end-to-end tests and the benchmark. The deployer owns it and receives the
///         initial supply; the owner can mint more and fund many accounts in a few transactions.
contract MetisTestToken is ERC20, Ownable {
    constructor(string memory name_, string memory symbol_, uint256 initialSupply)
        ERC20(name_, symbol_)
        Ownable(msg.sender)
    {
        _mint(msg.sender, initialSupply);
    }

    /// @notice Creates `amount` new tokens for `to`.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice Sends `amount` from the owner's balance to each address in `to` (one Transfer event each).
    /// @dev Roughly 25-30k gas per fresh recipient: fund 1,000 senders in batches of a few hundred.
    function batchTransfer(address[] calldata to, uint256 amount) external onlyOwner {
        uint256 n = to.length;
        for (uint256 i = 0; i < n; ++i) {
            _transfer(msg.sender, to[i], amount);
        }
    }
}
