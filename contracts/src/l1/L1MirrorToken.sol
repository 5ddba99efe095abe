// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title L1MirrorToken
/// @notice The L1 representation of an L2-native ERC-20 (e.g. a DAC's token), created by the L1 Bridge
///         (`registerL2Token`, CREATE2, salt = keccak256(abi.encode(chainId, l2Token, name, symbol, decimals))).
///         Only the Bridge mints (a proven withdrawal of tokens escrowed in the L2Bridge) and burns (a deposit
///         back to its L2 chain): its total supply never exceeds what the L2Bridge of `chainId` holds in escrow.
/// @dev A normal L1 contract (constructor, immutables). Holders need no approval to deposit it back: the
///      Bridge burns as the token's minter.
contract L1MirrorToken is ERC20 {
    error OnlyBridge(address caller);

    /// @notice The L1 Bridge that created this token.
    address public immutable bridge;
    /// @notice The L2 chain of the native token.
    uint256 public immutable chainId;
    /// @notice The native token on L2 chain `chainId` this one mirrors.
    address public immutable l2Token;
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 chainId_, address l2Token_)
        ERC20(name_, symbol_)
    {
        bridge = msg.sender;
        chainId = chainId_;
        l2Token = l2Token_;
        _decimals = decimals_;
    }

    modifier onlyBridge() {
        if (msg.sender != bridge) revert OnlyBridge(msg.sender);
        _;
    }

    /// @notice The native token's decimals.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Creates `amount` tokens for `to` (bridge only: a finalized withdrawal from L2).
    function mint(address to, uint256 amount) external onlyBridge {
        _mint(to, amount);
    }

    /// @notice Destroys `amount` tokens of `from` (bridge only: a deposit back to L2 that `from` asked for).
    function burn(address from, uint256 amount) external onlyBridge {
        _burn(from, amount);
    }
}
