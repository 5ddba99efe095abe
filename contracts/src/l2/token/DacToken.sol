// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title DacToken
/// @notice A DAC's own ERC-20, deployed by the DacTokenFactory predeploy with `new` (a normal contract, so its
///         constructor runs): capped, with votes (delegation and checkpoints by block number) and EIP-2612 permit
///         (EIP-712 domain: name = the token's name, version "1"). Its only minter is the factory that deployed it,
///         whose mint only DacProposals may call: tokens are minted only by the DAC's proposals.
contract DacToken is ERC20, ERC20Capped, ERC20Permit, ERC20Votes {
    /// @notice The factory that deployed this token: the only account allowed to mint.
    address public immutable minter;
    /// @notice The DAC this token belongs to.
    uint256 public immutable dacId;

    /// @notice mint called by anyone but the factory.
    error DacTokenUnauthorizedMinter(address caller);

    constructor(uint256 dacId_, string memory name_, string memory symbol_, uint256 cap_)
        ERC20(name_, symbol_)
        ERC20Capped(cap_)
        ERC20Permit(name_)
    {
        minter = msg.sender;
        dacId = dacId_;
    }

    /// @notice Mints within the cap; only the factory.
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert DacTokenUnauthorizedMinter(msg.sender);
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
